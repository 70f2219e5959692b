package dev.retention.data.ledger;

import java.time.Instant;

/** A run as the projection knows it. */
public record RunRow(
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
    Integer playbookVersion) {}
