package dev.retention.api.connectors.segment;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.ApiTestKeys;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import dev.retention.data.connections.Connection;
import dev.retention.data.connections.ConnectionStatus;
import dev.retention.data.segment.SegmentStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Segment's HTTP Tracking API calls through the whole app: a batch of track events moves the
 * customer's weekly figures and health, identify and group map users and accounts to customers,
 * mapped events start the same playbooks as the backend's own events, retries count once, events
 * for unknown customers are kept and replayed, and wrong credentials or bad fields change nothing.
 */
@ApiTest
class SegmentApiTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String BASIC =
      "Basic "
          + Base64.getEncoder()
              .encodeToString(
                  (ApiTestKeys.SEGMENT_WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8));

  @LocalServerPort int port;
  @Autowired SegmentScorer scorer;
  @Autowired SegmentStore store;
  @Autowired List<Connection> connections;
  HttpApi api;
  HttpApi segment;

  @BeforeEach
  void setUp() {
    api = new HttpApi(port);
    segment = api.anonymous();
  }

  @Test
  void aBatchOfTrackEvents_movesTheWeeklyUsageAndTheHealthScore_andTheSameBatchTwiceCountsOnce() {
    String customer = api.newCustomer("seg");
    Response low =
        api.post("/api/customers/" + customer + "/metrics", HttpApi.metrics(2, 0, "NEUTRAL"));
    assertThat(low.status()).as(low.toString()).isEqualTo(200);
    int before = low.body().path("score").asInt();
    String bandBefore = low.text("band");
    scorer.scoreMoved();

    List<String> events = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String name = i < 30 ? "Signed In" : i < 90 ? "Query Run" : "Feature Used";
      String props = i < 90 ? "{}" : "{\"feature\":\"f" + (i % 5) + "\"}";
      events.add(track(id(), name, "u-" + (i % 7), customer, props));
    }
    String batch = batch(events);

    Response answer = post("/api/segment/v1/batch", batch);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(answer.body().path("success").asBoolean()).isTrue();
    assertThat(answer.body().path("accepted").asInt()).isEqualTo(100);
    assertThat(answer.body().path("duplicates").asInt()).isZero();
    SegmentStore.Weekly weekly = store.weekly(customer, Instant.now()).orElseThrow();
    assertThat(weekly.logins()).isEqualTo(30);
    assertThat(weekly.queries()).isEqualTo(60);
    assertThat(weekly.features()).isEqualTo(5);

    assertThat(scorer.scoreMoved()).isPositive();
    Response health = api.get("/api/customers/" + customer);
    int after = health.body().path("health").path("score").asInt();
    assertThat(after).as(health.toString()).isGreaterThan(before);
    assertThat(health.body().path("health").path("band").asText()).isNotEqualTo(bandBefore);

    // Segment retries the whole batch: nothing is counted again, nobody is scored again.
    Response again = post("/api/segment/v1/batch", batch);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().path("accepted").asInt()).isZero();
    assertThat(again.body().path("duplicates").asInt()).isEqualTo(100);
    assertThat(store.weekly(customer, Instant.now()).orElseThrow().logins()).isEqualTo(30);
    assertThat(scorer.scoreMoved()).isZero();
  }

  @Test
  void identifyAndGroup_mapUsersAndAccounts_andEventsKeptForUnknownOnesAreReplayed() {
    String customer = api.newCustomer("segmap");
    String user = "user-" + UUID.randomUUID();
    String account = "acct-" + UUID.randomUUID();
    String first = id();
    String second = id();

    // Nobody knows this user yet: kept and reported, not dropped.
    Response unknown =
        post(
            "/api/segment/v1/batch",
            batch(
                List.of(
                    trackByUser(first, "Signed In", user),
                    trackByUser(second, "Signed In", user))));
    assertThat(unknown.status()).as(unknown.toString()).isEqualTo(200);
    assertThat(unknown.body().path("unmatched").asInt()).isEqualTo(2);
    Response report = api.get("/api/segment/unmatched?limit=1000");
    assertThat(report.status()).isEqualTo(200);
    assertThat(report.body().path("events").toString()).contains(first, second);
    assertThat(report.body().path("count").asLong()).isGreaterThanOrEqualTo(2);
    assertThat(api.anonymous().get("/api/segment/unmatched").status()).isEqualTo(401);

    // identify names the customer: the user is mapped and the kept events are replayed.
    Response identified =
        post(
            "/api/segment/v1/identify",
            """
            {"userId":"%s","traits":{"customerId":"%s","email":"ann@example.com"},
             "messageId":"%s"}"""
                .formatted(user, customer, id()));
    assertThat(identified.status()).as(identified.toString()).isEqualTo(200);
    assertThat(identified.body().path("replayed").asInt()).isEqualTo(2);
    assertThat(store.weekly(customer, Instant.now()).orElseThrow().logins()).isEqualTo(2);
    assertThat(api.get("/api/segment/unmatched?limit=1000").body().path("events").toString())
        .doesNotContain(first)
        .doesNotContain(second);

    // A group call maps an account (its own id, not ours) by the trait; its events follow.
    Response grouped =
        post(
            "/api/segment/v1/group",
            """
            {"userId":"someone-else","groupId":"%s","traits":{"customerId":"%s","planUsage":0.9},
             "messageId":"%s"}"""
                .formatted(account, customer, id()));
    assertThat(grouped.status()).as(grouped.toString()).isEqualTo(200);
    Response tracked =
        post("/api/segment/v1/track", track(id(), "Query Run", "another-user", account, "{}"));
    assertThat(tracked.status()).as(tracked.toString()).isEqualTo(200);
    assertThat(tracked.body().path("unmatched").asInt()).isZero();
    SegmentStore.Weekly weekly = store.weekly(customer, Instant.now()).orElseThrow();
    assertThat(weekly.queries()).isEqualTo(1);
    assertThat(weekly.planUsage()).isEqualTo(0.9);
  }

  @Test
  void mappedEvents_recordTheNpsAnswer_requestTheCancellation_andReachTheMilestone_once() {
    String customer = api.newCustomer("segnps");
    String nps =
        track(id(), "NPS Submitted", "u-1", customer, "{\"score\":3,\"comment\":\"Too slow\"}");

    Response answer = post("/api/segment/v1/track", nps);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(answer.body().path("effects").asInt()).isEqualTo(1);
    assertThat(answer.body().path("effectsFailed").asInt()).isZero();
    // As POST /api/events/nps: the NPS follow-up runs, the detractor's task is created.
    String run = "nps-follow-up-" + customer;
    Response started =
        api.await(
            "/api/playbooks/" + run,
            WAIT,
            r -> r.status() == 200 && r.body().path("steps").toString().contains("detractor-task"));
    assertThat(started.text("status")).isEqualTo("RUNNING");
    // A retry records no second answer.
    assertThat(post("/api/segment/v1/track", nps).body().path("duplicates").asInt()).isEqualTo(1);
    assertThat(timeline(customer, "NPS 3")).hasSize(1);

    // The onboarding milestone reaches the onboarding run.
    assertThat(api.post("/api/events/signup", "{\"customerId\":\"" + customer + "\"}").status())
        .isEqualTo(202);
    Response milestone =
        post("/api/segment/v1/track", track(id(), "First Query Run", "u-1", customer, "{}"));
    assertThat(milestone.status()).as(milestone.toString()).isEqualTo(200);
    assertThat(timeline(customer, "Milestone FIRST_QUERY")).hasSize(1);
    api.await(
        "/api/playbooks/onboarding-" + customer,
        WAIT,
        r -> r.body().toString().contains("FIRST_QUERY"));

    // A cancellation request starts the save playbook with the reason's offer.
    Response cancel =
        post(
            "/api/segment/v1/track",
            track(
                id(), "Cancellation Requested", "u-1", customer, "{\"reason\":\"too expensive\"}"));
    assertThat(cancel.status()).as(cancel.toString()).isEqualTo(200);
    Response save =
        api.await(
            "/api/playbooks/cancellation-save-" + customer,
            WAIT,
            r -> r.status() == 200 && !r.body().path("facts").path("offer").isMissingNode());
    assertThat(save.text("status")).isEqualTo("RUNNING");
    assertThat(save.body().path("facts").path("offer").asText()).isEqualTo("DISCOUNT_OR_DOWNGRADE");
  }

  @Test
  void theWriteKeyOrTheSignature_letARequestIn_anythingElseIs401AndChangesNothing() {
    String customer = api.newCustomer("segauth");
    String noKey = track(id(), "Signed In", "u-1", customer, "{}");
    assertProblem(segment.post("/api/segment/v1/track", noKey), 401, null, "no credentials");
    String wrong =
        "Basic "
            + Base64.getEncoder().encodeToString("not-the-key:".getBytes(StandardCharsets.UTF_8));
    assertProblem(
        segment.post("/api/segment/v1/track", noKey, Map.of("Authorization", wrong)),
        401,
        null,
        "wrong write key");
    assertProblem(
        segment.post("/api/segment/v1/track", noKey, Map.of("X-Signature", "00ff")),
        401,
        null,
        "wrong X-Signature");
    // An integration key is no Segment credential.
    assertProblem(api.post("/api/segment/v1/track", noKey), 401, null, "no credentials");
    assertThat(store.weekly(customer, Instant.now())).isEmpty();

    String signed = track(id(), "Signed In", "u-1", customer, "{}");
    Response bySignature =
        segment.post(
            "/api/segment/v1/webhook",
            signed,
            Map.of(
                "X-Signature",
                SegmentAuth.sign(
                    ApiTestKeys.SEGMENT_SHARED_SECRET, signed.getBytes(StandardCharsets.UTF_8))));
    assertThat(bySignature.status()).as(bySignature.toString()).isEqualTo(200);
    Response byKey = post("/api/segment/v1/track", noKey);
    assertThat(byKey.status()).as(byKey.toString()).isEqualTo(200);
    assertThat(store.weekly(customer, Instant.now()).orElseThrow().logins()).isEqualTo(2);

    ConnectionStatus status =
        connections.stream()
            .filter(c -> "segment".equals(c.id()))
            .findFirst()
            .orElseThrow()
            .status();
    assertThat(status.state()).isEqualTo(ConnectionStatus.State.OK);
    assertThat(status.lastSync()).isNotNull();
    assertThat(status.detail()).contains("events today");
  }

  @Test
  void aBadField_refusesTheWholeRequestNamingIt_andStoresNothing() {
    String customer = api.newCustomer("segbad");
    String good = track(id(), "Signed In", "u-1", customer, "{}");
    String noName =
        """
        {"type":"track","userId":"u-1","context":{"groupId":"%s"},"messageId":"%s"}"""
            .formatted(customer, id());
    assertProblem(
        post("/api/segment/v1/batch", batch(List.of(good, good.replace("m-", "n-"), noName))),
        400,
        "batch[2].event",
        "event");
    assertProblem(
        post(
            "/api/segment/v1/batch",
            batch(List.of(track(id(), "NPS Submitted", "u-1", customer, "{\"score\":11}")))),
        400,
        "batch[0].properties.score",
        "0..10");
    assertProblem(
        post("/api/segment/v1/batch", "{\"batch\":[{\"type\":\"track\",\"event\":\"x\"}]}"),
        400,
        "batch[0].userId",
        "userId");
    assertProblem(
        post(
            "/api/segment/v1/track",
            track(id(), "Signed In", "u-1", customer, "{}")
                .replace("\"timestamp\":\"", "\"timestamp\":\"yesterday")),
        400,
        "timestamp",
        "ISO-8601");
    assertProblem(post("/api/segment/v1/batch", "not json"), 400, null, "not JSON");
    assertThat(store.weekly(customer, Instant.now())).isEmpty();
    // Nothing of the refused batch was kept: the good message is new now.
    assertThat(post("/api/segment/v1/track", good).body().path("accepted").asInt()).isEqualTo(1);
  }

  private Response post(String path, String json) {
    return segment.post(path, json, Map.of("Authorization", BASIC));
  }

  private List<String> timeline(String customer, String summary) {
    List<String> found = new ArrayList<>();
    for (var item : api.get("/api/customers/" + customer + "/timeline").body()) {
      if (item.path("summary").asText().startsWith(summary)) {
        found.add(item.path("summary").asText());
      }
    }
    return found;
  }

  private static String id() {
    return "m-" + UUID.randomUUID();
  }

  private static String track(
      String messageId, String event, String user, String group, String properties) {
    return """
        {"type":"track","event":"%s","userId":"%s","context":{"groupId":"%s"},
         "properties":%s,"timestamp":"%s","messageId":"%s"}"""
        .formatted(event, user, group, properties, Instant.now().minusSeconds(60), messageId);
  }

  private static String trackByUser(String messageId, String event, String user) {
    return """
        {"type":"track","event":"%s","userId":"%s","messageId":"%s"}"""
        .formatted(event, user, messageId);
  }

  private static String batch(List<String> messages) {
    return "{\"batch\":[" + String.join(",", messages) + "],\"sentAt\":\"" + Instant.now() + "\"}";
  }
}
