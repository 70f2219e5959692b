package dev.retention.workflows.contract;

import java.time.Instant;

/** One entry of a run's step log: what was planned, when it ran, and how it went. */
public record StepRecord(
    String step, Instant plannedAt, Instant ranAt, StepResult result, String detail) {}
