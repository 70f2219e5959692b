package dev.retention.api.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** {@code /actuator/health} answers within a second, whatever PostgreSQL or Temporal is doing. */
class HealthChecksTest {

  /**
   * A database that takes connections and never answers (an outage behind a proxy, a host that
   * hangs): the pool waits its 30 s connection timeout; the health check does not.
   */
  @Test
  void aDatabaseThatHangs_isDownWithinTheDeadline_notAfterThePoolsTimeout() throws Exception {
    List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    HikariDataSource pool = new HikariDataSource();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  while (true) {
                    held.add(silent.accept());
                  }
                } catch (IOException closed) {
                  // the test is over
                }
              });
      pool.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/retention");
      pool.setUsername("retention");
      pool.setPassword("retention");
      pool.setConnectionTimeout(30_000);
      pool.setInitializationFailTimeout(-1);
      var health = HealthChecks.database(pool, HealthChecks.DEADLINE);

      for (int probe = 0; probe < 3; probe++) {
        long started = System.nanoTime();
        Health answer = health.health();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(answer.getStatus()).isEqualTo(Status.DOWN);
        assertThat(answer.getDetails().get("error").toString()).contains("no answer within");
        assertThat(took).isLessThan(Duration.ofSeconds(1));
      }
    } finally {
      // The outage ends: the pool's pending connection attempts fail at once and it can close.
      for (Socket socket : held) {
        socket.close();
      }
      pool.close();
    }
  }

  @Test
  void probesDuringAHungCheck_waitForThatCheck_insteadOfStartingMore() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger checks = new AtomicInteger();
    DeadlineHealth health =
        new DeadlineHealth(
            () -> {
              checks.incrementAndGet();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return Health.up().build();
            },
            Duration.ofMillis(50),
            command -> Thread.ofVirtual().start(command));

    for (int probe = 0; probe < 5; probe++) {
      assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
    }
    assertThat(checks).hasValue(1);

    release.countDown();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    Health after = health.health();
    while (!Status.UP.equals(after.getStatus()) && System.nanoTime() < deadline) {
      Thread.sleep(10);
      after = health.health();
    }
    assertThat(after.getStatus()).isEqualTo(Status.UP);
  }

  @Test
  void aCheckThatFails_isDownWithWhatFailed() {
    DeadlineHealth health =
        new DeadlineHealth(
            () -> {
              throw new IllegalStateException("boom");
            },
            Duration.ofSeconds(1),
            command -> Thread.ofVirtual().start(command));
    Health answer = health.health();
    assertThat(answer.getStatus()).isEqualTo(Status.DOWN);
    assertThat(answer.getDetails()).containsEntry("error", "IllegalStateException");
  }
}
