package dev.retention.api.connections;

import dev.retention.data.connections.ConnectionStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code connections} in {@code /actuator/health}: each configured connector's state and last
 * error. Always UP: a CRM or chat outage leaves the playbooks running (the connectors catch up), so
 * it must not take the service out of its load balancer; the details say what is wrong.
 */
@Component("connectionsHealthIndicator")
class ConnectionsHealth implements HealthIndicator {

  private final ConnectionChecks checks;

  ConnectionsHealth(ConnectionChecks checks) {
    this.checks = checks;
  }

  @Override
  public Health health() {
    Health.Builder health = Health.up();
    for (ConnectionChecks.Shown shown : checks.all()) {
      ConnectionStatus status = shown.status();
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("state", status.state().name());
      if (status.lastSync() != null) {
        details.put("lastSync", status.lastSync().toString());
      }
      if (status.lastError() != null && status.state() != ConnectionStatus.State.OK) {
        details.put("lastError", status.lastError());
      }
      health.withDetail(shown.id(), details);
    }
    return health.build();
  }
}
