package dev.retention.data.connections;

/**
 * One tool the engine talks to (a CRM, a chat, an event pipeline, a calendar, webhook subscribers).
 * Each connector exposes one bean of this type; the connections page, {@code GET /api/connections}
 * and the health endpoint list them. Implementations never throw: a wrong token or an outage is a
 * {@link ConnectionStatus} with a message a person can act on, and nothing personal goes into it.
 */
public interface Connection {

  /** A stable short name, lower case: {@code hubspot}, {@code slack}, {@code segment}. */
  String id();

  /** The connector's product name as a person reads it: {@code HubSpot}. */
  String name();

  /** What is known without calling out: configured or not, last sync, last error. */
  ConnectionStatus status();

  /**
   * Calls the tool once with the configured credentials (a cheap authenticated read) and returns
   * what it answered; also remembered as the status's last check.
   */
  ConnectionStatus test();
}
