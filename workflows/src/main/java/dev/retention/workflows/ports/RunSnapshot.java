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
