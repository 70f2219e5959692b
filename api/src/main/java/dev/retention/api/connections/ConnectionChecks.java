package dev.retention.api.connections;

import dev.retention.api.problems.ApiProblem;
import dev.retention.data.connections.Connection;
import dev.retention.data.connections.ConnectionStatus;
import dev.retention.data.connections.Connections;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The connections as the API, the console and the health endpoint show them: each one's status, and
 * a test that calls the tool once within {@link #TEST_DEADLINE} (a connector that hangs is reported
 * down, not waited for; one that throws is reported down with what it said, not as a 500).
 */
@Component
public class ConnectionChecks {

  static final Duration TEST_DEADLINE = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(ConnectionChecks.class);

  private final Connections connections;
  private final Clock clock;

  public ConnectionChecks(Connections connections, Clock clock) {
    this.connections = connections;
    this.clock = clock;
  }

  /** One connection as shown: its id, name and status. */
  public record Shown(String id, String name, ConnectionStatus status) {}

  public List<Shown> all() {
    return connections.all().stream().map(c -> new Shown(c.id(), c.name(), safeStatus(c))).toList();
  }

  /** Tests the connection {@code id}; 404 naming it when there is none. */
  public Shown test(String id) {
    Connection connection =
        connections
            .find(id)
            .orElseThrow(
                () ->
                    ApiProblem.notFound(
                        "connection",
                        "no connection '"
                            + id
                            + "'; there are: "
                            + String.join(
                                ", ", connections.all().stream().map(Connection::id).toList())));
    CompletableFuture<ConnectionStatus> test = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("connection-test-" + id)
        .start(
            () -> {
              try {
                test.complete(connection.test());
              } catch (RuntimeException e) {
                test.completeExceptionally(e);
              }
            });
    ConnectionStatus result;
    try {
      result = test.get(TEST_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      result = down(connection, "no answer within " + TEST_DEADLINE.toSeconds() + " s");
    } catch (ExecutionException e) {
      log.warn("testing connection {} failed: {}", id, e.getCause().getClass().getSimpleName());
      result = down(connection, "the test failed: " + e.getCause().getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result = down(connection, "the test was interrupted");
    }
    return new Shown(connection.id(), connection.name(), result);
  }

  private ConnectionStatus down(Connection connection, String why) {
    ConnectionStatus now = safeStatus(connection);
    return new ConnectionStatus(
        ConnectionStatus.State.DOWN, now.lastSync(), why, clock.instant(), now.detail());
  }

  /** A connector's status; one that throws is shown as down instead of failing the page. */
  private ConnectionStatus safeStatus(Connection connection) {
    try {
      return connection.status();
    } catch (RuntimeException e) {
      log.warn(
          "the status of connection {} failed: {}", connection.id(), e.getClass().getSimpleName());
      return new ConnectionStatus(
          ConnectionStatus.State.DOWN,
          null,
          "its status could not be read: " + e.getClass().getSimpleName(),
          clock.instant(),
          null);
    }
  }
}
