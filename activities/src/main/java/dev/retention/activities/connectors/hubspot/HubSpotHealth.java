package dev.retention.activities.connectors.hubspot;

import dev.retention.data.connections.ConnectionStatus.State;
import java.time.Instant;

/**
 * What the last calls to HubSpot said, for the connections page: a refused token or an outage is
 * remembered until a later call succeeds. In memory, per instance.
 */
public class HubSpotHealth {

  /** The last problem: its state, words a person can act on, and when. */
  public record Problem(State state, String message, Instant at) {}

  private Instant lastOk;
  private Problem problem;

  public synchronized void ok(Instant at) {
    lastOk = at;
    problem = null;
  }

  public synchronized void failed(HubSpotFailure failure, Instant at) {
    if (failure.unauthorized()) {
      problem =
          new Problem(
              State.UNAUTHORIZED,
              "HubSpot refused the token ("
                  + failure.status()
                  + "): check retention.hubspot.token (HUBSPOT_TOKEN) and the private app's"
                  + " scopes (crm.objects.companies, tasks, notes, owners, crm.schemas)",
              at);
    } else if (failure.down() || failure.rateLimited()) {
      problem =
          new Problem(failure.rateLimited() ? State.DEGRADED : State.DOWN, failure.describe(), at);
    } else {
      problem = new Problem(State.DEGRADED, failure.describe(), at);
    }
  }

  public synchronized Instant lastOk() {
    return lastOk;
  }

  public synchronized Problem problem() {
    return problem;
  }
}
