package dev.retention.workflows.frame;

import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.CustomerResponse;
import dev.retention.workflows.contract.HealthChange;
import dev.retention.workflows.contract.MilestoneReached;
import dev.retention.workflows.contract.OutcomeRejection;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.PlaybookState;
import dev.retention.workflows.contract.PlaybookWorkflow;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.RunSearchAttributes;
import dev.retention.workflows.contract.Supersede;
import dev.retention.workflows.contract.Upgraded;
import dev.retention.workflows.contract.WaitingOn;
import dev.retention.workflows.frame.ActivityPolicies.RunActivities;
import dev.retention.workflows.ports.TimelineEntry;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The frame every playbook run plays in: it holds the run's {@link RunState}, its {@link
 * PlaybookSteps} and ledger, answers the state query, the validated outcome update and the signals,
 * waits durably, and closes the run with an outcome however it ends.
 *
 * <p>A handler applies its event at once ({@link #onEvent}: state changes now, activities through
 * {@link #later}); the main thread runs those effects while it waits. A playbook subclass writes
 * its timeline as straight-line code.
 */
public abstract class PlaybookRun implements PlaybookWorkflow {

  public static final String CLOSED = RunState.CLOSED;

  protected final String playbookId;
  protected final PlaybookContext context;
  protected final Cadence cadence;
  protected final String workflowId;
  protected final Instant startedAt;
  protected final RunState run;
  protected final PlaybookSteps steps;

  private final RunLedger ledger;
  private final RunInbox inbox;
  private final RunWaits waits;
  private int version = Integer.MIN_VALUE;
  private RunActivities activities;

  protected PlaybookRun(Playbook playbook, PlaybookContext context, String initialStage) {
    this(playbook.id(), context, initialStage);
  }

  /**
   * A run of the playbook named {@code playbookId} (a built-in one's {@link Playbook#id()}, or a
   * definition's id), starting in {@code initialStage}.
   */
  protected PlaybookRun(String playbookId, PlaybookContext context, String initialStage) {
    this(playbookId, context, initialStage, null);
  }

  /**
   * As above; {@code exempt}, when not null, says whether the customer emails skip the sending
   * rules (else {@link #exemptFromSendingRules()} does).
   */
  // The collaborators get callbacks into the frame; they call them only once the workflow runs.
  @SuppressWarnings("this-escape")
  protected PlaybookRun(
      String playbookId, PlaybookContext context, String initialStage, Boolean exempt) {
    this.playbookId = playbookId;
    this.context = context;
    this.cadence = context.cadence();
    this.run = new RunState(playbookId, context, initialStage);
    this.workflowId = run.workflowId();
    this.startedAt = run.startedAt();
    this.inbox = new RunInbox(this::answersAtOnce, run::isClosed, this::onEvent);
    this.ledger = new RunLedger(run, summary -> activities().ledger(summary), this::readable);
    this.waits = new RunWaits(run, inbox, ledger, this::readable);
    this.steps =
        new PlaybookSteps(
            playbookId,
            context,
            run,
            ledger,
            inbox,
            this::activities,
            this::waitUntil,
            exempt != null ? exempt : exemptFromSendingRules(),
            this::answersAtOnce,
            this::stopWins);
  }

  /**
   * Whether this playbook's customer emails skip the sending rules (business hours, daily cap).
   * Cancellation-save's do: the customer's request is held against a deadline.
   */
  protected boolean exemptFromSendingRules() {
    return false;
  }

  /** The outcome types a CSM may record in the current stage. */
  protected abstract Set<OutcomeType> allowedOutcomes();

  /**
   * Applies one event from outside: changes the run's state at once, and hands every step (which
   * calls activities) to {@link #later}. Must not block.
   */
  protected abstract void onEvent(RunEvent event);

  /** Runs a step on the main thread: after the handler that asks for it, in order. */
  protected final void later(Runnable step) {
    inbox.later(step);
  }

  // ---- the workflow method's frame -------------------------------------------------------------

  /**
   * Runs a playbook body and closes the run: records the outcome in the ledger, or, when the run is
   * stopped through the API at any point, records {@code CANCELLED} before letting the stop
   * through.
   */
  protected final PlaybookResult execute(Runnable body) {
    boolean reshaped = answersAtOnce();
    if (frame() < RunVersions.FIRST_STAGE_AT_START
        || !Objects.equals(
            run.stage(), Workflow.getTypedSearchAttributes().get(RunSearchAttributes.STAGE))) {
      Workflow.upsertTypedSearchAttributes(RunSearchAttributes.STAGE.valueSet(run.stage()));
    }
    if (!reshaped) {
      started();
    }
    try {
      if (reshaped) {
        started();
      }
      body.run();
      if (reshaped) {
        // Effects of an event that arrived during the last step.
        inbox.drain();
      }
      if (stopWins() && CancellationScope.current().isCancelRequested()) {
        // Stopped while the last step ran: the stop wins, as at any other moment.
        throw new CanceledFailure("stopped through the API during the run's last step");
      }
      if (run.outcome() == null) {
        throw new IllegalStateException(playbookId + " body returned without an outcome");
      }
      run.finish();
    } catch (CanceledFailure | ActivityFailure stopped) {
      if (!CancellationScope.current().isCancelRequested()) {
        throw stopped;
      }
      inbox.discardEffects();
      Workflow.newDetachedCancellationScope(
              () -> {
                run.close(RunOutcome.CANCELLED, "stopped through the API");
                ledger.closed("CANCELLED", playbookId);
              })
          .run();
      throw stopped;
    }
    ledger.closed("COMPLETED", playbookId);
    // Mailbox runs: an outcome accepted while the last step ran is marked dropped, so its update
    // handler, and the run, do not wait forever.
    inbox.drain();
    // Let in-flight update handlers answer their callers before the run completes.
    Workflow.await(Workflow::isEveryHandlerFinished);
    return new PlaybookResult(run.outcome(), run.stage(), run.steps());
  }

  private void started() {
    ledger.started(TimelineEntry.startedSummary(playbookId), frame() >= RunVersions.FOLDED_START);
  }

  /**
   * Whether this run plays in the reshaped frame (decided once, at first use): its handlers answer
   * at once, so a handler may move the stage an answer should show (the main thread did before).
   */
  protected final boolean answersAtOnce() {
    if (version == Integer.MIN_VALUE) {
      version = frameVersion();
    }
    return version >= RunVersions.RESHAPED;
  }

  /**
   * Whether this run is readable in the Temporal UI ({@link RunVersions#READABLE}): its timers and
   * activities are named after the playbook's steps, and its ledger writes are folded.
   */
  final boolean readable() {
    return frame() >= RunVersions.READABLE;
  }

  /**
   * Whether a stop wins over every step this run has not taken yet ({@link RunVersions#STOP_WINS}):
   * no activity after the stop is known, an email in flight is waited for and recorded.
   */
  final boolean stopWins() {
    return frame() >= RunVersions.STOP_WINS;
  }

  private int frame() {
    answersAtOnce();
    return version;
  }

  /**
   * Asks once which frame this run plays in, recording the answer in history. Only the replay test
   * that shows what an unversioned change would do overrides it.
   */
  protected int frameVersion() {
    return Workflow.getVersion(RunVersions.CHANGE_ID, RunVersions.MAILBOX, RunVersions.LATEST);
  }

  private RunActivities activities() {
    if (activities == null) {
      activities = ActivityPolicies.forFrame(frame());
    }
    return activities;
  }

  // ---- handlers --------------------------------------------------------------------------------

  @Override
  public PlaybookState state() {
    return run.view(cadence.dayLength().toString(), this::allowedOutcomes);
  }

  /** Rejects, with an {@link OutcomeRejection}, an outcome that makes no sense right now. */
  @Override
  public void validateOutcome(CsmOutcome request) {
    run.validate(request, allowedOutcomes(), playbookId);
  }

  @Override
  public PlaybookState recordOutcome(CsmOutcome request) {
    inbox.outcome(new RunEvent.Outcome(request));
    return state();
  }

  @Override
  public void customerResponded(CustomerResponse response) {
    inbox.receive(new RunEvent.Responded(response));
  }

  @Override
  public void healthChanged(HealthChange change) {
    inbox.receive(new RunEvent.Health(change));
  }

  @Override
  public void supersede(Supersede request) {
    inbox.receive(new RunEvent.Superseded(request));
  }

  @Override
  public void milestone(MilestoneReached milestone) {
    inbox.receive(new RunEvent.Milestone(milestone));
  }

  @Override
  public void upgraded(Upgraded upgrade) {
    inbox.receive(new RunEvent.Upgrade(upgrade));
  }

  // ---- durable waiting -----------------------------------------------------------------------

  /**
   * Waits, durably, until {@code at}, running the effects of events as they come. Returns {@code
   * true} when the time came and the run may go on, {@code false} as soon as {@code keepOn} turns
   * false or the run closed. {@code stepName} names the wait (its timer, the next step); {@code on}
   * says who the wait is on (the state query and the projection carry it, no command does).
   */
  protected final boolean waitUntil(
      Instant at, String stepName, WaitingOn on, String waitingFor, BooleanSupplier keepOn) {
    return waits.waitUntil(at, stepName, on, waitingFor, keepOn);
  }

  protected final Instant day(long offsetDays) {
    return startedAt.plus(cadence.days(offsetDays));
  }

  protected static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
