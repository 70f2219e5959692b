package dev.retention.activities.webhooks;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code retention.webhooks.*}: how often the relay looks for work, the backoff between attempts of
 * one delivery (doubling from {@code backoff-base}, capped at {@code backoff-max}), the attempts
 * after which a delivery is FAILED (kept, replayable), each attempt's timeout, and how long
 * DELIVERED deliveries stay in the log (FAILED ones stay until replayed or deleted).
 */
@ConfigurationProperties("retention.webhooks")
public record WebhookSettings(
    Boolean relayEnabled,
    Duration pollInterval,
    Duration backoffBase,
    Duration backoffMax,
    Integer maxAttempts,
    Duration timeout,
    Duration keepDelivered) {

  public WebhookSettings {
    relayEnabled = relayEnabled == null || relayEnabled;
    pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
    backoffBase = backoffBase == null ? Duration.ofSeconds(10) : backoffBase;
    backoffMax = backoffMax == null ? Duration.ofHours(1) : backoffMax;
    maxAttempts = maxAttempts == null ? 12 : Math.max(1, maxAttempts);
    timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
    keepDelivered = keepDelivered == null ? Duration.ofDays(30) : keepDelivered;
  }

  /** The wait after the given failed attempt (1 = the first): base * 2^(attempt-1), capped. */
  public Duration backoff(int attempt) {
    int doublings = Math.max(0, Math.min(attempt - 1, 30));
    Duration wait = backoffBase.multipliedBy(1L << doublings);
    return wait.compareTo(backoffMax) > 0 ? backoffMax : wait;
  }
}
