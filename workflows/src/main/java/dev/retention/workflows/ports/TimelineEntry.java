package dev.retention.workflows.ports;

import java.time.Instant;

/**
 * One line on the customer's timeline. {@code key} is unique within the run (the step name), so a
 * retried activity writes it once.
 */
public record TimelineEntry(String key, Instant at, String kind, String summary) {}
