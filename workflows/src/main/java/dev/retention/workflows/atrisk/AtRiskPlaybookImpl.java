package dev.retention.workflows.atrisk;

import static dev.retention.workflows.contract.OutcomeType.CALL_COMPLETED;
import static dev.retention.workflows.contract.OutcomeType.CALL_NO_ANSWER;
import static dev.retention.workflows.contract.OutcomeType.CHURNED;
import static dev.retention.workflows.contract.OutcomeType.CUSTOMER_RESPONDED;
import static dev.retention.workflows.contract.OutcomeType.SAVED;

import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.StepResult;
import dev.retention.workflows.contract.WaitingOn;
import dev.retention.workflows.frame.PlaybookRun;
import dev.retention.workflows.frame.RunEvent;
import dev.retention.workflows.ports.TaskAssignee;
import dev.retention.workflows.ports.TaskPriority;
import io.temporal.workflow.WorkflowInit;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The at-risk playbook as docs/playbooks.md (at-risk) gives it. */
public class AtRiskPlaybookImpl extends PlaybookRun implements AtRiskPlaybook {

  static final int RECOVERED_AT = 60;
  static final int DECISION_DAYS = 14;

  private final AtRiskInput input;

  /** Set when the customer answered or a call happened: the CSM now owns the conversation. */
  private boolean handedOver;

  private boolean callTaskCreated;

  @WorkflowInit
  public AtRiskPlaybookImpl(AtRiskInput input) {
    super(Playbook.AT_RISK, input.context(), input.firstStage());
    this.input = input;
    // Shown as the next step from the run's first moment (a read right after the start).
    run.stepUnderWay("day-1-email", startedAt);
  }

  @Override
  public PlaybookResult run(AtRiskInput ignored) {
    return execute(this::play);
  }

  private void play() {
    Map<String, String> vars =
        input.healthScore() == null
            ? Map.of()
            : Map.of("healthScore", Integer.toString(input.healthScore()));
    steps.sendCustomerEmail("day-1-email", day(0), "at-risk/day-1", vars);
    if (input.critical()) {
      callTaskCreated = true;
      steps.createTask(
          "day-1-urgent-call-task",
          TaskAssignee.CSM,
          "Critical health (" + input.healthScore() + "): call within 24 hours",
          "Health is in the critical band. Call the customer within 24 hours.",
          day(0).plus(cadence.hours(24)),
          TaskPriority.URGENT);
    }
    if (scheduledStep(day(2), "day-3-email")) {
      steps.sendCustomerEmail("day-3-email", day(2), "at-risk/day-3", vars);
    }
    if (scheduledStep(day(6), "day-7-call-task")) {
      run.setStage(AtRiskStage.CALL.name());
      callTaskCreated = true;
      steps.createTask(
          "day-7-call-task",
          TaskAssignee.CSM,
          "Call attempt: understand blockers, agree an action plan",
          "Phone or video call. Record CALL_COMPLETED with the plan as a note, or CALL_NO_ANSWER.",
          now().plus(cadence.days(1)),
          TaskPriority.HIGH);
    }
    if (scheduledStep(day(13), "day-14-email")) {
      run.setStage(AtRiskStage.FINAL_OUTREACH.name());
      steps.sendCustomerEmail("day-14-email", day(13), "at-risk/day-14", vars);
    }
    if (scheduledStep(day(16), "day-17-churning-tag")) {
      // Decided before the tag is written: a CSM outcome from here on is refused, not lost.
      run.decide(RunOutcome.CHURNING, "no response by day 17");
      steps.addTag("churning");
      steps.record("day-17-churning-tag", day(16), StepResult.TAGGED, "churning");
      run.finish();
      return;
    }
    if (handedOver && !run.isClosed()) {
      awaitDecision();
    }
  }

  /** Waits for a scheduled step; false once the run closed or was handed over to the CSM. */
  private boolean scheduledStep(Instant at, String step) {
    return waitUntil(
        at, step, WaitingOn.AUTOMATED_STEP, "the scheduled step " + step, () -> !handedOver);
  }

  private void awaitDecision() {
    run.setStage(AtRiskStage.AWAITING_DECISION.name());
    Instant deadline = now().plus(cadence.days(DECISION_DAYS));
    if (waitUntil(
        deadline, "decision-deadline", WaitingOn.CSM, "the CSM's SAVED or CHURNED", () -> true)) {
      run.decide(RunOutcome.UNRESOLVED, "no decision within " + DECISION_DAYS + " days");
      steps.createTask(
          "decision-deadline-manager-task",
          TaskAssignee.MANAGER,
          "At-risk run unresolved after " + DECISION_DAYS + " days",
          "The CSM recorded neither SAVED nor CHURNED within "
              + DECISION_DAYS
              + " days of the hand-over.",
          now().plus(cadence.days(1)),
          TaskPriority.HIGH);
      run.finish();
    }
  }

  @Override
  protected Set<OutcomeType> allowedOutcomes() {
    if (AtRiskStage.AWAITING_DECISION.name().equals(run.stage())) {
      return EnumSet.of(SAVED, CHURNED);
    }
    Set<OutcomeType> allowed = EnumSet.of(CUSTOMER_RESPONDED, SAVED, CHURNED);
    if (handedOver) {
      allowed.remove(CUSTOMER_RESPONDED);
    }
    if (callTaskCreated) {
      allowed.add(CALL_COMPLETED);
      allowed.add(CALL_NO_ANSWER);
    }
    return allowed;
  }

  @Override
  protected void onEvent(RunEvent event) {
    switch (event) {
      case RunEvent.Outcome(CsmOutcome outcome) -> onOutcome(outcome);
      case RunEvent.Responded responded -> onCustomerResponded(responded.response().source());
      case RunEvent.Health health -> {
        if (health.change().score() >= RECOVERED_AT) {
          later(
              () ->
                  steps.record(
                      "health-recovered",
                      now(),
                      StepResult.RECORDED,
                      "health " + health.change().score() + " (" + health.change().band() + ")"));
          run.close(RunOutcome.RECOVERED, "health back at " + health.change().score());
        }
      }
      case RunEvent.Superseded superseded ->
          run.close(RunOutcome.SUPERSEDED, superseded.request().reason());
      case RunEvent.Milestone ignored -> {}
      case RunEvent.Upgrade ignored -> {}
    }
  }

  private void onOutcome(CsmOutcome outcome) {
    switch (outcome.type()) {
      case CUSTOMER_RESPONDED -> onCustomerResponded("csm");
      case CALL_COMPLETED -> {
        later(
            () -> {
              steps.addNote(
                  "call-completed", "Call completed. Action plan: " + orNone(outcome.note()));
              steps.record("call-completed", now(), StepResult.NOTE_ADDED, "action plan noted");
            });
        run.markCustomerResponded();
        handOver();
      }
      case CALL_NO_ANSWER ->
          later(
              () -> {
                steps.addNote(
                    "call-no-answer", "Call attempt: no answer. " + orNone(outcome.note()));
                steps.record(
                    "call-no-answer", now(), StepResult.NOTE_ADDED, "the playbook goes on");
              });
      case SAVED -> closeByCsm(RunOutcome.SAVED, outcome);
      case CHURNED -> closeByCsm(RunOutcome.CHURNED, outcome);
      default -> throw new IllegalStateException("validator let through " + outcome.type());
    }
  }

  private void onCustomerResponded(String source) {
    if (run.customerResponded() && handedOver) {
      return;
    }
    handOver();
    steps.handOverToCsm(
        "customer-responded-task",
        "Customer responded: follow up personally",
        source,
        cadence.days(1),
        TaskPriority.HIGH);
  }

  /** The CSM owns the conversation now; the run waits for their decision. */
  private void handOver() {
    handedOver = true;
    if (answersAtOnce()) {
      // The answer shows the stage the run is now in (older runs moved it on the main thread).
      run.setStage(AtRiskStage.AWAITING_DECISION.name());
      run.clearWait();
    }
  }

  private void closeByCsm(RunOutcome runOutcome, CsmOutcome outcome) {
    if (outcome.note() != null && !outcome.note().isBlank()) {
      later(
          () ->
              steps.addNote(
                  "outcome-" + runOutcome.name().toLowerCase(Locale.ROOT), outcome.note()));
    }
    run.close(runOutcome, "recorded by " + (outcome.csmId() == null ? "the CSM" : outcome.csmId()));
  }

  private static String orNone(String text) {
    return text == null || text.isBlank() ? "(none given)" : text;
  }
}
