package dev.retention.workflows.contract;

import java.time.Instant;

/** The step a run waits for, and when it is due. */
public record NextStep(String step, Instant at) {}
