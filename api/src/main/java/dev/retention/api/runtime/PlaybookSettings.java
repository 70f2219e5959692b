package dev.retention.api.runtime;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code retention.playbooks.*}: the length of a playbook day (every offset, SLA and deadline is
 * scaled by it; {@code PT5S} plays a 14-day playbook in about a minute).
 */
@ConfigurationProperties("retention.playbooks")
public record PlaybookSettings(Duration dayLength) {
  public PlaybookSettings {
    if (dayLength == null) {
      dayLength = Duration.ofDays(1);
    }
    if (dayLength.isNegative() || dayLength.isZero()) {
      throw new IllegalArgumentException(
          "retention.playbooks.day-length must be positive, was " + dayLength);
    }
  }
}
