package dev.retention.activities.ledger;

import java.time.Instant;

/** One line of a customer's timeline, as the API shows it. */
public record TimelineItem(
    Instant at, String kind, String playbook, String workflowId, String summary) {}
