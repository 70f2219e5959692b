package dev.retention.workflows.contract;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The readable state of a run at any moment: stage, outcome once closed, the next step and when it
 * is due, what it waits for (and who that is on), the steps so far, the outcome types a CSM can
 * record now, and playbook-specific facts; the definition version a run on the engine follows (null
 * for the hand-written workflow types); the variant of each A/B experiment the run took, by
 * experiment (empty when it took none).
 */
public record PlaybookState(
    String workflowId,
    String playbook,
    String customerId,
    String csmId,
    Instant startedAt,
    String dayLength,
    String stage,
    RunOutcome outcome,
    String outcomeReason,
    NextStep nextStep,
    String waitingFor,
    WaitingOn waitingOn,
    boolean customerResponded,
    List<OutcomeType> allowedOutcomes,
    Map<String, String> facts,
    List<StepRecord> steps,
    Integer playbookVersion,
    Map<String, String> variants) {

  /** The stage every run ends in, whatever its outcome. */
  public static final String CLOSED = "CLOSED";

  public PlaybookState {
    // Absent in answers of workers from before A/B splits.
    variants = variants == null ? Map.of() : variants;
  }
}
