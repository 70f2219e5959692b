package dev.retention.activities.webhooks;

import static dev.retention.activities.testing.Fixtures.ACME;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.retention.activities.testing.Fixtures;
import dev.retention.activities.testing.MutableClock;
import dev.retention.activities.testing.PostgresExtension;
import dev.retention.data.connections.ConnectionStatus;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.webhooks.WebhookSubscriptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The relay against a local subscriber that checks every Standard Webhooks signature with the
 * subscription's secret: run writes become events, filters hold, a failing subscriber gets the same
 * webhook-id on every retry, the last attempt leaves a FAILED delivery, a replay delivers it.
 */
@ExtendWith(PostgresExtension.class)
class WebhookRelayTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String RUN = "run-1";
  private static final String WORKFLOW = "at-risk-" + ACME.id();

  private static JdbcClient jdbc;
  private static TransactionTemplate tx;

  record Received(String id, String timestamp, String signature, String body) {
    JsonNode json() {
      return JSON.readTree(body);
    }
  }

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Integer> answers = new ConcurrentLinkedQueue<>();
  private final MutableClock clock = new MutableClock(Instant.now());
  private HttpServer subscriber;
  private WebhookSubscriptions subscriptions;
  private WebhookRelay relay;

  @BeforeAll
  static void wire(DataSource dataSource) {
    jdbc = JdbcClient.create(dataSource);
    tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }

  @BeforeEach
  void setUp() throws IOException {
    Fixtures.petraWithCustomers(new CustomerDirectory(jdbc));
    subscriber = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    subscriber.createContext(
        "/hooks",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            var h = exchange.getRequestHeaders();
            received.add(
                new Received(
                    h.getFirst("webhook-id"),
                    h.getFirst("webhook-timestamp"),
                    h.getFirst("webhook-signature"),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8)));
          }
          Integer status = answers.poll();
          exchange.sendResponseHeaders(status == null ? 204 : status, -1);
          exchange.close();
        });
    subscriber.start();
    subscriptions = new WebhookSubscriptions(jdbc, clock);
    relay =
        new WebhookRelay(
            jdbc,
            tx,
            clock,
            new WebhookSettings(
                false,
                null,
                Duration.ofSeconds(10),
                Duration.ofSeconds(40),
                3,
                null,
                Duration.ofDays(1)));
  }

  @AfterEach
  void tearDown() {
    relay.stop();
    subscriber.stop(0);
  }

  private String url() {
    return "http://127.0.0.1:" + subscriber.getAddress().getPort() + "/hooks";
  }

  /** What a subscriber does: recompute the signature with the secret it was shown. */
  private static void assertSigned(Received r, String secret) {
    assertThat(r.signature())
        .isEqualTo(StandardWebhooks.signature(secret, r.id(), r.timestamp(), r.body()));
    assertThat(r.id()).startsWith("msg_");
  }

  private void startRun() {
    jdbc.sql(
            """
            insert into playbook_runs (run_id, workflow_id, playbook, customer_id, csm_id, status,
              started_at)
            values (:r, :w, 'at-risk', :c, 'csm-petra', 'RUNNING', now())
            """)
        .param("r", RUN)
        .param("w", WORKFLOW)
        .param("c", ACME.id())
        .update();
  }

  private void timeline(String key, String kind, String summary) {
    jdbc.sql(
            """
            insert into timeline (customer_id, at, kind, playbook, workflow_id, run_id, entry_key,
              summary)
            values (:c, now(), :kind, 'at-risk', :w, :r, :key, :summary)
            """)
        .param("c", ACME.id())
        .param("kind", kind)
        .param("w", WORKFLOW)
        .param("r", RUN)
        .param("key", key)
        .param("summary", summary)
        .update();
  }

  private void close(String outcome) {
    jdbc.sql(
            """
            update playbook_runs set outcome = :o, status = 'COMPLETED', closed_at = now()
            where run_id = :r
            """)
        .param("o", outcome)
        .param("r", RUN)
        .update();
  }

  private List<String> types() {
    return received.stream().map(r -> r.json().path("type").asString()).toList();
  }

  @Test
  void aRunsWritesReachTheSubscriber_signedWithItsSecret() {
    var created = subscriptions.create(url(), "all of it", null, true, "admin");
    startRun();
    timeline("started#0", "PLAYBOOK", "at-risk started");
    timeline("day-1-email#1", "EMAIL", "day-1-email: SENT at-risk/day-1");
    timeline("day-1-urgent-call-task#2", "TASK", "day-1-urgent-call-task: TASK_CREATED Call");
    timeline("day-3-email#3", "EMAIL", "day-3-email: FAILED provider refused");
    close("RECOVERED");

    relay.runOnce();

    assertThat(types())
        .containsExactlyInAnyOrder(
            "run.started",
            "run.step_completed",
            "email.sent",
            "run.step_completed",
            "task.created",
            "run.step_completed",
            "email.failed",
            "run.outcome_recorded",
            "run.closed");
    received.forEach(r -> assertSigned(r, created.secret()));
    JsonNode sent =
        received.stream()
            .map(Received::json)
            .filter(j -> j.path("type").asString().equals("email.sent"))
            .findFirst()
            .orElseThrow();
    assertThat(sent.path("data").path("workflowId").asString()).isEqualTo(WORKFLOW);
    assertThat(sent.path("data").path("customerId").asString()).isEqualTo(ACME.id());
    assertThat(sent.path("data").path("playbook").asString()).isEqualTo("at-risk");
    assertThat(sent.path("data").path("step").asString()).isEqualTo("day-1-email");
    assertThat(sent.path("timestamp").asString()).isNotBlank();
    // Nothing of the summaries (free text) leaves.
    assertThat(received).allSatisfy(r -> assertThat(r.body()).doesNotContain("at-risk/day-1"));
    JsonNode closed =
        received.stream()
            .map(Received::json)
            .filter(j -> j.path("type").asString().equals("run.closed"))
            .findFirst()
            .orElseThrow();
    assertThat(closed.path("data").path("outcome").asString()).isEqualTo("RECOVERED");
    assertThat(subscriptions.deliveries(created.subscription().id(), null, 50))
        .hasSize(9)
        .allSatisfy(d -> assertThat(d.status()).isEqualTo("DELIVERED"));
    // Nothing is left to capture or send.
    assertThat(relay.runOnce()).isZero();
  }

  @Test
  void theEventFilterHolds_andNothingIsCapturedWithoutASubscription() {
    startRun(); // no subscription yet: not captured
    var emails = subscriptions.create(url(), null, List.of("email.sent"), true, "admin");
    timeline("day-1-email#1", "EMAIL", "day-1-email: SENT at-risk/day-1");
    timeline("day-1-urgent-call-task#2", "TASK", "day-1-urgent-call-task: TASK_CREATED Call");
    relay.runOnce();
    assertThat(types()).containsExactly("email.sent");
    assertSigned(received.get(0), emails.secret());
    assertThat(jdbc.sql("select count(*) from webhook_events").query(Integer.class).single())
        .isZero();
  }

  @Test
  void aFailingSubscriberGetsTheSameIdOnEveryRetry_untilItRecovers() {
    var sub = subscriptions.create(url(), null, List.of("run.started"), true, "admin");
    answers.add(500);
    startRun();
    relay.runOnce();
    assertThat(received).hasSize(1);
    var log = subscriptions.deliveries(sub.subscription().id(), null, 10).get(0);
    assertThat(log.status()).isEqualTo("PENDING");
    assertThat(log.attempts()).isEqualTo(1);
    assertThat(log.lastStatus()).isEqualTo(500);
    assertThat(log.lastError()).isEqualTo("answered 500");
    // Backoff: not before 10 s.
    relay.runOnce();
    assertThat(received).hasSize(1);
    clock.advance(Duration.ofSeconds(11));
    relay.runOnce();
    assertThat(received).hasSize(2);
    assertThat(received.get(1).id()).isEqualTo(received.get(0).id());
    assertThat(received.get(1).body()).isEqualTo(received.get(0).body());
    received.forEach(r -> assertSigned(r, sub.secret()));
    log = subscriptions.deliveries(sub.subscription().id(), null, 10).get(0);
    assertThat(log.status()).isEqualTo("DELIVERED");
    assertThat(log.attempts()).isEqualTo(2);
    assertThat(log.eventId()).isEqualTo(received.get(0).id());
    assertThat(log.deliveredAt()).isNotNull();
  }

  @Test
  void afterTheLastAttemptADeliveryIsFailed_andAReplayDeliversIt() {
    var sub = subscriptions.create(url(), null, null, true, "admin");
    String id = sub.subscription().id();
    answers.addAll(List.of(503, 503, 503));
    startRun();
    relay.runOnce(); // attempt 1; next in 10 s
    clock.advance(Duration.ofSeconds(10));
    relay.runOnce(); // attempt 2; next in 20 s
    clock.advance(Duration.ofSeconds(19));
    relay.runOnce();
    assertThat(received).hasSize(2);
    clock.advance(Duration.ofSeconds(1));
    relay.runOnce(); // attempt 3, the last
    assertThat(received).hasSize(3);
    var failed = subscriptions.deliveries(id, "FAILED", 10);
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0).attempts()).isEqualTo(3);
    assertThat(failed.get(0).lastError()).isEqualTo("answered 503");
    assertThat(failed.get(0).nextAttemptAt()).isNull();
    clock.advance(Duration.ofHours(1));
    relay.runOnce();
    assertThat(received).hasSize(3);
    ConnectionStatus status = new WebhooksConnection(subscriptions, relay, clock, "").status();
    assertThat(status.state()).isEqualTo(ConnectionStatus.State.DEGRADED);
    assertThat(status.lastError()).isEqualTo("answered 503");

    assertThat(subscriptions.replayFailed(id)).isEqualTo(1);
    relay.runOnce();
    assertThat(received).hasSize(4);
    assertThat(received.get(3).id()).isEqualTo(received.get(0).id());
    assertSigned(received.get(3), sub.secret());
    assertThat(subscriptions.deliveries(id, null, 10).get(0).status()).isEqualTo("DELIVERED");
    assertThat(new WebhooksConnection(subscriptions, relay, clock, "").status().state())
        .isEqualTo(ConnectionStatus.State.OK);
    // Delivered ones leave the log after keep-delivered (a day here).
    clock.advance(Duration.ofDays(1).plusMinutes(11));
    relay.runOnce();
    assertThat(subscriptions.deliveries(id, null, 10)).isEmpty();
  }

  @Test
  void anOverdueRunTaskIsASlaBreach_onceAndATaskClosedIsCompleted() {
    var sub =
        subscriptions.create(
            url(), null, List.of("task.sla_breached", "task.completed"), true, "admin");
    startRun();
    long task =
        jdbc.sql(
                """
                insert into crm_tasks (customer_id, workflow_id, run_id, step, assignee,
                  assignee_email, title, body, priority, due_at)
                values (:c, :w, :r, 'day-1-urgent-call-task', 'Petra', 'petra@example.com', 't',
                  'b', 'HIGH', :due)
                returning id
                """)
            .param("c", ACME.id())
            .param("w", WORKFLOW)
            .param("r", RUN)
            .param("due", Timestamp.from(clock.instant().plusSeconds(60)))
            .query(Long.class)
            .single();
    relay.runOnce();
    assertThat(received).isEmpty();
    clock.advance(Duration.ofSeconds(61));
    relay.runOnce();
    relay.runOnce();
    assertThat(types()).containsExactly("task.sla_breached");
    assertThat(received.get(0).json().path("data").path("taskId").asLong()).isEqualTo(task);
    jdbc.sql("update crm_tasks set status = 'DONE', closed_at = now() where id = :id")
        .param("id", task)
        .update();
    relay.runOnce();
    assertThat(types()).containsExactly("task.sla_breached", "task.completed");
    assertThat(received.get(1).json().path("data").path("step").asString())
        .isEqualTo("day-1-urgent-call-task");
    received.forEach(r -> assertSigned(r, sub.secret()));
  }

  @Test
  void notConfiguredWithoutSubscriptionOrBackendUrl_andATestPingsEachSubscriber() {
    assertThat(new WebhooksConnection(subscriptions, relay, clock, "").status().state())
        .isEqualTo(ConnectionStatus.State.NOT_CONFIGURED);
    assertThat(
            new WebhooksConnection(subscriptions, relay, clock, "https://backend.example/hook")
                .status()
                .state())
        .isEqualTo(ConnectionStatus.State.OK);
    var sub = subscriptions.create(url(), null, List.of("run.closed"), true, "admin");
    ConnectionStatus tested = new WebhooksConnection(subscriptions, relay, clock, "").test();
    assertThat(tested.state()).isEqualTo(ConnectionStatus.State.OK);
    assertThat(types()).containsExactly("ping");
    assertSigned(received.get(0), sub.secret());
    answers.add(401);
    WebhooksConnection connection = new WebhooksConnection(subscriptions, relay, clock, "");
    ConnectionStatus refused = connection.test();
    assertThat(refused.state()).isEqualTo(ConnectionStatus.State.DOWN);
    assertThat(refused.lastError()).contains("answered 401");
    assertThat(connection.status().state()).isEqualTo(ConnectionStatus.State.DEGRADED);
    // A ping is no delivery.
    assertThat(subscriptions.deliveries(sub.subscription().id(), null, 10)).isEmpty();
  }

  @Test
  void aRotatedSecretSignsTheNextDelivery() {
    var sub = subscriptions.create(url(), null, null, true, "admin");
    var rotated = subscriptions.rotateSecret(sub.subscription().id()).orElseThrow();
    assertThat(rotated.secret()).isNotEqualTo(sub.secret()).startsWith("whsec_");
    startRun();
    relay.runOnce();
    assertSigned(received.get(0), rotated.secret());
    assertThat(received).hasSize(1);
  }
}
