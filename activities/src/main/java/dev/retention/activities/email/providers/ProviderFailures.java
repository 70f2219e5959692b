package dev.retention.activities.email.providers;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** How a provider's HTTP answer maps to our failures: what a retry can fix, and what it cannot. */
final class ProviderFailures {

  private ProviderFailures() {}

  /**
   * 408, 429 and 5xx are worth retrying; any other 4xx (bad address, unverified sender, rejected
   * content, bad API key) is not.
   */
  static RuntimeException of(String provider, int status, String reason, Duration retryAfter) {
    String message = provider + " answered " + status + ": " + reason;
    if (status == 408 || status == 429 || status >= 500) {
      return new RetryableEmailFailure(message, retryAfter);
    }
    return new PermanentEmailFailure(message);
  }

  /** A {@code Retry-After} header (delta-seconds or an HTTP date), or null if absent or invalid. */
  static Duration retryAfter(String header, Clock clock) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String value = header.trim();
    try {
      long seconds = Long.parseLong(value);
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration wait = Duration.between(clock.instant(), at.toInstant());
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }
}
