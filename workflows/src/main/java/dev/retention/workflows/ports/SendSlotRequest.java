package dev.retention.workflows.ports;

import java.time.Instant;

/** The earliest moment the step could send (workflow time), and whether the daily cap applies. */
public record SendSlotRequest(
    String workflowId, String step, String customerId, Instant earliest, boolean dailyCap) {}
