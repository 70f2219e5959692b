package dev.retention.activities.email.providers;

import java.time.Duration;

/**
 * The provider could not take the email now (429, 5xx, unreachable): the activity fails and
 * Temporal retries it, with the same idempotency key, within the email retry policy's bounds. A
 * {@code retryAfter} from the provider (its {@code Retry-After}) sets the next attempt's delay.
 */
public class RetryableEmailFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  public RetryableEmailFailure(String message, Duration retryAfter) {
    super(message);
    this.retryAfter = retryAfter;
  }

  public RetryableEmailFailure(String message, Throwable cause) {
    super(message, cause);
    this.retryAfter = null;
  }

  /** The provider's Retry-After, or null when it gave none. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
