package dev.retention.workflows.onboarding;

import static dev.retention.workflows.contract.Milestone.FIRST_QUERY;
import static dev.retention.workflows.contract.Milestone.INTEGRATION_CONNECTED;
import static dev.retention.workflows.contract.Milestone.PAYMENT_METHOD_ADDED;
import static dev.retention.workflows.contract.Milestone.THREE_QUESTIONS;
import static dev.retention.workflows.contract.OutcomeType.CUSTOMER_RESPONDED;

import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.Milestone;
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
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The onboarding playbook as docs/playbooks.md (onboarding) gives it. */
public class OnboardingPlaybookImpl extends PlaybookRun implements OnboardingPlaybook {

  static final int STALL_DAYS = 3;
  static final int TRIAL_DAYS = 14;
  static final int CLOSE_DAYS = 30;

  enum Stage {
    /** In the trial, moving. */
    ONBOARDING,
    /** In the trial, no milestone for 3 days. */
    STALLED,
    /** Trial ended with a payment method: paying customer until the day-30 close. */
    SUCCESS
  }

  /** Engagement, from the milestones reached by day 6, picks the conversion email. */
  enum Engagement {
    HIGH,
    MEDIUM,
    LOW
  }

  private final Map<Milestone, Instant> reached = new EnumMap<>(Milestone.class);

  /** Milestones whose celebration email the main flow has yet to send. */
  private final java.util.ArrayDeque<Milestone> celebrations = new java.util.ArrayDeque<>();

  private Instant lastProgressAt;
  private int stalls;

  @WorkflowInit
  @SuppressWarnings("this-escape") // day() reads only the frame's cadence, set by super()
  public OnboardingPlaybookImpl(OnboardingInput input) {
    super(Playbook.ONBOARDING, input.context(), input.firstStage());
    this.lastProgressAt = startedAt;
    run.fact("trialEndsAt", day(TRIAL_DAYS).toString());
    run.stepUnderWay("day-0-welcome-email", startedAt);
  }

  @Override
  public PlaybookResult run(OnboardingInput input) {
    return execute(this::play);
  }

  private void play() {
    steps.sendCustomerEmail("day-0-welcome-email", day(0), "onboarding/welcome", Map.of());
    if (!step(day(1), "day-2-setup-help")) {
      return;
    }
    if (!reached.containsKey(INTEGRATION_CONNECTED)) {
      steps.sendCustomerEmail("day-2-setup-help", day(1), "onboarding/setup-help", Map.of());
    }
    if (!step(day(3), "day-3-onboarding-call")) {
      return;
    }
    if (!reached.containsKey(FIRST_QUERY)) {
      steps.sendCustomerEmail(
          "day-3-onboarding-call", day(3), "onboarding/onboarding-call", Map.of());
      steps.createTask(
          "day-3-setup-assistance-task",
          TaskAssignee.CSM,
          "Setup assistance: no first query after 3 days",
          "Offer a personal onboarding call and help them ask their first question.",
          now().plus(cadence.days(1)),
          TaskPriority.HIGH);
    }
    if (!step(day(6), "day-6-conversion-email")) {
      return;
    }
    Engagement engagement = engagement();
    run.fact("engagement", engagement.name());
    steps.sendCustomerEmail(
        "day-6-conversion-email",
        day(6),
        "onboarding/conversion-" + engagement.name().toLowerCase(Locale.ROOT),
        Map.of());
    if (!step(day(13), "day-13-trial-ending")) {
      return;
    }
    if (!reached.containsKey(PAYMENT_METHOD_ADDED)) {
      steps.sendCustomerEmail("day-13-trial-ending", day(13), "onboarding/trial-ending", Map.of());
    }
    if (!step(day(TRIAL_DAYS), "day-14-trial-end")) {
      return;
    }
    if (!trialEnded()) {
      return;
    }
    if (step(day(CLOSE_DAYS), "day-30-close")) {
      closeOnDay30();
    }
  }

  /** Day 14: converted (on to day 30) or not (the run closes): true when the run goes on. */
  private boolean trialEnded() {
    if (reached.containsKey(PAYMENT_METHOD_ADDED)) {
      run.setStage(Stage.SUCCESS.name());
      steps.record("day-14-trial-end", day(TRIAL_DAYS), StepResult.RECORDED, "converted to paid");
      return true;
    }
    steps.record("day-14-trial-end", day(TRIAL_DAYS), StepResult.RECORDED, "not converted");
    steps.createTask(
        "trial-expired-task",
        TaskAssignee.CSM,
        "Trial expired without a payment method",
        "Milestones reached: " + reached.keySet() + ". Reach out about converting.",
        now().plus(cadence.days(1)),
        TaskPriority.HIGH);
    run.close(RunOutcome.TRIAL_EXPIRED, "the trial ended without a payment method");
    return false;
  }

  private void closeOnDay30() {
    List<Milestone> missing =
        EnumSet.allOf(Milestone.class).stream().filter(m -> !reached.containsKey(m)).toList();
    steps.record("day-30-close", day(CLOSE_DAYS), StepResult.RECORDED, "missing: " + missing);
    if (missing.isEmpty()) {
      run.close(RunOutcome.COMPLETED, "every milestone reached");
    } else {
      run.close(RunOutcome.INCOMPLETE, "milestones not reached: " + missing);
    }
  }

  /**
   * Waits for a scheduled step while watching for stalls: no milestone for 3 days during the trial
   * makes the run STALLED and gives the CSM a task. False once the run closed.
   */
  private boolean step(Instant at, String stepName) {
    while (true) {
      Instant stallAt = stallWatch() ? lastProgressAt.plus(cadence.days(STALL_DAYS)) : null;
      boolean scheduled = stallAt == null || !stallAt.isBefore(at);
      Instant until = scheduled ? at : stallAt;
      String stageWhenWaiting = run.stage();
      // A stage change (stalled → moving again) re-arms the stall watch; a milestone wakes the
      // run to send its celebration email from here, not from the event handler.
      boolean due =
          waitUntil(
              until,
              scheduled ? stepName : "stall-check",
              scheduled ? WaitingOn.AUTOMATED_STEP : WaitingOn.CUSTOMER,
              scheduled ? "the scheduled step " + stepName : "a milestone",
              () -> run.stage().equals(stageWhenWaiting) && celebrations.isEmpty());
      if (run.isClosed()) {
        return false;
      }
      while (!celebrations.isEmpty() && !run.isClosed()) {
        Milestone milestone = celebrations.removeFirst();
        steps.sendCustomerEmail(
            "milestone-" + milestone.name().toLowerCase(Locale.ROOT).replace('_', '-'),
            reached.get(milestone),
            "onboarding/milestone",
            Map.of("milestone", milestone.name()));
      }
      if (run.isClosed()) {
        return false;
      }
      if (due && scheduled) {
        return true;
      }
      if (due && stallWatch() && !now().isBefore(lastProgressAt.plus(cadence.days(STALL_DAYS)))) {
        markStalled();
      }
    }
  }

  /** Stalls count while onboarding: in the trial, not stalled already, milestones missing. */
  private boolean stallWatch() {
    return Stage.ONBOARDING.name().equals(run.stage())
        && reached.size() < Milestone.values().length
        && now().isBefore(day(TRIAL_DAYS));
  }

  private void markStalled() {
    stalls++;
    run.setStage(Stage.STALLED.name());
    run.fact("stalled", "true");
    steps.createTask(
        "stalled-task-" + stalls,
        TaskAssignee.CSM,
        "Onboarding stalled: no milestone for " + STALL_DAYS + " days",
        "Milestones so far: " + reached.keySet() + ". Help the customer take the next step.",
        now().plus(cadence.days(1)),
        TaskPriority.HIGH);
  }

  private Engagement engagement() {
    if (reached.containsKey(THREE_QUESTIONS) || reached.size() >= 3) {
      return Engagement.HIGH;
    }
    return reached.containsKey(FIRST_QUERY) || !reached.isEmpty()
        ? Engagement.MEDIUM
        : Engagement.LOW;
  }

  @Override
  protected Set<OutcomeType> allowedOutcomes() {
    return run.customerResponded()
        ? EnumSet.noneOf(OutcomeType.class)
        : EnumSet.of(CUSTOMER_RESPONDED);
  }

  @Override
  protected void onEvent(RunEvent event) {
    switch (event) {
      case RunEvent.Milestone m -> onMilestone(m.milestone().milestone());
      case RunEvent.Outcome(CsmOutcome outcome) -> onCustomerResponded("csm");
      case RunEvent.Responded responded -> onCustomerResponded(responded.response().source());
      case RunEvent.Superseded superseded ->
          run.close(RunOutcome.SUPERSEDED, superseded.request().reason());
      case RunEvent.Health ignored -> {}
      case RunEvent.Upgrade ignored -> {}
    }
  }

  private void onMilestone(Milestone milestone) {
    if (reached.containsKey(milestone)) {
      return;
    }
    Instant at = now();
    reached.put(milestone, at);
    lastProgressAt = at;
    run.fact("milestones", reached.keySet().toString());
    if (milestone == FIRST_QUERY) {
      run.recordFirstValue(at);
      run.fact("timeToFirstValue", Duration.between(startedAt, at).toString());
    }
    if (Stage.STALLED.name().equals(run.stage())) {
      run.setStage(Stage.ONBOARDING.name());
      run.fact("stalled", "false");
    }
    celebrations.add(milestone);
  }

  private void onCustomerResponded(String source) {
    if (run.customerResponded()) {
      return;
    }
    steps.handOverToCsm(
        "customer-responded-task",
        "Trial customer replied: follow up personally",
        source,
        cadence.days(1),
        TaskPriority.HIGH);
  }
}
