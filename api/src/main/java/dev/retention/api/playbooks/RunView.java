package dev.retention.api.playbooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.retention.data.ledger.RunRow;
import dev.retention.workflows.common.NextStep;
import dev.retention.workflows.common.OutcomeType;
import dev.retention.workflows.common.PlaybookState;
import dev.retention.workflows.common.StepRecord;
import dev.retention.workflows.common.WaitingOn;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A run as the API shows it; {@code steps} is left out of lists. {@code variants} are the A/B
 * variants the run took, by experiment (from its own state; absent in lists and when it took none).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunView(
    String workflowId,
    String runId,
    String playbook,
    Integer playbookVersion,
    String customerId,
    String csmId,
    String status,
    String stage,
    String outcome,
    String outcomeReason,
    NextStep nextStep,
    String waitingFor,
    WaitingOn waitingOn,
    Boolean customerResponded,
    List<OutcomeType> allowedOutcomes,
    Instant startedAt,
    Instant closedAt,
    String dayLength,
    Map<String, String> facts,
    Map<String, String> variants,
    List<StepRecord> steps,
    List<RunNote> notes) {

  /**
   * What people wrote on the run, verbatim, oldest first: the notes typed with its outcomes (kind
   * {@code NOTE}, with the step that stored them) and the notes its tasks were completed with (kind
   * {@code TASK_DONE}, with the task's step and title). Only on a single run, not in lists.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RunNote(
      String kind, java.time.Instant at, String author, String step, String title, String text) {}

  /** The same run with these notes. */
  RunView withNotes(List<RunNote> runNotes) {
    return new RunView(
        workflowId,
        runId,
        playbook,
        playbookVersion,
        customerId,
        csmId,
        status,
        stage,
        outcome,
        outcomeReason,
        nextStep,
        waitingFor,
        waitingOn,
        customerResponded,
        allowedOutcomes,
        startedAt,
        closedAt,
        dayLength,
        facts,
        variants,
        steps,
        runNotes);
  }

  /** A run from its own state, as its query answers it, with what Temporal says of it. */
  static RunView of(PlaybookState s, String runId, String status, Instant closedAt) {
    return new RunView(
        s.workflowId(),
        runId,
        s.playbook(),
        s.playbookVersion(),
        s.customerId(),
        s.csmId(),
        status,
        s.stage(),
        s.outcome() == null ? null : s.outcome().name(),
        s.outcomeReason(),
        s.nextStep(),
        s.waitingFor(),
        s.waitingOn(),
        s.customerResponded(),
        s.allowedOutcomes(),
        s.startedAt(),
        closedAt,
        s.dayLength(),
        s.facts(),
        s.variants().isEmpty() ? null : s.variants(),
        s.steps(),
        null);
  }

  /** A run from the projection: what lists show, and a run Temporal no longer knows. */
  static RunView of(RunRow r) {
    return new RunView(
        r.workflowId(),
        r.runId(),
        r.playbook(),
        r.playbookVersion(),
        r.customerId(),
        r.csmId(),
        r.status(),
        r.stage(),
        r.outcome(),
        null,
        r.nextStep() == null ? null : new NextStep(r.nextStep(), r.nextStepAt()),
        null,
        null,
        null,
        null,
        r.startedAt(),
        r.closedAt(),
        null,
        null,
        null,
        null,
        null);
  }

  /** A run nothing but its ids are known of. */
  static RunView bare(String workflowId, String runId) {
    return new RunView(
        workflowId,
        runId,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /**
   * The same run after its customer's personal data was erased: its status as Temporal has it, no
   * next step or facts, and its steps as kept by the erasure, each with {@code detail} {@code
   * [erased]}.
   */
  RunView erased(String endStatus, Instant endedAt, List<StepRecord> keptSteps) {
    return new RunView(
        workflowId,
        runId,
        playbook,
        playbookVersion,
        customerId,
        csmId,
        endStatus,
        stage,
        outcome,
        outcomeReason,
        null,
        null,
        null,
        null,
        List.of(),
        startedAt,
        endedAt,
        dayLength,
        null,
        variants,
        keptSteps,
        notes);
  }

  /** The same run, closed with the given status (and no next step). */
  RunView ended(String endStatus, Instant endedAt) {
    return new RunView(
        workflowId,
        runId,
        playbook,
        playbookVersion,
        customerId,
        csmId,
        endStatus,
        stage,
        outcome,
        outcomeReason,
        null,
        waitingFor,
        waitingOn,
        customerResponded,
        List.of(),
        startedAt,
        endedAt,
        dayLength,
        facts,
        variants,
        steps,
        notes);
  }
}
