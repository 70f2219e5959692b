package dev.retention.workflows.contract;

import java.time.Duration;
import java.util.Objects;

/**
 * The length of one playbook "day". Every offset, SLA and deadline is scaled by it, and it travels
 * in the workflow input so a run keeps the cadence it started with.
 */
public record Cadence(Duration dayLength) {

  public static final Cadence REAL_DAYS = new Cadence(Duration.ofDays(1));

  public Cadence {
    Objects.requireNonNull(dayLength, "dayLength");
    if (dayLength.isNegative() || dayLength.isZero()) {
      throw new IllegalArgumentException("dayLength must be positive, was " + dayLength);
    }
  }

  public Duration days(long days) {
    return dayLength.multipliedBy(days);
  }

  public Duration hours(long hours) {
    return dayLength.multipliedBy(hours).dividedBy(24);
  }
}
