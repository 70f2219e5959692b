package dev.retention.api.meetings;

import dev.retention.data.connections.Connection;
import dev.retention.data.connections.ConnectionEvents;
import dev.retention.data.connections.ConnectionStatus;
import java.time.Clock;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Calendly on the connections page. Calendly calls us (its webhook), so there is nothing to call
 * out to: the state is whether a signing key is set, when the last booking was handled and whether
 * the last delivery was refused (and why: a bad signature means the key here is not the
 * subscription's).
 */
@Component
class CalendlyConnection implements Connection {

  private final CalendlySettings settings;
  private final JdbcClient jdbc;
  private final ConnectionEvents seen;

  CalendlyConnection(CalendlySettings settings, JdbcClient jdbc, Clock clock) {
    this.settings = settings;
    this.jdbc = jdbc;
    this.seen = new ConnectionEvents(clock);
  }

  @Override
  public String id() {
    return "calendly";
  }

  @Override
  public String name() {
    return "Calendly";
  }

  void accepted() {
    seen.succeeded();
  }

  void refused(String why) {
    seen.failed("a delivery was refused (401): " + why);
  }

  @Override
  public ConnectionStatus status() {
    if (settings.signingKey() == null || settings.signingKey().isBlank()) {
      return ConnectionStatus.notConfigured(
          "set retention.calendly.signing-key (CALENDLY_WEBHOOK_SIGNING_KEY) to the webhook"
              + " subscription's signing key");
    }
    ConnectionStatus now =
        seen.status(
            ConnectionStatus.State.DEGRADED,
            "receives invitee.created at POST /api/webhooks/calendly");
    Instant lastBooking =
        jdbc.sql("select max(received_at) from meeting_bookings where source = 'calendly'")
            .query(Instant.class)
            .optional()
            .orElse(null);
    Instant lastSync =
        now.lastSync() == null || (lastBooking != null && lastBooking.isAfter(now.lastSync()))
            ? lastBooking
            : now.lastSync();
    return new ConnectionStatus(
        now.state(), lastSync, now.lastError(), now.lastErrorAt(), now.detail());
  }

  /** Nothing to call: Calendly is inbound only. The status, as it stands. */
  @Override
  public ConnectionStatus test() {
    return status();
  }
}
