package dev.retention.api.runtime;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code retention.playbooks.*}: the length of a playbook day (every offset, SLA and deadline is
 * scaled by it; {@code PT5S} plays a 14-day playbook in about a minute), and how many of those days
 * a cancellation is held for the save attempt.
 */
@ConfigurationProperties("retention.playbooks")
public record PlaybookSettings(Duration dayLength, Integer cancellationDecisionDays) {
  public PlaybookSettings {
    if (dayLength == null) {
      dayLength = Duration.ofDays(1);
    }
    if (cancellationDecisionDays == null) {
      cancellationDecisionDays = 3;
    }
    if (cancellationDecisionDays < 1) {
      throw new IllegalArgumentException(
          "retention.playbooks.cancellation-decision-days must be at least 1");
    }
    if (dayLength.isNegative() || dayLength.isZero()) {
      throw new IllegalArgumentException(
          "retention.playbooks.day-length must be positive, was " + dayLength);
    }
  }
}
