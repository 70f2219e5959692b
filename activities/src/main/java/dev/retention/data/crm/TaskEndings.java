package dev.retention.data.crm;

import dev.retention.workflows.contract.Playbook;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What ends each task a playbook creates (docs/playbooks.md, "When a task ends"): the step of the
 * run that does its work (an outcome the CSM records, a milestone, an upgrade) closes it {@code
 * DONE}; a task whose work is moot once the run's outcome is decided closes {@code OBSOLETE},
 * saying why; every other task stays open, after the run too, until a person closes it (hand-overs,
 * "reach out personally", the tasks a run makes as it closes). A task of a step not named here
 * stays open.
 */
final class TaskEndings {

  /**
   * A step of the run, named as on its timeline, that does a task's work; {@code byCsm} when it is
   * an outcome the CSM records (the task is then closed by the run's CSM, else by the playbook).
   * {@code step} ending in {@code *} names every step it begins.
   */
  record Trigger(String step, boolean byCsm, String note) {
    boolean matches(String timelineStep) {
      return step.endsWith("*")
          ? timelineStep.startsWith(step.substring(0, step.length() - 1))
          : step.equals(timelineStep);
    }
  }

  /**
   * One kind of task: its playbook and step ({@code *} at the end: every step it begins; at the
   * start: every step it ends), the steps that do its work, the outcomes that do (recorded by the
   * CSM), and whether a decided outcome makes it moot.
   */
  record Ending(
      String playbook,
      String taskStep,
      List<Trigger> doneBy,
      Set<String> doneByOutcomes,
      boolean mootOnceDecided) {

    Ending(
        Playbook playbook,
        String taskStep,
        List<Trigger> doneBy,
        Set<String> doneByOutcomes,
        boolean mootOnceDecided) {
      this(playbook.id(), taskStep, doneBy, doneByOutcomes, mootOnceDecided);
    }

    boolean covers(String playbookId, String step) {
      if (!playbook.equals(playbookId) || step == null) {
        return false;
      }
      if (taskStep.endsWith("*")) {
        return step.startsWith(taskStep.substring(0, taskStep.length() - 1));
      }
      if (taskStep.startsWith("*")) {
        return step.endsWith(taskStep.substring(1));
      }
      return taskStep.equals(step);
    }

    Optional<Trigger> doneBy(String timelineStep) {
      return doneBy.stream().filter(t -> t.matches(timelineStep)).findFirst();
    }
  }

  private static Trigger csm(String step, String outcome) {
    return new Trigger(step, true, outcome + " recorded on the run");
  }

  private static final Trigger CALL_COMPLETED = csm("call-completed", "CALL_COMPLETED");
  private static final Trigger CALL_NO_ANSWER =
      new Trigger("call-no-answer", true, "CALL_NO_ANSWER recorded on the run: the call was tried");
  private static final Trigger OUTREACH_DONE =
      new Trigger(
          "outreach-done", true, "OUTREACH_DONE recorded on the run: the detractor was contacted");
  private static final Trigger RESOLVED = csm("resolved", "RESOLVED");
  private static final Trigger SAVE_CALL_DONE = csm("save-call-done", "SAVE_CALL_DONE");
  private static final Trigger OFFER_ACCEPTED = csm("offer-accepted", "OFFER_ACCEPTED");
  private static final Trigger CHURNED = csm("churned", "CHURNED");
  private static final Trigger DECLINED = csm("declined", "DECLINED");
  private static final Trigger UPGRADED =
      new Trigger("upgraded", false, "the customer upgraded (recorded on the run)");
  private static final Trigger FIRST_QUERY =
      new Trigger("milestone-first-query", false, "the customer reached FIRST_QUERY");
  private static final Trigger ANY_MILESTONE =
      new Trigger("milestone-*", false, "the customer reached a milestone: onboarding moves again");

  private static Ending reachOut(Playbook playbook, String suffix, Trigger... conversations) {
    return new Ending(playbook, "*" + suffix, List.of(conversations), Set.of(), false);
  }

  static final List<Ending> ALL =
      List.of(
          // at-risk
          new Ending(
              Playbook.AT_RISK,
              "day-1-urgent-call-task",
              List.of(CALL_COMPLETED, CALL_NO_ANSWER),
              Set.of(),
              true),
          new Ending(
              Playbook.AT_RISK,
              "day-7-call-task",
              List.of(CALL_COMPLETED, CALL_NO_ANSWER),
              Set.of(),
              true),
          new Ending(
              Playbook.AT_RISK,
              "customer-responded-task",
              List.of(),
              Set.of("SAVED", "CHURNED"),
              false),
          reachOut(Playbook.AT_RISK, "-failed", CALL_COMPLETED),
          reachOut(Playbook.AT_RISK, "-suppressed", CALL_COMPLETED),
          // nps-follow-up
          new Ending(
              Playbook.NPS_FOLLOW_UP, "detractor-task", List.of(OUTREACH_DONE), Set.of(), true),
          new Ending(
              Playbook.NPS_FOLLOW_UP,
              "outreach-sla-escalation",
              List.of(OUTREACH_DONE, RESOLVED),
              Set.of(),
              true),
          reachOut(Playbook.NPS_FOLLOW_UP, "-failed", OUTREACH_DONE, CALL_COMPLETED),
          reachOut(Playbook.NPS_FOLLOW_UP, "-suppressed", OUTREACH_DONE, CALL_COMPLETED),
          // cancellation-save
          new Ending(
              Playbook.CANCELLATION_SAVE,
              "save-call-task",
              List.of(SAVE_CALL_DONE),
              Set.of(),
              true),
          new Ending(
              Playbook.CANCELLATION_SAVE,
              "save-call-sla-escalation",
              List.of(SAVE_CALL_DONE),
              Set.of(),
              true),
          new Ending(Playbook.CANCELLATION_SAVE, "executive-task", List.of(), Set.of(), true),
          new Ending(
              Playbook.CANCELLATION_SAVE,
              "customer-responded-task",
              List.of(OFFER_ACCEPTED, CHURNED, UPGRADED),
              Set.of(),
              false),
          reachOut(Playbook.CANCELLATION_SAVE, "-failed", SAVE_CALL_DONE),
          reachOut(Playbook.CANCELLATION_SAVE, "-suppressed", SAVE_CALL_DONE),
          // expansion
          new Ending(
              Playbook.EXPANSION,
              "customer-interested-task",
              List.of(DECLINED, UPGRADED),
              Set.of(),
              false),
          // onboarding
          new Ending(
              Playbook.ONBOARDING,
              "day-3-setup-assistance-task",
              List.of(FIRST_QUERY),
              Set.of(),
              true),
          new Ending(
              Playbook.ONBOARDING, "stalled-task-*", List.of(ANY_MILESTONE), Set.of(), true));

  /** The ending of a task of this playbook and step; empty when a person closes it. */
  static Optional<Ending> of(String playbookId, String taskStep) {
    return ALL.stream().filter(e -> e.covers(playbookId, taskStep)).findFirst();
  }

  private TaskEndings() {}
}
