package dev.retention.activities.connectors.hubspot;

import java.time.Duration;

/**
 * HubSpot refused or could not be reached. {@code status} is HubSpot's HTTP status, 0 when it gave
 * no answer (unreachable, timed out); {@code reason} is HubSpot's own message, never ours to log
 * beyond the status.
 */
public final class HubSpotFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final transient Duration retryAfter;

  HubSpotFailure(int status, String reason, Duration retryAfter) {
    super(reason);
    this.status = status;
    this.retryAfter = retryAfter;
  }

  public int status() {
    return status;
  }

  /** HubSpot's Retry-After on a 429, else null. */
  public Duration retryAfter() {
    return retryAfter;
  }

  public boolean rateLimited() {
    return status == 429;
  }

  public boolean unauthorized() {
    return status == 401 || status == 403;
  }

  /** No answer, a 5xx: HubSpot may be back later. */
  public boolean down() {
    return status == 0 || status >= 500;
  }

  /** Worth another attempt: down, rate limited, or a token an admin may still fix. */
  public boolean retryable() {
    return down() || rateLimited() || unauthorized();
  }

  /** What the connections page and the outbox row show: the status and HubSpot's words. */
  public String describe() {
    return status == 0
        ? "HubSpot did not answer: " + getMessage()
        : "HubSpot answered " + status + ": " + getMessage();
  }
}
