package dev.retention.workflows.ports;

import java.time.Instant;

/**
 * The row of a run in the projection. {@code status} uses the API's run statuses; {@code
 * firstValueAt} is onboarding's time of first value (null elsewhere); {@code waitingOn} who the
 * next step waits on ({@code CSM}, {@code CUSTOMER} or {@code AUTOMATED_STEP}; null when the run
 * waits for nothing, and in writes of workers from before it).
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
    String waitingOn) {}
