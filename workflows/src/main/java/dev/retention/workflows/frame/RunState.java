package dev.retention.workflows.frame;

import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.NextStep;
import dev.retention.workflows.contract.OutcomeRejection;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookState;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.RunSearchAttributes;
import dev.retention.workflows.contract.StepRecord;
import dev.retention.workflows.contract.WaitingOn;
import dev.retention.workflows.ports.RunSnapshot;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A run's state: stage, outcome, what it waits for, the flags the playbooks share, its facts and
 * step log. Changing it issues no activity, so handlers may change it at once; the state query and
 * the ledger's snapshots read it.
 */
public final class RunState {

  public static final String CLOSED = PlaybookState.CLOSED;

  private final String playbookId;
  private final PlaybookContext context;
  private final String workflowId;
  private final Instant startedAt;
  private final List<StepRecord> steps = new ArrayList<>();
  private final Map<String, String> facts = new LinkedHashMap<>();
  private final Map<String, String> variants = new LinkedHashMap<>();
  private String stage;
  private RunOutcome outcome;
  private String outcomeReason;
  private boolean finished;
  private Instant firstValueAt;
  private NextStep nextStep;
  private String waitingFor;
  private WaitingOn waitingOn;
  private boolean customerResponded;
  private Integer playbookVersion;

  RunState(String playbookId, PlaybookContext context, String initialStage) {
    this.playbookId = playbookId;
    this.context = context;
    this.workflowId = Workflow.getInfo().getWorkflowId();
    this.startedAt = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    this.stage = initialStage;
    describe();
  }

  public String workflowId() {
    return workflowId;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public String stage() {
    return stage;
  }

  /** Moves to a stage; the {@code Stage} search attribute follows. */
  public void setStage(String newStage) {
    if (!newStage.equals(stage)) {
      stage = newStage;
      Workflow.upsertTypedSearchAttributes(RunSearchAttributes.STAGE.valueSet(newStage));
      describe();
    }
  }

  /** Closes the run with an outcome (unless it has one): no more steps, events are dropped. */
  public void close(RunOutcome runOutcome, String reason) {
    decide(runOutcome, reason);
    finish();
  }

  /**
   * Settles the outcome (the first decision wins) while follow-up steps may remain (e.g. win-back
   * emails after a churn). CSM outcomes are refused from here on; signals still reach the run.
   */
  public void decide(RunOutcome runOutcome, String reason) {
    if (outcome == null) {
      outcome = runOutcome;
      outcomeReason = reason;
      // Whatever the run waited for is moot; a follow-up step sets its own.
      clearWait();
      describe();
    }
  }

  /** Ends the run; its outcome must be decided. */
  public void finish() {
    if (!finished) {
      finished = true;
      setStage(CLOSED);
      describe();
    }
  }

  public boolean isClosed() {
    return finished;
  }

  public RunOutcome outcome() {
    return outcome;
  }

  String outcomeReason() {
    return outcomeReason;
  }

  /** Playbook-specific facts shown in the run's state (e.g. the NPS score, the offer). */
  public void fact(String name, String value) {
    facts.put(name, value);
  }

  /** The moment the customer first got value (onboarding's FIRST_QUERY), for reports. */
  public void recordFirstValue(Instant at) {
    if (firstValueAt == null) {
      firstValueAt = at;
    }
  }

  /** The definition version the run follows (runs on the engine). State only. */
  public void playbookVersion(int version) {
    playbookVersion = version;
  }

  /**
   * The variant of an A/B experiment the run took; the first one recorded for an experiment stays.
   * State only: the next ledger write carries it to the projection.
   */
  public void variant(String experiment, String variant) {
    variants.putIfAbsent(experiment, variant);
  }

  /** The variant the run took in {@code experiment}, or null. */
  public String variantOf(String experiment) {
    return variants.get(experiment);
  }

  public boolean customerResponded() {
    return customerResponded;
  }

  /** The customer answered: from here on, no automated email goes to them. */
  public void markCustomerResponded() {
    customerResponded = true;
    describe();
  }

  /** The conversation the customer's answer opened is over (they churned): automation resumes. */
  public void conversationEnded() {
    customerResponded = false;
    describe();
  }

  /** A suffix that makes a repeatable step's key unique within the run. */
  public int stepCount() {
    return steps.size();
  }

  void addStep(StepRecord step) {
    steps.add(step);
    if (nextStep != null && waitingFor == null && nextStep.step().equals(step.step())) {
      // The step under way is done; the next wait says what comes next.
      nextStep = null;
      describe();
    }
  }

  /**
   * A step starts without a wait before it (a run's first step, or one right after another): it is
   * the run's next step until it is recorded, so the state shows it from the run's first moment on.
   * A wait in progress keeps its own next step (a task an event causes meanwhile is not it).
   */
  public void stepUnderWay(String step, Instant plannedAt) {
    if (nextStep == null && !finished) {
      nextStep = new NextStep(step, plannedAt);
      describe();
    }
  }

  List<StepRecord> steps() {
    return List.copyOf(steps);
  }

  void waitFor(NextStep next, WaitingOn on, String what) {
    nextStep = next;
    waitingOn = on;
    waitingFor = what;
    describe();
  }

  NextStep nextStep() {
    return nextStep;
  }

  /**
   * The current wait goes on, but is on someone else now (e.g. the customer answered: the CSM
   * follows up until the same deadline). State only: no command changes.
   */
  public void nowWaitingOn(WaitingOn on) {
    if (nextStep != null) {
      waitingOn = on;
    }
  }

  /** What the run waited for is moot (e.g. the CSM took over); the next wait sets its own. */
  public void clearWait() {
    nextStep = null;
    waitingOn = null;
    waitingFor = null;
    describe();
  }

  /**
   * The run's current details in the Temporal UI ({@code temporal workflow describe} too): stage,
   * next step and when, what it waits for, the outcome. Step names, stages and outcomes only, never
   * personal data. Not part of the history, so every run shows them, whatever its version.
   */
  private void describe() {
    StringBuilder text = new StringBuilder("- stage: ").append(stage);
    if (outcome != null) {
      text.append("\n- outcome: ").append(outcome);
      if (!finished) {
        text.append(" (follow-up steps left)");
      }
    }
    if (nextStep != null) {
      text.append("\n- next: ").append(nextStep.step()).append(" at ").append(nextStep.at());
    }
    if (waitingFor != null) {
      text.append("\n- waiting for: ").append(waitingFor);
    }
    if (customerResponded && !finished) {
      text.append("\n- the customer responded: the CSM owns the conversation");
    }
    Workflow.setCurrentDetails(text.toString());
  }

  /** Throws the {@link OutcomeRejection} of an outcome that makes no sense in this state. */
  void validate(CsmOutcome request, Set<OutcomeType> allowed, String playbookId) {
    if (request == null || request.type() == null) {
      throw OutcomeRejection.TYPE_REQUIRED.rejection("type is required");
    }
    if (finished) {
      throw OutcomeRejection.RUN_CLOSED.rejection(
          "the run is already closed with outcome " + outcome);
    }
    if (outcome != null) {
      throw OutcomeRejection.OUTCOME_DECIDED.rejection(
          "the run's outcome is already " + outcome + "; it only has follow-up steps left");
    }
    if (!allowed.contains(request.type())) {
      throw OutcomeRejection.NOT_ALLOWED_NOW.rejection(
          request.type()
              + " is not valid for "
              + playbookId
              + " in stage "
              + stage
              + "; valid now: "
              + allowed.stream().sorted().toList());
    }
  }

  /** The state query's answer; {@code allowed} are the outcome types valid now. */
  PlaybookState view(String dayLength, Supplier<Set<OutcomeType>> allowed) {
    return new PlaybookState(
        workflowId,
        playbookId,
        context.customerId(),
        context.csmId(),
        startedAt,
        dayLength,
        stage,
        outcome,
        outcomeReason,
        nextStep,
        waitingFor,
        waitingOn,
        customerResponded,
        outcome != null ? List.of() : allowed.get().stream().sorted().toList(),
        Map.copyOf(facts),
        List.copyOf(steps),
        playbookVersion,
        Map.copyOf(variants));
  }

  /** The projection's row: {@code status} RUNNING, or how the run closed at {@code now}. */
  RunSnapshot snapshot(String status, Instant now) {
    boolean open = "RUNNING".equals(status);
    return new RunSnapshot(
        workflowId,
        Workflow.getInfo().getRunId(),
        playbookId,
        context.customerId(),
        context.csmId(),
        status,
        stage,
        outcome == null ? null : outcome.name(),
        open && nextStep != null ? nextStep.step() : null,
        open && nextStep != null ? nextStep.at() : null,
        startedAt,
        open ? null : now,
        firstValueAt,
        open && nextStep != null && waitingOn != null ? waitingOn.name() : null,
        variants);
  }
}
