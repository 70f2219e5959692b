package dev.retention.workflows.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A run as the API shows it; {@code steps} is left out of lists. {@code variants} are the A/B
 * variants the run took, by experiment (from its own state; absent in lists and when it took none).
 *
 * <p>The one record of a run that is read: the API and the console show it, the projection of runs
 * ({@code playbook_runs}) reads its rows as it ({@link #projected}), and a run's own state ({@link
 * PlaybookState}, what its query and its outcome Update answer) becomes it ({@link #of}). It lives
 * in the contract so that the data layer can build it without the API. The workflow's write to the
 * projection stays {@code ports.RunSnapshot}: it is an activity's input, recorded in every run's
 * history in its flat shape (the next step's name and time apart, onboarding's {@code
 * firstValueAt}), which the ledger activity must keep reading from runs already in flight and
 * recorded histories must keep replaying; making it this record would change that payload (and this
 * JSON).
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
  public RunView withNotes(List<RunNote> runNotes) {
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
  public static RunView of(PlaybookState s, String runId, String status, Instant closedAt) {
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

  /**
   * A run from the projection, as its row has it: what lists show, and a run Temporal no longer
   * knows.
   */
  public static RunView projected(
      String workflowId,
      String runId,
      String playbook,
      Integer playbookVersion,
      String customerId,
      String csmId,
      String status,
      String stage,
      String outcome,
      NextStep nextStep,
      Instant startedAt,
      Instant closedAt) {
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
        null,
        nextStep,
        null,
        null,
        null,
        null,
        startedAt,
        closedAt,
        null,
        null,
        null,
        null,
        null);
  }

  /** A run nothing but its ids are known of. */
  public static RunView bare(String workflowId, String runId) {
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
  public RunView erased(String endStatus, Instant endedAt, List<StepRecord> keptSteps) {
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
  public RunView ended(String endStatus, Instant endedAt) {
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
