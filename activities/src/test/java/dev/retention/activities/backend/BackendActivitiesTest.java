package dev.retention.activities.backend;

import static dev.retention.activities.testing.Fixtures.ACME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import dev.retention.activities.testing.ActivityHarness;
import dev.retention.activities.testing.Fixtures;
import dev.retention.activities.testing.MutableClock;
import dev.retention.activities.testing.PostgresExtension;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.workflows.ports.BackendActivities;
import dev.retention.workflows.ports.BackendNotification;
import io.temporal.failure.ActivityFailure;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The backend webhook against a local HTTP fake that checks the signature as a backend would. */
@ExtendWith(PostgresExtension.class)
class BackendActivitiesTest {

  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String RUN_ID = "6f1c1d7e-2222-4c1e-9a53-000000000002";
  private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");
  private static final BackendNotification WITHDRAWN =
      new BackendNotification(
          "cancellation-save-" + ACME.id(),
          "withdrawn",
          ACME.id(),
          "CANCELLATION_WITHDRAWN",
          Map.of("offer", "DISCOUNT"));

  private static JdbcClient jdbc;

  /** What the fake backend received, and the statuses it answers with, in turn. */
  record Received(Map<String, String> headers, String body) {}

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Integer> answers = new ConcurrentLinkedQueue<>();
  private HttpServer backend;
  private ActivityHarness harness;

  @BeforeAll
  static void wire(DataSource dataSource) {
    jdbc = JdbcClient.create(dataSource);
  }

  @BeforeEach
  void setUp() throws IOException {
    Fixtures.petraWithCustomers(new CustomerDirectory(jdbc));
    backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    backend.createContext(
        "/hooks",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            received.add(
                new Received(
                    Map.of(
                        "id", String.valueOf(exchange.getRequestHeaders().getFirst("webhook-id")),
                        "timestamp",
                            String.valueOf(
                                exchange.getRequestHeaders().getFirst("webhook-timestamp")),
                        "signature",
                            String.valueOf(
                                exchange.getRequestHeaders().getFirst("webhook-signature"))),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8)));
          }
          Integer status = answers.poll();
          exchange.sendResponseHeaders(status == null ? 204 : status, -1);
          exchange.close();
        });
    backend.start();
  }

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
    backend.stop(0);
  }

  private BackendActivities activities(String url, int maxAttempts) {
    harness =
        new ActivityHarness(
            new BackendActivitiesImpl(jdbc, new MutableClock(NOW), url, SECRET, maxAttempts));
    harness.runIds().pin(RUN_ID);
    return harness.stub(BackendActivities.class);
  }

  private String url() {
    return "http://127.0.0.1:" + backend.getAddress().getPort() + "/hooks";
  }

  @Test
  void aNotificationIsSignedTheStandardWebhooksWay_andARetryKeepsItsId() {
    BackendActivities activities = activities(url(), 5);
    answers.add(503);

    ActivityFailure first =
        catchThrowableOfType(ActivityFailure.class, () -> activities.notifyBackend(WITHDRAWN));
    assertThat(first).isNotNull();
    assertThat(row()).containsEntry("status", "PENDING").containsEntry("attempts", 1);
    assertThat((String) row().get("last_error")).contains("503");

    activities.notifyBackend(WITHDRAWN);

    assertThat(received).hasSize(2);
    for (Received r : received) {
      assertThat(verifies(r)).as("signature of %s", r.headers()).isTrue();
      assertThat(r.headers().get("id")).isEqualTo(received.getFirst().headers().get("id"));
      assertThat(r.headers().get("id")).startsWith("msg_");
      assertThat(r.headers().get("timestamp")).isEqualTo(String.valueOf(NOW.getEpochSecond()));
      assertThat(r.body()).contains("\"type\":\"CANCELLATION_WITHDRAWN\"", "\"idempotencyKey\":");
    }
    assertThat(received.get(1).body()).isEqualTo(received.getFirst().body());
    assertThat(row())
        .containsEntry("status", "DELIVERED")
        .containsEntry("attempts", 2)
        .containsEntry("last_error", null);

    // Delivered: a later retry of the activity sends nothing more.
    activities.notifyBackend(WITHDRAWN);
    assertThat(received).hasSize(2);
  }

  @Test
  void aSignatureWithAnotherSecretOrAnAlteredBodyDoesNotVerify() {
    activities(url(), 5).notifyBackend(WITHDRAWN);
    Received genuine = received.getFirst();
    assertThat(verifies(genuine)).isTrue();
    String altered = genuine.body().replace("WITHDRAWN", "REQUESTED");
    assertThat(verifies(new Received(genuine.headers(), altered))).isFalse();
    assertThat(verifies(genuine, "whsec_" + Base64.getEncoder().encodeToString(new byte[24])))
        .isFalse();
  }

  @Test
  void retriesAreBounded_theLastFailureMarksTheOutboxRowFailed_andTheRunGoesOn() {
    BackendActivities activities = activities(url(), 3);
    answers.addAll(List.of(500, 500, 500, 500));

    assertThat(
            catchThrowableOfType(ActivityFailure.class, () -> activities.notifyBackend(WITHDRAWN)))
        .isNotNull();
    assertThat(
            catchThrowableOfType(ActivityFailure.class, () -> activities.notifyBackend(WITHDRAWN)))
        .isNotNull();
    activities.notifyBackend(WITHDRAWN); // the third and last attempt completes the activity

    assertThat(received).hasSize(3);
    assertThat(row()).containsEntry("status", "FAILED").containsEntry("attempts", 3);
    assertThat((String) row().get("last_error")).contains("answered 500");
    assertThat(row().get("payload").toString()).contains("CANCELLATION_WITHDRAWN");

    activities.notifyBackend(WITHDRAWN);
    assertThat(received).as("nothing more after giving up").hasSize(3);
  }

  @Test
  void anUnreachableBackendCountsAsAFailedAttempt() {
    BackendActivities activities = activities("http://127.0.0.1:1/hooks", 1);

    activities.notifyBackend(WITHDRAWN);

    assertThat(row()).containsEntry("status", "FAILED").containsEntry("attempts", 1);
    assertThat((String) row().get("last_error")).contains("unreachable");
  }

  @Test
  void withoutAUrlTheNotificationIsOnlyRecorded() {
    activities("", 3).notifyBackend(WITHDRAWN);

    assertThat(received).isEmpty();
    assertThat(row()).containsEntry("status", "RECORDED").containsEntry("attempts", 0);
  }

  @Test
  void aUrlWithoutASecretStopsTheStart() {
    assertThatThrownBy(() -> new BackendActivitiesImpl(jdbc, new MutableClock(NOW), url(), "", 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("retention.backend.webhook-secret");
  }

  private static Map<String, Object> row() {
    return jdbc.sql(
            "select status, attempts, last_error, payload from backend_notifications where run_id = :r")
        .param("r", RUN_ID)
        .query()
        .singleRow();
  }

  private static boolean verifies(Received r) {
    return verifies(r, SECRET);
  }

  /** As the Standard Webhooks libraries verify: v1,base64(HMAC-SHA256(key, id.timestamp.body)). */
  private static boolean verifies(Received r, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(
          new SecretKeySpec(
              Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
      mac.update(
          (r.headers().get("id") + "." + r.headers().get("timestamp") + ".")
              .getBytes(StandardCharsets.UTF_8));
      byte[] expected = mac.doFinal(r.body().getBytes(StandardCharsets.UTF_8));
      for (String candidate : r.headers().get("signature").split(" ", -1)) {
        if (candidate.startsWith("v1,")
            && MessageDigest.isEqual(
                expected, Base64.getDecoder().decode(candidate.substring(3)))) {
          return true;
        }
      }
      return false;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
