package dev.retention.workflows.ports;

import java.time.Instant;
import java.util.Map;

/**
 * The row of a run in the projection. {@code status} uses the API's run statuses; {@code
 * firstValueAt} is onboarding's time of first value (null elsewhere); {@code waitingOn} who the
 * next step waits on ({@code CSM}, {@code CUSTOMER} or {@code AUTOMATED_STEP}; null when the run
 * waits for nothing, and in writes of workers from before it). {@code variants} are the A/B
 * variants the run took so far, by experiment (empty when none; absent in writes of workers from
 * before A/B splits).
 *
 * <p>Only the workflow's write: a run is read as {@link dev.retention.workflows.contract.RunView},
 * rows of the projection included. This stays its own record because it is the ledger activity's
 * input, kept in every run's history in this flat shape (the next step's name and time apart,
 * onboarding's {@code firstValueAt}, {@code waitingOn} as text): the activity must keep reading it
 * from runs in flight and recorded histories must keep replaying, and RunView's shape is the API's.
 */
public record RunSnapshot(
    String workflowId,
    String runId,
    String playbook,
    String customerId,
    String csmId,
    String status,
    String stage,
    String outcome,
    String nextStep,
    Instant nextStepAt,
    Instant startedAt,
    Instant closedAt,
    Instant firstValueAt,
    String waitingOn,
    Map<String, String> variants) {

  public RunSnapshot {
    variants = variants == null ? Map.of() : Map.copyOf(variants);
  }

  /** A run that took no A/B variant. */
  public RunSnapshot(
      String workflowId,
      String runId,
      String playbook,
      String customerId,
      String csmId,
      String status,
      String stage,
      String outcome,
      String nextStep,
      Instant nextStepAt,
      Instant startedAt,
      Instant closedAt,
      Instant firstValueAt,
      String waitingOn) {
    this(
        workflowId,
        runId,
        playbook,
        customerId,
        csmId,
        status,
        stage,
        outcome,
        nextStep,
        nextStepAt,
        startedAt,
        closedAt,
        firstValueAt,
        waitingOn,
        Map.of());
  }
}
