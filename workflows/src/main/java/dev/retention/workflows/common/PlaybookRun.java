package dev.retention.workflows.common;

import dev.retention.workflows.ports.CrmActivities;
import dev.retention.workflows.ports.CrmNote;
import dev.retention.workflows.ports.CrmTask;
import dev.retention.workflows.ports.CrmTaskReceipt;
import dev.retention.workflows.ports.CsmAlert;
import dev.retention.workflows.ports.CustomerEmail;
import dev.retention.workflows.ports.EmailActivities;
import dev.retention.workflows.ports.EmailReceipt;
import dev.retention.workflows.ports.EmailStatus;
import dev.retention.workflows.ports.LedgerActivities;
import dev.retention.workflows.ports.LedgerUpdate;
import dev.retention.workflows.ports.RunSnapshot;
import dev.retention.workflows.ports.SendSlot;
import dev.retention.workflows.ports.SendSlotRequest;
import dev.retention.workflows.ports.SendingRulesActivities;
import dev.retention.workflows.ports.TaskAssignee;
import dev.retention.workflows.ports.TaskPriority;
import dev.retention.workflows.ports.TimelineEntry;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * What every playbook run shares: the cadence, the step log, stage and outcome, the state query,
 * the validated outcome update, the signals, durable waits with deadlines, and the ledger.
 *
 * <p>Handlers never call activities: they queue a {@link RunEvent}, and the run's main thread acts
 * on it inside {@link #waitUntil}. A playbook subclass writes its timeline as straight-line code.
 */
public abstract class PlaybookRun implements PlaybookWorkflow {

  public static final String CLOSED = "CLOSED";

  /** The failure type of an outcome that arrived as the run closed. */
  public static final String RUN_CLOSED = "RUN_CLOSED";

  private static final Logger log = Workflow.getLogger(PlaybookRun.class);

  protected final Playbook playbook;
  protected final PlaybookContext context;
  protected final Cadence cadence;
  protected final String workflowId;
  protected final Instant startedAt;

  protected final EmailActivities email = ActivityPolicies.email();
  protected final CrmActivities crm = ActivityPolicies.crm();
  private final SendingRulesActivities sendingRules = ActivityPolicies.sendingRules();
  private final LedgerActivities ledger = ActivityPolicies.ledger();

  private final List<StepRecord> steps = new ArrayList<>();
  private final Deque<RunEvent> events = new ArrayDeque<>();
  private long eventsQueued;
  private long eventsHandled;
  private final Set<Long> dropped = new HashSet<>();
  private String stage;
  private RunOutcome outcome;
  private String outcomeReason;
  private boolean finished;
  private Instant firstValueAt;
  private final Map<String, String> facts = new LinkedHashMap<>();
  private NextStep nextStep;
  private String waitingFor;
  private boolean customerResponded;

  protected PlaybookRun(Playbook playbook, PlaybookContext context, String initialStage) {
    this.playbook = playbook;
    this.context = context;
    this.cadence = context.cadence();
    this.workflowId = Workflow.getInfo().getWorkflowId();
    this.startedAt = now();
    this.stage = initialStage;
  }

  // ---- what each playbook defines ------------------------------------------------------------

  /**
   * Whether this playbook's customer emails skip the sending rules (business hours, daily cap).
   * Cancellation-save's do: the customer's request is held against a deadline.
   */
  protected boolean exemptFromSendingRules() {
    return false;
  }

  /** The outcome types a CSM may record in the current stage. */
  protected abstract Set<OutcomeType> allowedOutcomes();

  /** Acts on one event, on the main thread: may call activities, change stage, or close. */
  protected abstract void onEvent(RunEvent event);

  // ---- the workflow method's frame -------------------------------------------------------------

  /**
   * Runs a playbook body and closes the run: records the outcome in the ledger, or, when the run is
   * cancelled through the API, records {@code CANCELLED} before letting the cancellation through.
   */
  protected final PlaybookResult execute(Runnable body) {
    Workflow.upsertTypedSearchAttributes(RunSearchAttributes.STAGE.valueSet(stage));
    ledger("started", "PLAYBOOK", playbook.id() + " playbook started");
    try {
      body.run();
      if (outcome == null) {
        throw new IllegalStateException(playbook.id() + " body returned without an outcome");
      }
      finish();
    } catch (CanceledFailure | ActivityFailure cancelled) {
      if (!CancellationScope.current().isCancelRequested()) {
        throw cancelled;
      }
      Workflow.newDetachedCancellationScope(
              () -> {
                close(RunOutcome.CANCELLED, "stopped through the API");
                writeClosed("CANCELLED");
              })
          .run();
      throw cancelled;
    }
    writeClosed("COMPLETED");
    // An outcome accepted while the last step ran was never drained by waitUntil: mark it handled
    // (the run is closed, so it is not acted on) or its update handler, and the run, wait forever.
    drainEvents();
    // Let in-flight update handlers answer their callers before the run completes.
    Workflow.await(Workflow::isEveryHandlerFinished);
    return new PlaybookResult(outcome, stage, List.copyOf(steps));
  }

  private void writeClosed(String status) {
    nextStep = null;
    waitingFor = null;
    ledgerUpdate(
        status,
        new TimelineEntry(
            "outcome",
            now(),
            "OUTCOME",
            playbook.id()
                + " closed "
                + outcome
                + (outcomeReason == null ? "" : ": " + outcomeReason)));
  }

  // ---- handlers --------------------------------------------------------------------------------

  @Override
  public PlaybookState state() {
    return new PlaybookState(
        workflowId,
        playbook.id(),
        context.customerId(),
        context.csmId(),
        startedAt,
        cadence.dayLength().toString(),
        stage,
        outcome,
        outcomeReason,
        nextStep,
        waitingFor,
        customerResponded,
        outcome != null ? List.of() : allowedOutcomes().stream().sorted().toList(),
        Map.copyOf(facts),
        List.copyOf(steps));
  }

  @Override
  public void validateOutcome(CsmOutcome request) {
    if (request == null || request.type() == null) {
      throw new IllegalArgumentException("type is required");
    }
    if (isClosed()) {
      throw new IllegalStateException("the run is already closed with outcome " + outcome);
    }
    if (outcome != null) {
      throw new IllegalStateException(
          "the run's outcome is already " + outcome + "; it only has follow-up steps left");
    }
    Set<OutcomeType> allowed = allowedOutcomes();
    if (!allowed.contains(request.type())) {
      throw new IllegalArgumentException(
          request.type()
              + " is not valid for "
              + playbook.id()
              + " in stage "
              + stage
              + "; valid now: "
              + allowed.stream().sorted().toList());
    }
  }

  @Override
  public PlaybookState recordOutcome(CsmOutcome request) {
    long ticket = queue(new RunEvent.Outcome(request));
    Workflow.await(() -> eventsHandled >= ticket);
    if (dropped.remove(ticket)) {
      // Accepted while the run's last step ran: the run closed first. Fails only this update.
      throw ApplicationFailure.newNonRetryableFailure(
          "the run closed with outcome " + outcome + " before " + request.type() + " was applied",
          RUN_CLOSED);
    }
    return state();
  }

  @Override
  public void customerResponded(CustomerResponse response) {
    queue(new RunEvent.Responded(response));
  }

  @Override
  public void healthChanged(HealthChange change) {
    queue(new RunEvent.Health(change));
  }

  @Override
  public void supersede(Supersede request) {
    queue(new RunEvent.Superseded(request));
  }

  @Override
  public void milestone(MilestoneReached milestone) {
    queue(new RunEvent.Milestone(milestone));
  }

  @Override
  public void upgraded(Upgraded upgrade) {
    queue(new RunEvent.Upgrade(upgrade));
  }

  private long queue(RunEvent event) {
    events.add(event);
    return ++eventsQueued;
  }

  // ---- durable waiting -----------------------------------------------------------------------

  /**
   * Waits, durably, until {@code at}, acting on events as they come. Returns {@code true} when the
   * time came and the run may go on, {@code false} as soon as {@code stillWaiting} turns false
   * (e.g. the run closed or the customer answered).
   */
  protected final boolean waitUntil(
      Instant at, String stepName, String waitingFor, java.util.function.BooleanSupplier keepOn) {
    drainEvents();
    if (isClosed() || !keepOn.getAsBoolean()) {
      return false;
    }
    this.nextStep = new NextStep(stepName, at);
    this.waitingFor = waitingFor;
    ledgerUpdate("RUNNING", null);
    while (true) {
      drainEvents();
      if (isClosed() || !keepOn.getAsBoolean()) {
        // What the run waited for is moot; the next wait says what comes next.
        this.nextStep = null;
        this.waitingFor = null;
        return false;
      }
      Duration left = Duration.between(now(), at);
      if (left.isNegative() || left.isZero()) {
        this.nextStep = null;
        this.waitingFor = null;
        return true;
      }
      Workflow.await(left, () -> !events.isEmpty());
    }
  }

  private void drainEvents() {
    while (!events.isEmpty()) {
      RunEvent event = events.poll();
      if (isClosed()) {
        dropped.add(eventsHandled + 1);
      } else {
        onEvent(event);
      }
      eventsHandled++;
    }
  }

  // ---- steps ------------------------------------------------------------------------------------

  /** Sends a customer email from the CSM, unless the customer is talking with their CSM already. */
  protected final StepResult sendCustomerEmail(
      String step, Instant plannedAt, String template, Map<String, String> variables) {
    return sendCustomerEmail(step, plannedAt, template, variables, false);
  }

  /**
   * Sends a customer email; {@code onCsmRequest} marks one the CSM asked for (e.g. "send the offer
   * now"), which goes out even while the CSM owns the conversation.
   */
  protected final StepResult sendCustomerEmail(
      String step,
      Instant plannedAt,
      String template,
      Map<String, String> variables,
      boolean onCsmRequest) {
    if (customerResponded && !onCsmRequest) {
      return record(
          step, plannedAt, StepResult.SKIPPED_CUSTOMER_RESPONDED, "the CSM owns the conversation");
    }
    if (context.sendingRules() && !onCsmRequest && !exemptFromSendingRules()) {
      SendSlot slot =
          sendingRules.reserveSendSlot(
              new SendSlotRequest(workflowId, step, context.customerId(), now(), true));
      if (slot.at().isAfter(now())) {
        // Durably, acting on events: a reply or a close while waiting means no email.
        boolean due = waitUntil(slot.at(), step, slot.waitingFor(), () -> !customerResponded);
        if (!due) {
          // Not sent: give the customer's day back to the other playbooks.
          sendingRules.releaseSendSlot(
              new SendSlotRequest(workflowId, step, context.customerId(), slot.at(), true));
        }
        if (isClosed()) {
          return record(step, plannedAt, StepResult.SKIPPED_RUN_CLOSED, "the run closed first");
        }
        if (customerResponded) {
          return record(
              step,
              plannedAt,
              StepResult.SKIPPED_CUSTOMER_RESPONDED,
              "the CSM owns the conversation");
        }
      }
    }
    EmailReceipt receipt;
    try {
      receipt =
          email.sendCustomerEmail(
              new CustomerEmail(
                  workflowId, step, playbook.id(), template, context.customerId(), variables));
    } catch (ActivityFailure failure) {
      if (CancellationScope.current().isCancelRequested()) {
        throw failure;
      }
      String reason = rootMessage(failure);
      log.warn("email step {} of {} failed: {}", step, workflowId, reason);
      record(step, plannedAt, StepResult.FAILED, reason);
      createTask(
          step + "-failed",
          TaskAssignee.CSM,
          "Email could not be sent: reach out personally",
          "The automated " + template + " email failed: " + reason,
          now().plus(cadence.days(1)),
          TaskPriority.HIGH);
      return StepResult.FAILED;
    }
    if (receipt.status() == EmailStatus.SKIPPED_SUPPRESSED) {
      record(step, plannedAt, StepResult.SKIPPED_SUPPRESSED, "the customer receives no email");
      createTask(
          step + "-suppressed",
          TaskAssignee.CSM,
          "Customer cannot be emailed: reach out another way",
          "The " + template + " email was not sent because the customer is suppressed.",
          now().plus(cadence.days(1)),
          TaskPriority.HIGH);
      return StepResult.SKIPPED_SUPPRESSED;
    }
    return record(step, plannedAt, StepResult.SENT, "\"" + receipt.subject() + "\"");
  }

  /** Creates a CRM task; a task for the manager is recorded as an escalation. */
  protected final CrmTaskReceipt createTask(
      String step,
      TaskAssignee assignee,
      String title,
      String body,
      Instant dueAt,
      TaskPriority priority) {
    CrmTaskReceipt receipt =
        crm.createTask(
            new CrmTask(
                workflowId, step, context.customerId(), assignee, title, body, dueAt, priority));
    record(
        step,
        now(),
        assignee == TaskAssignee.CSM ? StepResult.TASK_CREATED : StepResult.ESCALATED,
        priority + " task for " + assignee.name().toLowerCase() + ": " + title);
    return receipt;
  }

  /**
   * The customer answered: from here on no automated email goes to them, and the CSM gets a task to
   * follow up personally (the common rule of every playbook).
   */
  protected final void handOverToCsm(
      String step, String title, String source, Duration dueIn, TaskPriority priority) {
    handOverToCsm(step, title, source, "Automated emails have stopped.", dueIn, priority);
  }

  /** As above, saying what stopped (e.g. the win-back emails). */
  protected final void handOverToCsm(
      String step,
      String title,
      String source,
      String stopped,
      Duration dueIn,
      TaskPriority priority) {
    markCustomerResponded();
    createTask(
        step,
        TaskAssignee.CSM,
        title,
        "The customer answered (" + source + "). " + stopped,
        now().plus(dueIn),
        priority);
  }

  /** Adds a note on the customer in the CRM, by the CSM; unique per step of the run. */
  protected final void addNote(String step, String body) {
    crm.addNote(
        new CrmNote(
            workflowId, step + "#" + stepCount(), context.customerId(), context.csmId(), body));
  }

  /** Emails an alert to the CSM (or their manager). Alerts are never suppressed. */
  protected final StepResult sendCsmAlert(
      String step, TaskAssignee recipient, String template, Map<String, String> variables) {
    try {
      EmailReceipt receipt =
          email.sendCsmAlert(
              new CsmAlert(
                  workflowId,
                  step,
                  playbook.id(),
                  template,
                  context.customerId(),
                  recipient,
                  variables));
      return record(
          step,
          now(),
          StepResult.SENT,
          "alert to " + recipient.name().toLowerCase() + ": \"" + receipt.subject() + "\"");
    } catch (ActivityFailure failure) {
      if (CancellationScope.current().isCancelRequested()) {
        throw failure;
      }
      return record(step, now(), StepResult.FAILED, rootMessage(failure));
    }
  }

  /** Appends to the step log and writes the step to the customer's timeline. */
  protected final StepResult record(
      String step, Instant plannedAt, StepResult result, String detail) {
    StepRecord entry = new StepRecord(step, plannedAt, now(), result, detail);
    steps.add(entry);
    ledger(step, kind(result), step + ": " + result + (detail == null ? "" : " " + detail));
    return result;
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

  // ---- stage and outcome -----------------------------------------------------------------------

  protected final void setStage(String newStage) {
    if (!newStage.equals(stage)) {
      stage = newStage;
      Workflow.upsertTypedSearchAttributes(RunSearchAttributes.STAGE.valueSet(newStage));
    }
  }

  protected final String stage() {
    return stage;
  }

  /** Closes the run with an outcome. The body sees {@link #isClosed()} and returns. */
  protected final void close(RunOutcome runOutcome, String reason) {
    decide(runOutcome, reason);
    finish();
  }

  /**
   * Settles the run's outcome while it still has follow-up steps to take (e.g. win-back emails
   * after a churn). CSM outcomes are refused from here on; signals still reach the run.
   */
  protected final void decide(RunOutcome runOutcome, String reason) {
    if (outcome == null) {
      outcome = runOutcome;
      outcomeReason = reason;
      // Whatever the run waited for is moot; a follow-up step sets its own.
      nextStep = null;
      waitingFor = null;
    }
  }

  /** Ends the run (its outcome must be decided): no more steps, events are dropped. */
  protected final void finish() {
    if (!finished) {
      finished = true;
      setStage(CLOSED);
    }
  }

  protected final boolean isClosed() {
    return finished;
  }

  protected final RunOutcome outcome() {
    return outcome;
  }

  /** Playbook-specific facts shown in the run's state (e.g. the NPS score, the offer). */
  protected final void fact(String name, String value) {
    facts.put(name, value);
  }

  /** The moment the customer first got value (onboarding's FIRST_QUERY), for reports. */
  protected final void recordFirstValue(Instant at) {
    if (firstValueAt == null) {
      firstValueAt = at;
    }
  }

  /** A suffix that makes a repeatable step's key unique within the run. */
  protected final int stepCount() {
    return steps.size();
  }

  protected final boolean customerHasResponded() {
    return customerResponded;
  }

  /** Marks that the customer answered: from here on, no automated email goes to them. */
  protected final void markCustomerResponded() {
    customerResponded = true;
  }

  /**
   * The conversation the customer's answer opened is over (e.g. they churned): automation may
   * resume.
   */
  protected final void conversationEnded() {
    customerResponded = false;
  }

  protected final Instant day(long offsetDays) {
    return startedAt.plus(cadence.days(offsetDays));
  }

  protected static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }

  // ---- ledger
  // -------------------------------------------------------------------------------------

  private void ledger(String key, String kind, String summary) {
    // The closing status is written once, by execute(), after the last step.
    ledgerUpdate("RUNNING", new TimelineEntry(key + "#" + steps.size(), now(), kind, summary));
  }

  private void ledgerUpdate(String status, TimelineEntry entry) {
    boolean open = "RUNNING".equals(status);
    ledger.record(
        new LedgerUpdate(
            new RunSnapshot(
                workflowId,
                Workflow.getInfo().getRunId(),
                playbook.id(),
                context.customerId(),
                context.csmId(),
                status,
                stage,
                outcome == null ? null : outcome.name(),
                open && nextStep != null ? nextStep.step() : null,
                open && nextStep != null ? nextStep.at() : null,
                startedAt,
                open ? null : now(),
                firstValueAt),
            entry));
  }

  private static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }
}
