package dev.retention.workflows.ports;

import java.time.Instant;

/**
 * The customer's latest measured usage, as the backend last sent it with their metrics: weekly
 * logins and queries, features used, plan usage (0..1), and when it was measured. {@code measured}
 * is false (and the figures 0) when no metrics have come in yet, or only a score of the backend's
 * own.
 */
public record UsageFigures(
    boolean measured,
    int loginsPerWeek,
    int queriesPerWeek,
    int featuresUsed,
    double planUsage,
    Instant measuredAt) {

  /** No metrics yet. */
  public static UsageFigures none() {
    return new UsageFigures(false, 0, 0, 0, 0.0, null);
  }
}
