package dev.retention.api.webhooks;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.AtRiskRuns;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every run event out, as a subscriber sees it: an at-risk run's events reach a local subscriber,
 * each signed as Standard Webhooks and checked here with the secret the API showed once; the filter
 * holds; a subscriber that keeps failing leaves FAILED deliveries that a replay delivers under the
 * same webhook-id; bad input is a 400 naming the field, and only admins may manage it.
 */
@ApiTest
class WebhookSubscriptionsApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE = "/api/admin/webhooks/subscriptions";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @LocalServerPort int port;
  HttpApi admin;
  HttpServer subscriber;
  final List<String> created = new ArrayList<>();

  /** What the subscriber received, by path (one path per subscription). */
  record Received(String path, String id, String timestamp, String signature, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError(body, e);
      }
    }

    String type() {
      return json().path("type").asText();
    }

    String workflowId() {
      return json().path("data").path("workflowId").asText();
    }
  }

  final List<Received> received = new CopyOnWriteArrayList<>();

  /** The status the subscriber answers with. */
  final AtomicInteger answer = new AtomicInteger(204);

  @BeforeEach
  void setUp() throws IOException {
    admin = new HttpApi(port);
    subscriber = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    subscriber.createContext(
        "/",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            var h = exchange.getRequestHeaders();
            received.add(
                new Received(
                    exchange.getRequestURI().getPath(),
                    h.getFirst("webhook-id"),
                    h.getFirst("webhook-timestamp"),
                    h.getFirst("webhook-signature"),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8)));
          }
          exchange.sendResponseHeaders(answer.get(), -1);
          exchange.close();
        });
    subscriber.start();
  }

  @AfterEach
  void tearDown() {
    created.forEach(id -> admin.delete(BASE + "/" + id));
    subscriber.stop(0);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + subscriber.getAddress().getPort() + path;
  }

  private JsonNode subscribe(String path, String eventTypes) {
    Response r =
        admin.post(
            BASE,
            """
            {"url":"%s","description":"test subscriber"%s}"""
                .formatted(url(path), eventTypes == null ? "" : ",\"eventTypes\":" + eventTypes));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    created.add(r.text("id"));
    return r.body();
  }

  /** What a subscriber does with the secret it was shown: recompute the signature. */
  private static void assertSigned(Received r, String secret) {
    assertThat(r.id()).startsWith("msg_");
    assertThat(Long.parseLong(r.timestamp()))
        .isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(300L));
    assertThat(r.signature())
        .isEqualTo("v1," + hmac(secret, r.id() + "." + r.timestamp() + "." + r.body()));
  }

  private static String hmac(String secret, String content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(
          new SecretKeySpec(
              Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
      return Base64.getEncoder()
          .encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private List<Received> of(String path, String workflowId) {
    return received.stream()
        .filter(r -> r.path().equals(path) && r.workflowId().equals(workflowId))
        .toList();
  }

  private void awaitTypes(String path, String workflowId, String... types) {
    long until = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < until) {
      List<String> seen = of(path, workflowId).stream().map(Received::type).toList();
      if (seen.containsAll(List.of(types))) {
        return;
      }
      sleep(100);
    }
    assertThat(of(path, workflowId).stream().map(Received::type).toList())
        .as("events for " + workflowId)
        .contains(types);
  }

  @Test
  void anAtRiskRunsEventsReachTheSubscriber_signed_andTheFilterHolds() {
    JsonNode all = subscribe("/all", null);
    JsonNode emails = subscribe("/emails", "[\"email.sent\"]");
    assertThat(all.path("secret").asText()).startsWith("whsec_");
    assertThat(all.path("eventTypes").toString()).isEqualTo("[\"*\"]");
    // The secret is shown once: never in a read.
    assertThat(admin.get(BASE + "/" + all.path("id").asText()).body().has("secret")).isFalse();
    assertThat(admin.get(BASE).body().toString()).doesNotContain("whsec_");

    String customer = admin.newCustomer("hooks");
    String workflowId = "at-risk-" + customer;
    AtRiskRuns.start(admin, customer);
    Response responded =
        admin.post(
            "/api/playbooks/" + workflowId + "/outcomes", "{\"type\":\"CUSTOMER_RESPONDED\"}");
    assertThat(responded.status()).as(responded.toString()).isEqualTo(200);
    admin.await(
        "/api/playbooks/" + workflowId,
        WAIT,
        r -> AtRiskRuns.steps(r).stream().anyMatch(s -> s.startsWith("customer-responded-task:")));
    Response saved =
        admin.post("/api/playbooks/" + workflowId + "/outcomes", "{\"type\":\"SAVED\"}");
    assertThat(saved.status()).as(saved.toString()).isEqualTo(200);

    awaitTypes(
        "/all",
        workflowId,
        "run.started",
        "run.step_completed",
        "email.sent",
        "task.created",
        "run.outcome_recorded",
        "run.closed");
    List<Received> events = of("/all", workflowId);
    events.forEach(r -> assertSigned(r, all.path("secret").asText()));
    JsonNode sent =
        events.stream().filter(r -> r.type().equals("email.sent")).findFirst().orElseThrow().json();
    assertThat(sent.path("data").path("step").asText()).isEqualTo("day-1-email");
    assertThat(sent.path("data").path("customerId").asText()).isEqualTo(customer);
    assertThat(sent.path("data").path("playbook").asText()).isEqualTo("at-risk");
    assertThat(sent.path("timestamp").asText()).isNotBlank();
    JsonNode closed =
        events.stream().filter(r -> r.type().equals("run.closed")).findFirst().orElseThrow().json();
    assertThat(closed.path("data").path("outcome").asText()).isEqualTo("SAVED");
    // Nothing personal: no address, no name of the customer's.
    events.forEach(r -> assertThat(r.body()).doesNotContain("@"));
    // Each event once per subscriber (at least once may repeat; here nothing failed).
    assertThat(events.stream().map(Received::id).distinct().count()).isEqualTo(events.size());

    awaitTypes("/emails", workflowId, "email.sent");
    assertThat(of("/emails", workflowId)).extracting(Received::type).containsOnly("email.sent");
    assertSigned(of("/emails", workflowId).get(0), emails.path("secret").asText());

    Response log = admin.get(BASE + "/" + all.path("id").asText() + "/deliveries");
    assertThat(log.status()).isEqualTo(200);
    JsonNode first = log.body().get(0);
    assertThat(first.path("status").asText()).isEqualTo("DELIVERED");
    assertThat(first.path("attempts").asInt()).isEqualTo(1);
    assertThat(first.path("lastStatus").asInt()).isEqualTo(204);
    assertThat(first.path("eventId").asText()).startsWith("msg_");
    assertThat(first.path("deliveredAt").asText()).isNotBlank();
  }

  @Test
  void aSubscriberThatKeepsFailing_leavesFailedDeliveries_thatAReplayDeliversUnderTheSameId() {
    JsonNode sub = subscribe("/down", "[\"run.started\"]");
    String id = sub.path("id").asText();
    answer.set(500);
    String customer = admin.newCustomer("hooksdown");
    String workflowId = "at-risk-" + customer;
    Response started =
        admin.post(
            "/api/playbooks", "{\"playbook\":\"at-risk\",\"customerId\":\"" + customer + "\"}");
    assertThat(started.status()).isEqualTo(202);

    Response failed =
        admin.await(BASE + "/" + id + "/deliveries?status=FAILED", WAIT, r -> r.body().size() > 0);
    JsonNode delivery = failed.body().get(0);
    assertThat(delivery.path("type").asText()).isEqualTo("run.started");
    assertThat(delivery.path("attempts").asInt()).isEqualTo(3);
    assertThat(delivery.path("lastStatus").asInt()).isEqualTo(500);
    assertThat(delivery.path("lastError").asText()).isEqualTo("answered 500");
    List<Received> attempts = of("/down", workflowId);
    assertThat(attempts).hasSize(3);
    assertThat(attempts).extracting(Received::id).containsOnly(delivery.path("eventId").asText());
    // The run went on regardless.
    assertThat(admin.get("/api/playbooks/" + workflowId).text("status")).isEqualTo("RUNNING");

    answer.set(204);
    Response replay = admin.post(BASE + "/" + id + "/replay?status=failed", "");
    assertThat(replay.status()).as(replay.toString()).isEqualTo(202);
    assertThat(replay.body().path("replayed").asInt()).isEqualTo(1);
    admin.await(
        BASE + "/" + id + "/deliveries",
        WAIT,
        r -> r.body().get(0).path("status").asText().equals("DELIVERED"));
    List<Received> all = of("/down", workflowId);
    assertThat(all).hasSize(4);
    assertThat(all).extracting(Received::id).containsOnly(delivery.path("eventId").asText());
    all.forEach(r -> assertSigned(r, sub.path("secret").asText()));

    // One delivery again, by its id; and a rotated secret signs it.
    String secret =
        admin.post(BASE + "/" + id + "/rotate-secret", "").body().path("secret").asText();
    assertThat(secret).startsWith("whsec_").isNotEqualTo(sub.path("secret").asText());
    Response one =
        admin.post(BASE + "/" + id + "/deliveries/" + delivery.path("id").asLong() + "/replay", "");
    assertThat(one.status()).as(one.toString()).isEqualTo(202);
    long until = System.nanoTime() + WAIT.toNanos();
    while (of("/down", workflowId).size() < 5 && System.nanoTime() < until) {
      sleep(100);
    }
    Received again = of("/down", workflowId).get(4);
    assertThat(again.id()).isEqualTo(delivery.path("eventId").asText());
    assertSigned(again, secret);
  }

  @Test
  void badInput_isA400NamingTheField_andUnknownIdsA404() {
    assertProblem(admin.post(BASE, "{\"url\":\"ftp://example.com/x\"}"), 400, "url", "http");
    assertProblem(admin.post(BASE, "{\"url\":\"/relative/hooks\"}"), 400, "url", "absolute");
    assertProblem(admin.post(BASE, "{\"description\":\"no url\"}"), 400, "url", "");
    assertProblem(
        admin.post(BASE, "{\"url\":\"https://example.com/h\",\"eventTypes\":[\"run.exploded\"]}"),
        400,
        "eventTypes",
        "run.exploded");
    assertProblem(
        admin.post(BASE, "{\"url\":\"https://example.com/h\",\"secret\":\"whsec_mine\"}"),
        400,
        "secret",
        "");
    assertProblem(admin.get(BASE + "/whs_nope"), 404, null, "whs_nope");
    assertProblem(
        admin.call("PATCH", BASE + "/whs_nope", "{\"enabled\":false}"), 404, null, "whs_nope");
    JsonNode sub = subscribe("/bad", "[\"run.closed\"]");
    String id = sub.path("id").asText();
    assertProblem(
        admin.call("PATCH", BASE + "/" + id, "{\"url\":\"mailto:ops@example.com\"}"),
        400,
        "url",
        "");
    assertProblem(admin.get(BASE + "/" + id + "/deliveries?status=LOST"), 400, "status", "");
    assertProblem(admin.post(BASE + "/" + id + "/replay?status=delivered", ""), 400, "status", "");
    assertProblem(admin.post(BASE + "/" + id + "/deliveries/999999999/replay", ""), 404, null, "");
    Response changed =
        admin.call(
            "PATCH",
            BASE + "/" + id,
            "{\"eventTypes\":[\"*\"],\"enabled\":false,\"description\":\"paused\"}");
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    assertThat(changed.body().path("eventTypes").toString()).isEqualTo("[\"*\"]");
    assertThat(changed.body().path("enabled").asBoolean()).isFalse();
    assertThat(changed.body().path("url").asText()).isEqualTo(url("/bad"));
    assertThat(admin.delete(BASE + "/" + id).status()).isEqualTo(204);
    assertThat(admin.get(BASE + "/" + id).status()).isEqualTo(404);
  }

  @Test
  void onlyAdminsManageSubscriptions() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String username = "lead-" + suffix;
    String password = admin.createLogin(username, "MANAGER", null, username + "@example.com");
    HttpApi manager = new HttpApi(port).login(username, password);
    assertThat(manager.get(BASE).status()).isEqualTo(403);
    assertThat(manager.post(BASE, "{\"url\":\"https://example.com/h\"}").status()).isEqualTo(403);
    HttpApi reader = new HttpApi(port).withKey(admin.createKey("read", "events:write"));
    assertThat(reader.get(BASE).status()).isEqualTo(403);
    assertThat(reader.post(BASE, "{\"url\":\"https://example.com/h\"}").status()).isEqualTo(403);
    assertThat(new HttpApi(port).anonymous().get(BASE).status()).isEqualTo(401);
    HttpApi adminKey = new HttpApi(port).withKey(admin.createKey("admin"));
    assertThat(adminKey.get(BASE).status()).isEqualTo(200);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
