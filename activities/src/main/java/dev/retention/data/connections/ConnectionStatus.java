package dev.retention.data.connections;

import java.time.Instant;

/**
 * A connection's state as the connections page shows it.
 *
 * @param state {@link State#NOT_CONFIGURED} when its settings are absent (the connector is off)
 * @param lastSync when data last moved through it successfully, or null
 * @param lastError the last failure in words a person can act on (never a stack trace, never
 *     personal data), or null
 * @param lastErrorAt when that failure happened, or null
 * @param detail one short line of what it does with the current settings (the channel, the portal,
 *     the number of subscribers), or null
 */
public record ConnectionStatus(
    State state, Instant lastSync, String lastError, Instant lastErrorAt, String detail) {

  /** The states, worst last. */
  public enum State {
    NOT_CONFIGURED,
    OK,
    DEGRADED,
    UNAUTHORIZED,
    DOWN
  }

  public static ConnectionStatus notConfigured(String detail) {
    return new ConnectionStatus(State.NOT_CONFIGURED, null, null, null, detail);
  }
}
