package dev.retention.workflows.frame;

import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.StepRecord;
import dev.retention.workflows.contract.StepResult;
import dev.retention.workflows.contract.WaitingOn;
import dev.retention.workflows.frame.ActivityPolicies.RunActivities;
import dev.retention.workflows.ports.BackendActivities;
import dev.retention.workflows.ports.CrmNote;
import dev.retention.workflows.ports.CrmTag;
import dev.retention.workflows.ports.CrmTask;
import dev.retention.workflows.ports.CsmAlert;
import dev.retention.workflows.ports.CustomerEmail;
import dev.retention.workflows.ports.EmailActivities;
import dev.retention.workflows.ports.EmailFailure;
import dev.retention.workflows.ports.EmailReceipt;
import dev.retention.workflows.ports.EmailStatus;
import dev.retention.workflows.ports.FailureType;
import dev.retention.workflows.ports.OfferActivities;
import dev.retention.workflows.ports.SendSlot;
import dev.retention.workflows.ports.SendSlotRequest;
import dev.retention.workflows.ports.TaskAssignee;
import dev.retention.workflows.ports.TaskEnding;
import dev.retention.workflows.ports.TaskPriority;
import dev.retention.workflows.ports.TemplateText;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The steps a playbook takes (emails, CRM tasks, notes, tags, alerts) and the step log they write.
 * Each calls activities, so it runs on the run's main thread; a handler hands them to {@code
 * later}.
 */
public final class PlaybookSteps {

  private static final Logger log = Workflow.getLogger(PlaybookSteps.class);

  private static final String STOPPED = "the run was stopped through the API";

  /** Waits durably until a moment, acting on events; see {@link PlaybookRun#waitUntil}. */
  @FunctionalInterface
  interface Waiter {
    boolean waitUntil(
        Instant at, String step, WaitingOn on, String waitingFor, BooleanSupplier keepOn);
  }

  private final String playbookId;
  private final PlaybookContext context;
  private final RunState state;
  private final RunLedger ledger;
  private final RunInbox inbox;
  private final Supplier<RunActivities> activities;
  private final Waiter waiter;
  private final boolean exemptFromSendingRules;
  private final BooleanSupplier reshaped;
  private final BooleanSupplier stopWins;

  PlaybookSteps(
      String playbookId,
      PlaybookContext context,
      RunState state,
      RunLedger ledger,
      RunInbox inbox,
      Supplier<RunActivities> activities,
      Waiter waiter,
      boolean exemptFromSendingRules,
      BooleanSupplier reshaped,
      BooleanSupplier stopWins) {
    this.playbookId = playbookId;
    this.context = context;
    this.state = state;
    this.ledger = ledger;
    this.inbox = inbox;
    this.activities = activities;
    this.waiter = waiter;
    this.exemptFromSendingRules = exemptFromSendingRules;
    this.reshaped = reshaped;
    this.stopWins = stopWins;
  }

  /** Sends a customer email from the CSM, unless the customer is talking with their CSM already. */
  public StepResult sendCustomerEmail(
      String step, Instant plannedAt, String template, Map<String, String> variables) {
    return sendCustomerEmail(step, plannedAt, template, variables, false);
  }

  /**
   * Sends a customer email; {@code onCsmRequest} marks one the CSM asked for (e.g. "send the offer
   * now"), which goes out even while the CSM owns the conversation.
   */
  public StepResult sendCustomerEmail(
      String step,
      Instant plannedAt,
      String template,
      Map<String, String> variables,
      boolean onCsmRequest) {
    return sendCustomerEmail(step, plannedAt, template, null, variables, onCsmRequest);
  }

  /**
   * Sends a customer email whose template text, per locale, the run's definition version writes
   * itself ({@code override}; null: the template files).
   */
  public StepResult sendCustomerEmail(
      String step,
      Instant plannedAt,
      String template,
      Map<String, TemplateText> override,
      Map<String, String> variables,
      boolean onCsmRequest) {
    RunActivities act = activities();
    if (state.customerResponded() && !onCsmRequest) {
      return record(
          step, plannedAt, StepResult.SKIPPED_CUSTOMER_RESPONDED, "the CSM owns the conversation");
    }
    state.stepUnderWay(step, plannedAt);
    if (context.sendingRules() && !onCsmRequest && !exemptFromSendingRules) {
      StepResult notSent = awaitSendSlot(act, step, plannedAt);
      if (notSent != null) {
        return notSent;
      }
    }
    state.stepUnderWay(step, plannedAt);
    EmailReceipt receipt;
    try {
      EmailActivities email = act.email(step);
      CustomerEmail request =
          new CustomerEmail(
              workflowId(), step, playbookId, template, customerId(), variables, override);
      receipt = toItsEnd(() -> email.sendCustomerEmail(request));
    } catch (ActivityFailure failure) {
      return emailNotSent(failure, step, plannedAt, template);
    }
    if (receipt.status() == EmailStatus.SKIPPED_SUPPRESSED) {
      record(step, plannedAt, StepResult.SKIPPED_SUPPRESSED, "the customer receives no email");
      createTask(
          step + "-suppressed",
          TaskAssignee.CSM,
          "Customer cannot be emailed: reach out another way",
          "The " + template + " email was not sent because the customer is suppressed.",
          now().plus(context.cadence().days(1)),
          TaskPriority.HIGH);
      return StepResult.SKIPPED_SUPPRESSED;
    }
    return record(step, plannedAt, StepResult.SENT, "\"" + receipt.subject() + "\"");
  }

  /**
   * Reserves the customer's send slot under the sending rules and, when it is later, waits for it:
   * the step's result when the email must not go out after all (null: send it now).
   */
  private StepResult awaitSendSlot(RunActivities act, String step, Instant plannedAt) {
    SendSlot slot =
        act.sendingRules(step + ": send slot")
            .reserveSendSlot(new SendSlotRequest(workflowId(), step, customerId(), now(), true));
    if (!slot.at().isAfter(now())) {
      return null;
    }
    // Durably, acting on events: a reply or a close while waiting means no email.
    boolean due =
        waiter.waitUntil(
            slot.at(),
            step,
            WaitingOn.AUTOMATED_STEP,
            slot.waitingFor(),
            () -> !state.customerResponded());
    if (!due) {
      // Not sent: give the customer's day back to the other playbooks.
      act.sendingRules(step + ": release slot")
          .releaseSendSlot(new SendSlotRequest(workflowId(), step, customerId(), slot.at(), true));
    }
    if (state.isClosed()) {
      return record(step, plannedAt, StepResult.SKIPPED_RUN_CLOSED, "the run closed first");
    }
    if (state.customerResponded()) {
      return record(
          step, plannedAt, StepResult.SKIPPED_CUSTOMER_RESPONDED, "the CSM owns the conversation");
    }
    return null;
  }

  /** The email activity failed for good: skipped when the run was stopped, else a task to call. */
  private StepResult emailNotSent(
      ActivityFailure failure, String step, Instant plannedAt, String template) {
    if (refusedAsStopped(failure)) {
      return record(step, plannedAt, StepResult.SKIPPED_RUN_CLOSED, STOPPED);
    }
    String reason = emailFailed(failure, step);
    log.warn("email step {} of {} failed: {}", step, workflowId(), reason);
    record(step, plannedAt, StepResult.FAILED, reason);
    createTask(
        step + "-failed",
        TaskAssignee.CSM,
        "Email could not be sent: reach out personally",
        "The automated " + template + " email failed: " + reason,
        now().plus(context.cadence().days(1)),
        TaskPriority.HIGH);
    return StepResult.FAILED;
  }

  /** Emails an alert to the CSM (or their manager). Alerts are never suppressed. */
  public StepResult sendCsmAlert(
      String step, TaskAssignee recipient, String template, Map<String, String> variables) {
    return sendCsmAlert(step, recipient, template, null, variables);
  }

  /** Emails an alert whose template text the run's definition version writes ({@code override}). */
  public StepResult sendCsmAlert(
      String step,
      TaskAssignee recipient,
      String template,
      Map<String, TemplateText> override,
      Map<String, String> variables) {
    RunActivities act = activities();
    state.stepUnderWay(step, now());
    try {
      EmailActivities email = act.email(step);
      CsmAlert alert =
          new CsmAlert(
              workflowId(),
              step,
              playbookId,
              template,
              customerId(),
              recipient,
              variables,
              override);
      EmailReceipt receipt = toItsEnd(() -> email.sendCsmAlert(alert));
      return record(
          step,
          now(),
          StepResult.SENT,
          "alert to "
              + recipient.name().toLowerCase(Locale.ROOT)
              + ": \""
              + receipt.subject()
              + "\"");
    } catch (ActivityFailure failure) {
      if (refusedAsStopped(failure)) {
        return record(step, now(), StepResult.SKIPPED_RUN_CLOSED, STOPPED);
      }
      return record(step, now(), StepResult.FAILED, emailFailed(failure, step));
    }
  }

  /**
   * Runs an email activity to its end even when the run is stopped meanwhile (runs since {@link
   * RunVersions#STOP_WINS}; older runs abandon it): in a detached scope, so the stop sends the
   * server no cancel request for it and the run waits for its answer. An email being sent when the
   * stop came is then known sent, and recorded; one not claimed yet is refused by the activity,
   * since the API records a stop before it answers.
   */
  private EmailReceipt toItsEnd(Supplier<EmailReceipt> send) {
    if (!stopWins.getAsBoolean()) {
      return send.get();
    }
    EmailReceipt[] receipt = new EmailReceipt[1];
    Workflow.newDetachedCancellationScope(() -> receipt[0] = send.get()).run();
    return receipt[0];
  }

  /**
   * Whether the email activity refused the step because the run was recorded stopped (the API
   * records a stop before it answers, so the refusal may come before the stop reaches the run);
   * runs since {@link RunVersions#STOP_WINS} record such a step as skipped, not failed, and rethrow
   * the stop once it is here.
   */
  private boolean refusedAsStopped(ActivityFailure failure) {
    if (!stopWins.getAsBoolean()) {
      return false;
    }
    if (CancellationScope.current().isCancelRequested()) {
      throw failure;
    }
    return failure.getCause() instanceof ApplicationFailure refusal
        && FailureType.RUN_CANCELLED.name().equals(refusal.getType());
  }

  /**
   * Why an email step failed; rethrows when the run was stopped. Since the reshape its
   * communications row is marked {@code FAILED} first.
   */
  private String emailFailed(ActivityFailure failure, String step) {
    if (CancellationScope.current().isCancelRequested()) {
      throw failure;
    }
    String reason = rootMessage(failure);
    if (reshaped.getAsBoolean()) {
      activities()
          .email(step + ": mark failed")
          .recordFailure(new EmailFailure(workflowId(), step, reason));
    }
    return reason;
  }

  /** Creates a CRM task; a task for the manager (or an executive) is recorded as an escalation. */
  public void createTask(
      String step,
      TaskAssignee assignee,
      String title,
      String body,
      Instant dueAt,
      TaskPriority priority) {
    createTask(step, assignee, title, body, dueAt, priority, null);
  }

  /** As above, with what ends the task ({@code null}: the built-in table, or a person). */
  public void createTask(
      String step,
      TaskAssignee assignee,
      String title,
      String body,
      Instant dueAt,
      TaskPriority priority,
      TaskEnding endsOn) {
    RunActivities act = activities();
    state.stepUnderWay(step, now());
    act.crm(step)
        .createTask(
            new CrmTask(
                workflowId(), step, customerId(), assignee, title, body, dueAt, priority, endsOn));
    record(
        step,
        now(),
        assignee == TaskAssignee.CSM ? StepResult.TASK_CREATED : StepResult.ESCALATED,
        priority + " task for " + assignee.name().toLowerCase(Locale.ROOT) + ": " + title);
  }

  /**
   * The customer answered: from now on no automated email goes to them, and the CSM gets a task to
   * follow up personally (the common rule of every playbook). Called from an event handler.
   */
  public void handOverToCsm(
      String step, String title, String source, Duration dueIn, TaskPriority priority) {
    handOverToCsm(step, title, source, "Automated emails have stopped.", dueIn, priority);
  }

  /** As above, saying what stopped (e.g. the win-back emails). */
  public void handOverToCsm(
      String step,
      String title,
      String source,
      String stopped,
      Duration dueIn,
      TaskPriority priority) {
    handOverToCsm(step, title, source, stopped, dueIn, priority, null);
  }

  /**
   * As above, with what ends the follow-up task ({@code null}: the built-in table, or a person).
   */
  public void handOverToCsm(
      String step,
      String title,
      String source,
      String stopped,
      Duration dueIn,
      TaskPriority priority,
      TaskEnding endsOn) {
    state.markCustomerResponded();
    Instant dueAt = now().plus(dueIn);
    inbox.later(
        () ->
            createTask(
                step,
                TaskAssignee.CSM,
                title,
                "The customer answered (" + source + "). " + stopped,
                dueAt,
                priority,
                endsOn));
  }

  /** Adds a note on the customer in the CRM, by the CSM; unique per step of the run. */
  public void addNote(String step, String body) {
    activities()
        .crm(step)
        .addNote(
            new CrmNote(
                workflowId(), step + "#" + state.stepCount(), customerId(), context.csmId(), body));
  }

  /** Tags the customer in the CRM. */
  public void addTag(String tag) {
    activities().crm("tag " + tag).addTag(new CrmTag(workflowId(), customerId(), tag));
  }

  /** The backend's activities, for {@code step} (its name is the call's summary). */
  public BackendActivities backend(String step) {
    return activities().backend(step);
  }

  /** The offer catalogue's activities, for {@code step} (its name is the call's summary). */
  public OfferActivities offers(String step) {
    return activities().offers(step);
  }

  /** Appends to the step log and writes the step to the customer's timeline. */
  public StepResult record(String step, Instant plannedAt, StepResult result, String detail) {
    mainThreadOnly();
    state.addStep(new StepRecord(step, plannedAt, now(), result, detail));
    ledger.entry(step, kind(result), step + ": " + result + (detail == null ? "" : " " + detail));
    return result;
  }

  /**
   * Records the A/B variant the run takes in an experiment: in its state (and the ledger's next
   * write, which carries it to the projection), its step log and the timeline ({@code A/B
   * day-1-subject: variant B}). No activity of its own: the entry goes with the next write.
   */
  public void assigned(String step, String experiment, String variant) {
    mainThreadOnly();
    state.variant(experiment, variant);
    Instant at = now();
    state.addStep(new StepRecord(step, at, at, StepResult.RECORDED, "variant " + variant));
    ledger.entry(step, "STEP", "A/B " + experiment + ": variant " + variant);
  }

  private RunActivities activities() {
    mainThreadOnly();
    return activities.get();
  }

  /** Activities (and the step log, which follows them) belong to the main thread. */
  private void mainThreadOnly() {
    if (inbox.deferring()) {
      throw new IllegalStateException(
          "a step was taken while a handler applied an event: hand it to later()");
    }
  }

  /** The timeline's kind of entry for a step result. */
  private static String kind(StepResult result) {
    return switch (result) {
      case SENT, SKIPPED_SUPPRESSED, SKIPPED_CUSTOMER_RESPONDED, SKIPPED_RUN_CLOSED, FAILED ->
          "EMAIL";
      case TASK_CREATED, ESCALATED -> "TASK";
      case NOTE_ADDED -> "NOTE";
      case TAGGED -> "TAG";
      case RECORDED -> "STEP";
    };
  }

  private String workflowId() {
    return state.workflowId();
  }

  private String customerId() {
    return context.customerId();
  }

  private static Instant now() {
    return PlaybookRun.now();
  }

  private static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }
}
