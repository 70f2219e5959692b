package dev.retention.activities.connectors.hubspot;

import dev.retention.data.connections.Connection;
import dev.retention.data.connections.ConnectionStatus;
import dev.retention.data.connections.ConnectionStatus.State;
import java.time.Clock;
import java.time.Instant;
import org.springframework.beans.factory.ObjectProvider;

/**
 * HubSpot on the connections page: off unless {@code retention.crm.provider=hubspot}; else the
 * outbox's counts, the last sync, and the worst of what the last calls said (a refused token, an
 * outage) or the rows that failed for good.
 */
public class HubSpotConnection implements Connection {

  private final ObjectProvider<HubSpotCrm> crm;
  private final HubSpotOutbox outbox;
  private final HubSpotHealth health;
  private final Clock clock;

  public HubSpotConnection(
      ObjectProvider<HubSpotCrm> crm, HubSpotOutbox outbox, HubSpotHealth health, Clock clock) {
    this.crm = crm;
    this.outbox = outbox;
    this.health = health;
    this.clock = clock;
  }

  @Override
  public String id() {
    return "hubspot";
  }

  @Override
  public String name() {
    return "HubSpot";
  }

  @Override
  public ConnectionStatus status() {
    if (crm.getIfAvailable() == null) {
      return ConnectionStatus.notConfigured(
          "retention.crm.provider is builtin: tasks and notes stay in the built-in CRM");
    }
    HubSpotOutbox.Stats stats = outbox.stats();
    String detail =
        stats.companies()
            + " companies mapped, "
            + stats.pending()
            + " change(s) waiting, "
            + stats.failed()
            + " failed";
    Instant lastSync = latest(stats.lastSentAt(), health.lastOk());
    HubSpotHealth.Problem problem = health.problem();
    if (problem != null) {
      return new ConnectionStatus(
          problem.state(), lastSync, problem.message(), problem.at(), detail);
    }
    if (stats.failed() > 0) {
      return new ConnectionStatus(
          State.DEGRADED,
          lastSync,
          stats.failed() + " change(s) failed for good; last: " + stats.lastFailure(),
          stats.lastFailureAt(),
          detail);
    }
    return new ConnectionStatus(State.OK, lastSync, null, null, detail);
  }

  @Override
  public ConnectionStatus test() {
    HubSpotCrm hubspot = crm.getIfAvailable();
    if (hubspot == null) {
      return status();
    }
    try {
      hubspot.check();
      health.ok(clock.instant());
    } catch (HubSpotFailure e) {
      health.failed(e, clock.instant());
    } catch (RuntimeException e) {
      // Never a stack trace on the page: what kind of failure, no more.
      health.failed(new HubSpotFailure(0, e.getClass().getSimpleName(), null), clock.instant());
    }
    return status();
  }

  private static Instant latest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }
}
