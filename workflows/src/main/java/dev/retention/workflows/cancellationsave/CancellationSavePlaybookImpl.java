package dev.retention.workflows.cancellationsave;

import static dev.retention.workflows.contract.OutcomeType.CHURNED;
import static dev.retention.workflows.contract.OutcomeType.CUSTOMER_RESPONDED;
import static dev.retention.workflows.contract.OutcomeType.OFFER_ACCEPTED;
import static dev.retention.workflows.contract.OutcomeType.OFFER_PRESENTED;
import static dev.retention.workflows.contract.OutcomeType.OFFER_REJECTED;
import static dev.retention.workflows.contract.OutcomeType.SAVE_CALL_DONE;

import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.StepResult;
import dev.retention.workflows.contract.WaitingOn;
import dev.retention.workflows.frame.PlaybookRun;
import dev.retention.workflows.frame.RunEvent;
import dev.retention.workflows.ports.BackendNotification;
import dev.retention.workflows.ports.TaskAssignee;
import dev.retention.workflows.ports.TaskPriority;
import io.temporal.workflow.WorkflowInit;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The cancellation-save playbook as docs/playbooks.md (cancellation-save) gives it. */
public class CancellationSavePlaybookImpl extends PlaybookRun implements CancellationSavePlaybook {

  static final int CALL_SLA_HOURS = 2;
  static final int OFFER_EMAIL_AFTER_HOURS = 4;
  static final int EXIT_SURVEY_DAYS = 1;
  static final int[] WIN_BACK_DAYS = {30, 90};

  private final CancellationSaveInput input;
  private final SaveOffer offer;
  private final Map<String, String> vars;

  private boolean callDone;
  private boolean offerSent;
  private boolean offerRejected;
  private boolean cameBack;

  @WorkflowInit
  public CancellationSavePlaybookImpl(CancellationSaveInput input) {
    super(Playbook.CANCELLATION_SAVE, input.context(), input.firstStage());
    this.input = input;
    this.offer = input.reason().offer();
    this.vars =
        Map.of(
            "reason", input.reason().name(),
            "offer", offer.name(),
            "decisionDeadline", input.decisionDeadline().toString());
    run.fact("reason", input.reason().name());
    run.fact("offer", offer.name());
    run.fact("decisionDeadline", input.decisionDeadline().toString());
    run.stepUnderWay("save-call-task", startedAt);
  }

  enum Stage {
    /** The CSM owes the customer a save call within 2 hours. */
    AWAITING_SAVE_CALL,
    /** The offer is on the table. */
    OFFER_OPEN,
    /** The customer rejected the offer; an executive has a day to try. */
    EXECUTIVE_REVIEW,
    /** Churned: exit survey and win-back emails. */
    WIN_BACK
  }

  @Override
  public PlaybookResult run(CancellationSaveInput ignored) {
    return execute(this::play);
  }

  private void play() {
    steps.createTask(
        "save-call-task",
        TaskAssignee.CSM,
        "Cancellation request: save call within 2 hours",
        "Reason: "
            + input.reason()
            + ". Offer to make: "
            + offer.description()
            + ". The cancellation is held until "
            + input.decisionDeadline()
            + ". Record SAVE_CALL_DONE after the call.",
        startedAt.plus(cadence.hours(CALL_SLA_HOURS)),
        TaskPriority.URGENT);
    steps.sendCsmAlert("csm-alert", TaskAssignee.CSM, "cancellation-save/csm-alert", vars);

    if (waitForDecision(startedAt.plus(cadence.hours(CALL_SLA_HOURS)), "save-call-sla")
        && !callDone) {
      steps.createTask(
          "save-call-sla-escalation",
          TaskAssignee.MANAGER,
          "No save call within 2 hours of a cancellation request",
          "The CSM has not recorded SAVE_CALL_DONE. Reason: " + input.reason() + ".",
          now().plus(cadence.hours(2)),
          TaskPriority.URGENT);
    }
    if (waitForDecision(startedAt.plus(cadence.hours(OFFER_EMAIL_AFTER_HOURS)), "offer-email")
        && !callDone) {
      sendOffer(startedAt.plus(cadence.hours(OFFER_EMAIL_AFTER_HOURS)), false);
    }
    if (waitForDecision(input.decisionDeadline(), "decision-deadline")) {
      run.decide(
          RunOutcome.CHURNED, "not saved by the decision deadline; the cancellation proceeds");
      steps.record("decision-deadline", input.decisionDeadline(), StepResult.RECORDED, "not saved");
    }
    if (run.isClosed()) {
      return;
    }
    if (run.outcome() == RunOutcome.SAVED) {
      steps
          .backend("cancellation-withdrawn")
          .notifyBackend(
              new BackendNotification(
                  workflowId,
                  "cancellation-withdrawn",
                  context.customerId(),
                  "CANCELLATION_WITHDRAWN",
                  Map.of("offer", offer.name())));
      steps.record("cancellation-withdrawn", now(), StepResult.RECORDED, "backend told");
      run.finish();
      return;
    }
    winBack();
  }

  /** Waits until {@code at}; false once the outcome is decided (saved or churned) or closed. */
  private boolean waitForDecision(Instant at, String step) {
    // The CSM owes the save call and the decision; every wait before one is on them.
    return waitUntil(at, step, WaitingOn.CSM, "the " + step + " step", () -> run.outcome() == null);
  }

  private void winBack() {
    run.setStage(Stage.WIN_BACK.name());
    // The save conversation is over; a reply from here on stops the win-back emails.
    run.conversationEnded();
    Instant churnedAt = now();
    run.fact("churnedAt", churnedAt.toString());
    String survey = "exit-survey";
    Instant surveyAt = churnedAt.plus(cadence.days(EXIT_SURVEY_DAYS));
    if (!waitForReturn(surveyAt, survey)
        || steps.sendCustomerEmail(survey, surveyAt, "cancellation-save/exit-survey", vars)
            == StepResult.SKIPPED_SUPPRESSED) {
      run.finish();
      return;
    }
    for (int days : WIN_BACK_DAYS) {
      String step = "win-back-day-" + days;
      Instant at = churnedAt.plus(cadence.days(days));
      if (!waitForReturn(at, step)
          || steps.sendCustomerEmail(step, at, "cancellation-save/win-back-" + days, vars)
              == StepResult.SKIPPED_SUPPRESSED) {
        break;
      }
    }
    run.finish();
  }

  /**
   * Waits for a win-back step; false when the customer came back or answered (the CSM takes it from
   * there), or the run was closed.
   */
  private boolean waitForReturn(Instant at, String step) {
    return waitUntil(
        at,
        step,
        WaitingOn.AUTOMATED_STEP,
        "the " + step + " email",
        () -> !cameBack && !run.customerResponded());
  }

  private void sendOffer(Instant plannedAt, boolean onCsmRequest) {
    offerSent = true;
    run.setStage(Stage.OFFER_OPEN.name());
    later(
        () ->
            steps.sendCustomerEmail(
                "offer-email", plannedAt, "cancellation-save/offer", vars, onCsmRequest));
  }

  /** The customer's request is held against a deadline: no waiting for business hours. */
  @Override
  protected boolean exemptFromSendingRules() {
    return true;
  }

  @Override
  protected Set<OutcomeType> allowedOutcomes() {
    Set<OutcomeType> allowed = EnumSet.of(OFFER_ACCEPTED, CHURNED);
    if (!callDone) {
      allowed.add(SAVE_CALL_DONE);
    }
    if (callDone && !offerSent) {
      allowed.add(OFFER_PRESENTED);
    }
    if ((callDone || offerSent) && !offerRejected) {
      allowed.add(OFFER_REJECTED);
    }
    if (!run.customerResponded()) {
      allowed.add(CUSTOMER_RESPONDED);
    }
    return allowed;
  }

  @Override
  protected void onEvent(RunEvent event) {
    switch (event) {
      case RunEvent.Outcome(CsmOutcome outcome) -> onOutcome(outcome);
      case RunEvent.Responded responded -> onCustomerResponded(responded.response().source());
      case RunEvent.Upgrade upgrade -> {
        if (run.outcome() == null) {
          later(
              () ->
                  steps.record(
                      "upgraded",
                      now(),
                      StepResult.RECORDED,
                      "customer upgraded to " + upgrade.upgrade().plan()));
          run.decide(RunOutcome.SAVED, "the customer upgraded to " + upgrade.upgrade().plan());
        } else {
          cameBack = true;
          later(
              () ->
                  steps.record(
                      "came-back",
                      now(),
                      StepResult.RECORDED,
                      "customer is back on " + upgrade.upgrade().plan()));
        }
      }
      case RunEvent.Superseded superseded ->
          run.close(RunOutcome.SUPERSEDED, superseded.request().reason());
      case RunEvent.Health ignored -> {}
      case RunEvent.Milestone ignored -> {}
    }
  }

  private void onOutcome(CsmOutcome outcome) {
    switch (outcome.type()) {
      case SAVE_CALL_DONE -> {
        callDone = true;
        run.setStage(Stage.OFFER_OPEN.name());
        later(
            () -> {
              steps.addNote("save-call-done", "Save call done. " + orNone(outcome.note()));
              steps.record(
                  "save-call-done", now(), StepResult.NOTE_ADDED, "the CSM can present the offer");
            });
      }
      case OFFER_PRESENTED -> sendOffer(now(), true);
      case OFFER_ACCEPTED -> {
        later(
            () -> {
              steps.addNote(
                  "offer-accepted",
                  "Offer accepted: " + offer.name() + ". " + orNone(outcome.note()));
              steps.record("offer-accepted", now(), StepResult.NOTE_ADDED, offer.name());
            });
        run.decide(RunOutcome.SAVED, "offer accepted: " + offer.name());
      }
      case OFFER_REJECTED -> {
        offerRejected = true;
        run.setStage(Stage.EXECUTIVE_REVIEW.name());
        Instant dueAt = now().plus(cadence.days(1));
        later(
            () ->
                steps.createTask(
                    "executive-task",
                    TaskAssignee.EXECUTIVE,
                    "Save offer rejected: executive outreach within 1 day",
                    "The customer rejected "
                        + offer.description()
                        + ". CSM note: "
                        + orNone(outcome.note()),
                    dueAt,
                    TaskPriority.URGENT));
      }
      case CHURNED -> {
        later(
            () -> {
              steps.addNote("churned", "Churn confirmed. " + orNone(outcome.note()));
              steps.record("churned", now(), StepResult.NOTE_ADDED, "recorded by the CSM");
            });
        run.decide(RunOutcome.CHURNED, "recorded by the CSM");
      }
      case CUSTOMER_RESPONDED -> onCustomerResponded("csm");
      default -> throw new IllegalStateException("validator let through " + outcome.type());
    }
  }

  private void onCustomerResponded(String source) {
    if (run.customerResponded()) {
      return;
    }
    if (run.outcome() == RunOutcome.CHURNED) {
      steps.handOverToCsm(
          "churned-customer-replied-task",
          "A churned customer replied: follow up personally",
          source,
          "The win-back emails have stopped.",
          cadence.days(1),
          TaskPriority.HIGH);
    } else if (run.outcome() != null) {
      // Saved, with only the backend notification left: nothing to follow up.
      run.markCustomerResponded();
    } else {
      steps.handOverToCsm(
          "customer-responded-task",
          "Customer responded about the cancellation: follow up personally",
          source,
          cadence.hours(2),
          TaskPriority.URGENT);
    }
  }

  private static String orNone(String text) {
    return text == null || text.isBlank() ? "" : text;
  }
}
