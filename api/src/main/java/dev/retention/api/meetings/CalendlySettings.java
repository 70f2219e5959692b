package dev.retention.api.meetings;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code retention.calendly.*}: the webhook subscription's signing key ({@code signing-key};
 * without it no Calendly webhook is accepted) and how old a signed delivery may be ({@code
 * tolerance}, three minutes as Calendly advises).
 */
@ConfigurationProperties("retention.calendly")
record CalendlySettings(String signingKey, Duration tolerance) {

  CalendlySettings {
    if (tolerance == null) {
      tolerance = Duration.ofMinutes(3);
    }
    if (tolerance.isNegative() || tolerance.isZero()) {
      throw new IllegalArgumentException(
          "retention.calendly.tolerance must be positive, was " + tolerance);
    }
  }
}
