package dev.retention.workflows.ports;

import java.time.Instant;

/**
 * One line on the customer's timeline. {@code key} is unique within the run (the step name), so a
 * retried activity writes it once.
 */
public record TimelineEntry(String key, Instant at, String kind, String summary) {

  /**
   * The key of a run's first entry, its start: the step {@code started} at the step log's first
   * place. The API writes it when it starts the run, the run with its first write; the first stays.
   */
  public static final String STARTED_KEY = "started#0";

  /** The kind of a run's own entries about itself (its start). */
  public static final String PLAYBOOK = "PLAYBOOK";

  /** A run's start, in the words of the customer's timeline. */
  public static String startedSummary(String playbookId) {
    return playbookId + " playbook started";
  }
}
