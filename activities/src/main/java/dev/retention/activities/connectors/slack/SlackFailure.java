package dev.retention.activities.connectors.slack;

import java.time.Duration;

/**
 * What went wrong talking to Slack, in words a person can act on (Slack's own error code, never a
 * stack trace or an address).
 */
public final class SlackFailure extends Exception {

  private static final long serialVersionUID = 1L;

  /** What a failure means for the message and the connection. */
  public enum Kind {
    /** 429 {@code ratelimited}: try again after {@link #retryAfter()}. */
    RATE_LIMITED,
    /** The token is wrong, revoked or lacks a scope: retried, but a person must act. */
    UNAUTHORIZED,
    /** Slack did not answer, or answered 5xx: retried with backoff. */
    DOWN,
    /** Slack refused this message for good ({@code channel_not_found}, {@code invalid_blocks}…). */
    REJECTED
  }

  private final Kind kind;
  private final transient Duration retryAfter;

  public SlackFailure(Kind kind, String message, Duration retryAfter) {
    super(message, null, false, false);
    this.kind = kind;
    this.retryAfter = retryAfter;
  }

  public Kind kind() {
    return kind;
  }

  /** Slack's Retry-After on a 429, else null. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
