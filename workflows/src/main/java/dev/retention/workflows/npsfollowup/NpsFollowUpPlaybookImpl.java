package dev.retention.workflows.npsfollowup;

import static dev.retention.workflows.contract.OutcomeType.CALL_COMPLETED;
import static dev.retention.workflows.contract.OutcomeType.CUSTOMER_RESPONDED;
import static dev.retention.workflows.contract.OutcomeType.OUTREACH_DONE;
import static dev.retention.workflows.contract.OutcomeType.RECOVERY_PLAN;
import static dev.retention.workflows.contract.OutcomeType.RESOLVED;

import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.OutcomeRejection;
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
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The NPS follow-up playbook as docs/playbooks.md (nps-follow-up) gives it. */
public class NpsFollowUpPlaybookImpl extends PlaybookRun implements NpsFollowUpPlaybook {

  static final int PASSIVE_REPLY_DAYS = 7;
  static final int OUTREACH_SLA_HOURS = 24;
  static final int RESOLUTION_DAYS = 30;

  enum Stage {
    /** Promoter: thank-you sent, review and referral asks to come. */
    ADVOCACY,
    /** Passive: waiting for "what would make it a 10?". */
    AWAITING_FEEDBACK,
    /** Detractor: the CSM must reach out within 24 hours. */
    AWAITING_OUTREACH,
    /** Detractor: reached; the problem-solving call is next. */
    AWAITING_CALL,
    /** Detractor: call done; the service recovery plan is next. */
    AWAITING_RECOVERY_PLAN,
    /** Detractor: plan agreed; waiting for RESOLVED. */
    RECOVERING
  }

  private final NpsFollowUpInput input;
  private final NpsCategory category;
  private final Map<String, String> vars;
  private String reply;

  @WorkflowInit
  public NpsFollowUpPlaybookImpl(NpsFollowUpInput input) {
    super(Playbook.NPS_FOLLOW_UP, input.context(), input.firstStage());
    this.input = input;
    this.category = input.category();
    this.vars =
        Map.of(
            "nps.score",
            Integer.toString(input.score()),
            "nps.comment",
            input.comment() == null ? "" : input.comment().strip());
    run.fact("score", Integer.toString(input.score()));
    run.fact("category", category.name());
    run.stepUnderWay(category == NpsCategory.DETRACTOR ? "detractor-task" : "thank-you", startedAt);
  }

  private String orNoComment() {
    return vars.get("nps.comment").isEmpty() ? "(none)" : vars.get("nps.comment");
  }

  static Stage initialStage(NpsCategory category) {
    return switch (category) {
      case PROMOTER -> Stage.ADVOCACY;
      case PASSIVE -> Stage.AWAITING_FEEDBACK;
      case DETRACTOR -> Stage.AWAITING_OUTREACH;
    };
  }

  @Override
  public PlaybookResult run(NpsFollowUpInput ignored) {
    return execute(
        () -> {
          switch (category) {
            case PROMOTER -> promoter();
            case PASSIVE -> passive();
            case DETRACTOR -> detractor();
          }
        });
  }

  private void promoter() {
    steps.sendCustomerEmail("thank-you", day(0), "nps-follow-up/promoter-thank-you", vars);
    steps.addTag("advocate");
    steps.record("advocate-tag", day(0), StepResult.TAGGED, "advocate");
    if (waitUntil(
        day(2),
        "review-ask",
        WaitingOn.AUTOMATED_STEP,
        "the review request on day 3",
        () -> true)) {
      steps.sendCustomerEmail("review-ask", day(2), "nps-follow-up/review-ask", vars);
    }
    if (waitUntil(
        day(7),
        "referral-invite",
        WaitingOn.AUTOMATED_STEP,
        "the referral invite on day 8",
        () -> true)) {
      steps.sendCustomerEmail("referral-invite", day(7), "nps-follow-up/referral-invite", vars);
      run.close(RunOutcome.ADVOCACY_INVITED, "review and referral invitations sent");
    }
  }

  private void passive() {
    steps.sendCustomerEmail("thank-you", day(0), "nps-follow-up/passive-thank-you", vars);
    if (input.comment() != null && !input.comment().isBlank()) {
      featureRequest("comment-feature-request", input.comment());
    }
    if (waitUntil(
        day(PASSIVE_REPLY_DAYS),
        "no-reply",
        WaitingOn.CUSTOMER,
        "the customer's reply",
        () -> reply == null)) {
      run.close(RunOutcome.NO_REPLY, "no reply within " + PASSIVE_REPLY_DAYS + " days");
    } else if (!run.isClosed() && reply != null) {
      featureRequest("reply-feature-request", reply);
      run.close(
          RunOutcome.FEEDBACK_CAPTURED, "the customer's reply is captured as a feature request");
    }
  }

  private void detractor() {
    steps.createTask(
        "detractor-task",
        TaskAssignee.CSM,
        "NPS detractor (" + input.score() + "): reach out within 24 hours",
        "Comment: " + orNoComment() + ". Record OUTREACH_DONE once you reached them.",
        startedAt.plus(cadence.hours(OUTREACH_SLA_HOURS)),
        TaskPriority.URGENT);
    steps.sendCsmAlert("csm-alert", TaskAssignee.CSM, "nps-follow-up/detractor-alert", vars);
    boolean slaMissed =
        waitUntil(
            startedAt.plus(cadence.hours(OUTREACH_SLA_HOURS)),
            "outreach-sla",
            WaitingOn.CSM,
            "the CSM's OUTREACH_DONE (24-hour SLA)",
            () -> Stage.AWAITING_OUTREACH.name().equals(run.stage()));
    if (slaMissed) {
      run.fact("escalated", "true");
      steps.createTask(
          "outreach-sla-escalation",
          TaskAssignee.MANAGER,
          "NPS detractor not contacted within 24 hours",
          "Score " + input.score() + ". Comment: " + orNoComment(),
          now().plus(cadence.hours(4)),
          TaskPriority.URGENT);
      steps.sendCsmAlert(
          "manager-alert", TaskAssignee.MANAGER, "nps-follow-up/detractor-escalation", vars);
    }
    if (waitUntil(
        day(RESOLUTION_DAYS),
        "resolution-deadline",
        WaitingOn.CSM,
        "the CSM's RESOLVED",
        () -> true)) {
      run.decide(RunOutcome.UNRESOLVED, "not resolved within " + RESOLUTION_DAYS + " days");
      steps.record(
          "resolution-deadline", day(RESOLUTION_DAYS), StepResult.RECORDED, "not resolved");
      run.finish();
    }
  }

  @Override
  protected Set<OutcomeType> allowedOutcomes() {
    return switch (Stage.valueOf(run.stage())) {
      case ADVOCACY, AWAITING_FEEDBACK ->
          run.customerResponded()
              ? EnumSet.noneOf(OutcomeType.class)
              : EnumSet.of(CUSTOMER_RESPONDED);
      case AWAITING_OUTREACH -> EnumSet.of(OUTREACH_DONE);
      case AWAITING_CALL -> EnumSet.of(CALL_COMPLETED);
      case AWAITING_RECOVERY_PLAN -> EnumSet.of(RECOVERY_PLAN);
      case RECOVERING -> EnumSet.of(RESOLVED);
    };
  }

  @Override
  public void validateOutcome(CsmOutcome request) {
    super.validateOutcome(request);
    if (request.type() == RECOVERY_PLAN && (request.note() == null || request.note().isBlank())) {
      throw OutcomeRejection.NOTE_REQUIRED.rejection("RECOVERY_PLAN needs the plan as its note");
    }
  }

  @Override
  protected void onEvent(RunEvent event) {
    switch (event) {
      case RunEvent.Outcome(CsmOutcome outcome) -> onOutcome(outcome);
      case RunEvent.Responded responded -> onCustomerResponded(null, responded.response().source());
      case RunEvent.Superseded superseded ->
          run.close(RunOutcome.SUPERSEDED, superseded.request().reason());
      case RunEvent.Health ignored -> {}
      case RunEvent.Milestone ignored -> {}
      case RunEvent.Upgrade ignored -> {}
    }
  }

  private void onOutcome(CsmOutcome outcome) {
    switch (outcome.type()) {
      case CUSTOMER_RESPONDED -> onCustomerResponded(outcome.note(), "csm");
      case OUTREACH_DONE ->
          advance(Stage.AWAITING_CALL, "outreach-done", "Outreach done. ", outcome);
      case CALL_COMPLETED ->
          advance(
              Stage.AWAITING_RECOVERY_PLAN,
              "call-completed",
              "Problem-solving call done. ",
              outcome);
      case RECOVERY_PLAN ->
          advance(Stage.RECOVERING, "recovery-plan", "Service recovery plan: ", outcome);
      case RESOLVED -> {
        later(
            () -> {
              steps.addNote("resolved", "Resolved. " + orEmpty(outcome.note()));
              steps.record("resolved", now(), StepResult.NOTE_ADDED, "recorded by the CSM");
            });
        run.close(RunOutcome.RESOLVED, "recorded by the CSM");
      }
      default -> throw new IllegalStateException("validator let through " + outcome.type());
    }
  }

  private void advance(Stage next, String step, String notePrefix, CsmOutcome outcome) {
    later(
        () -> {
          steps.addNote(step, notePrefix + orEmpty(outcome.note()));
          steps.record(step, now(), StepResult.NOTE_ADDED, orEmpty(outcome.note()));
        });
    run.setStage(next.name());
  }

  private void onCustomerResponded(String text, String source) {
    if (run.customerResponded() || category == NpsCategory.DETRACTOR) {
      return;
    }
    if (category == NpsCategory.PASSIVE) {
      // Their answer to "what would make it a 10?" is the feedback this run is for.
      run.markCustomerResponded();
      reply = text == null || text.isBlank() ? "(reply by email; see the CSM's inbox)" : text;
      return;
    }
    steps.handOverToCsm(
        "customer-responded-task",
        "Promoter replied: follow up personally",
        source,
        cadence.days(1),
        TaskPriority.NORMAL);
  }

  private void featureRequest(String step, String text) {
    steps.addNote(step, "Feature request (NPS " + input.score() + "): " + text);
    steps.addTag("feature-request");
    steps.record(step, now(), StepResult.NOTE_ADDED, "feature request captured");
  }

  private static String orEmpty(String text) {
    return text == null ? "" : text;
  }
}
