package dev.retention.api.batch;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.events.CustomerEvents;
import dev.retention.api.events.QueuedStartRelay;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.ledger.QueuedStarts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

@ApiTest
class BatchApiTest {

  private static final Map<String, String> NDJSON = Map.of("Content-Type", "application/x-ndjson");

  @LocalServerPort int port;
  @Autowired QueuedStarts queue;
  @Autowired QueuedStartRelay relay;
  @Autowired CustomerDirectory customers;
  @Autowired JdbcClient jdbc;
  HttpApi api;
  String suffix;
  String csm;

  @BeforeEach
  void setUp() {
    api = new HttpApi(port);
    suffix = UUID.randomUUID().toString().substring(0, 8);
    csm = "csm-b-" + suffix;
    assertThat(
            api.put(
                    "/api/csms/" + csm,
                    """
                    {"name":"Petra","email":"petra@example.com","managerEmail":"lena@example.com"}""")
                .status())
        .isEqualTo(201);
  }

  @Test
  void customersBatch_createsTheGoodRecords_andReportsEachBadOneByIndexAndField() {
    String a = "cb-a-" + suffix;
    String b = "cb-b-" + suffix;
    Response r =
        api.post(
            "/api/customers/batch",
            "["
                + customer(a, csm, "Europe/Amsterdam")
                + ","
                + customer("cb-zone-" + suffix, csm, "Mars/Olympus")
                + ","
                + customer(b, csm, "UTC")
                + ","
                + customer("cb-csm-" + suffix, "csm-nobody-" + suffix, "UTC")
                + ","
                + customer(a, csm, "UTC")
                + ","
                + "{\"customerId\":\"cb-type-"
                + suffix
                + "\",\"name\":\"X\",\"email\":\"x@example.com\",\"csmId\":\""
                + csm
                + "\",\"plan\":\"Growth\",\"mrr\":\"490\",\"planUsageLimit\":1,"
                + "\"timezone\":\"UTC\",\"locale\":\"en\"}"
                + "]");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("received").asInt()).isEqualTo(6);
    assertThat(r.body().path("created").asInt()).isEqualTo(2);
    assertThat(r.body().path("updated").asInt()).isZero();
    assertThat(rejected(r)).containsExactly("1:timezone", "3:csmId", "4:customerId", "5:mrr");
    assertThat(api.get("/api/customers/" + a).body().path("timezone").asText())
        .isEqualTo("Europe/Amsterdam");
    assertThat(api.get("/api/customers/" + b).status()).isEqualTo(200);
    assertThat(api.get("/api/customers/cb-zone-" + suffix).status()).isEqualTo(404);
    assertThat(api.get("/api/customers/cb-type-" + suffix).status()).isEqualTo(404);

    Response again = api.post("/api/customers/batch", "[" + customer(b, csm, "Europe/Paris") + "]");
    assertThat(again.body().path("updated").asInt()).isEqualTo(1);
    assertThat(api.get("/api/customers/" + b).body().path("timezone").asText())
        .isEqualTo("Europe/Paris");
  }

  @Test
  void metricsBatch_scoresTheGoodRecords_startsTheCrossings_andSignalsOnlyRunningRuns() {
    String poor = "mb-poor-" + suffix;
    String rich = "mb-rich-" + suffix;
    String calm = "mb-calm-" + suffix;
    createCustomers(poor, rich, calm);

    String body =
        String.join(
            "\n",
            metrics(poor, 3, 0, "NEGATIVE", 0.2),
            metrics(rich, 60, 6, "POSITIVE", 0.9),
            "{\"customerId\":\"" + calm + "\",\"queriesPerWeek\":1,\"emailOpenRate\":2}",
            metrics("mb-unknown-" + suffix, 3, 0, "NEGATIVE", 0.2),
            "{not json",
            metrics(calm, 20, 3, "NEUTRAL", 0.5),
            "");
    Response r = api.send("POST", "/api/metrics/batch", NDJSON, bytes(body), false);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("received").asInt()).isEqualTo(6);
    assertThat(r.body().path("scored").asInt()).isEqualTo(3);
    assertThat(rejected(r)).containsExactly("2:emailOpenRate", "3:customerId", "4:null");

    // A count past an int's range is that record's problem, not a server error.
    Response overflow =
        api.post(
            "/api/metrics/batch",
            "["
                + metrics(calm, 20, 3, "NEUTRAL", 0.5)
                    .replace("\"openTickets\":4", "\"openTickets\":2147483648")
                + "]");
    assertThat(overflow.status()).isEqualTo(200);
    assertThat(rejected(overflow)).containsExactly("0:openTickets");
    assertThat(texts(r.body().path("started")))
        .containsExactlyInAnyOrder("at-risk-" + poor, "expansion-" + rich);
    assertThat(r.body().path("informed").asInt()).isZero();
    assertThat(r.body().path("failed").size()).isZero();
    assertThat(api.get("/api/customers/" + poor).body().path("health").path("score").asInt())
        .isEqualTo(46);
    assertThat(api.get("/api/customers/" + calm).body().path("health").path("band").asText())
        .isEqualTo("NEUTRAL");
    assertThat(api.get("/api/playbooks/at-risk-" + poor).text("status")).isEqualTo("RUNNING");

    // Recovered: only the at-risk run exists for poor, and only it hears the new score.
    Response second =
        api.post("/api/metrics/batch", "[" + metrics(poor, 60, 6, "POSITIVE", 0.5) + "]");
    assertThat(second.body().path("informed").asInt()).isEqualTo(1);
    assertThat(second.body().path("started").size()).isZero();
    api.await(
        "/api/playbooks/at-risk-" + poor,
        Duration.ofSeconds(30),
        run -> "RECOVERED".equals(run.text("outcome")));
  }

  @Test
  void aCustomerTwiceInOneBatch_isScoredInOrder_andTheCrossingStartsOneRun() {
    String twice = "mb-twice-" + suffix;
    createCustomers(twice);
    Response r =
        api.post(
            "/api/metrics/batch",
            "["
                + metrics(twice, 60, 6, "POSITIVE", 0.5)
                + ","
                + metrics(twice, 3, 0, "NEGATIVE", 0.2)
                + ","
                + metrics(twice, 2, 0, "NEGATIVE", 0.2)
                + "]");
    assertThat(r.body().path("scored").asInt()).isEqualTo(3);
    assertThat(texts(r.body().path("started"))).containsExactly("at-risk-" + twice);
    assertThat(api.get("/api/customers/" + twice).body().path("health").path("trend").asText())
        .isEqualTo("STABLE");
  }

  @Test
  void respondAsync_answersOnceTheCrossingsAreQueued_andTheRelayStartsThemRightAfter()
      throws InterruptedException {
    String poor = "mb-async-" + suffix;
    String calm = "mb-async-calm-" + suffix;
    createCustomers(poor, calm);
    HttpApi.WithHeaders r =
        api.postWithHeaders(
            "/api/metrics/batch",
            "["
                + metrics(poor, 3, 0, "NEGATIVE", 0.2)
                + ","
                + metrics(calm, 20, 3, "NEUTRAL", 0.5)
                + "]",
            Map.of("Prefer", "wait=10, respond-async"));

    assertThat(r.response().status()).isEqualTo(200);
    assertThat(r.headers().firstValue("Preference-Applied")).hasValue("respond-async");
    assertThat(r.response().body().path("scored").asInt()).isEqualTo(2);
    assertThat(texts(r.response().body().path("queued"))).containsExactly("at-risk-" + poor);
    assertThat(r.response().body().path("started").size()).isZero();
    assertThat(api.get("/api/customers/" + poor).body().path("health").path("score").asInt())
        .isEqualTo(46);
    api.await(
        "/api/playbooks/at-risk-" + poor,
        Duration.ofSeconds(30),
        run -> run.status() == 200 && "RUNNING".equals(run.text("status")));
    awaitNothingQueuedFor(poor);
  }

  @Test
  void aStartWhoseBatchDiedBeforeMakingIt_isMadeByTheRelayOnceItsLeaseRunsOut()
      throws InterruptedException {
    String orphan = "mb-orphan-" + suffix;
    createCustomers(orphan);
    // As a batch leaves it that stored the score and queued the start, then died: the lease out.
    queue.queue(
        List.of(new QueuedStarts.NewStart(orphan, "at-risk", 41, 0.2)),
        Instant.now().minusSeconds(1));
    relay.wake();

    api.await(
        "/api/playbooks/at-risk-" + orphan,
        Duration.ofSeconds(30),
        run -> run.status() == 200 && "RUNNING".equals(run.text("status")));
    awaitNothingQueuedFor(orphan);
  }

  @Test
  void aStartThatFails_staysQueuedWithItsReason_untilItsBackoffRunsOut() {
    String c = "mb-fails-" + suffix;
    createCustomers(c);
    // A score never starts onboarding: the start fails, as it does while Temporal is unreachable.
    QueuedStarts.Queued queued =
        queue
            .queue(
                List.of(new QueuedStarts.NewStart(c, "onboarding", 41, 0.2)),
                Instant.now().plus(QueuedStartRelay.LEASE))
            .getFirst();
    Instant before = Instant.now();
    QueuedStartRelay.Attempt attempt =
        relay.start(
            queued,
            customers.findCustomers(List.of(c)).get(c),
            new CustomerEvents.ScoreRules(() -> null, List::of));

    assertThat(attempt).isInstanceOf(QueuedStartRelay.Attempt.Retrying.class);
    Map<String, Object> row =
        jdbc.sql("select attempts, last_error, due_at from queued_starts where id = :id")
            .param("id", queued.id())
            .query()
            .singleRow();
    assertThat(row.get("attempts")).isEqualTo(1);
    assertThat((String) row.get("last_error")).contains("does not start onboarding");
    Instant due = ((java.sql.Timestamp) row.get("due_at")).toInstant();
    assertThat(due).isBetween(before.plusSeconds(4), Instant.now().plusSeconds(6));
    // Not due yet: a pass leaves it where it is.
    assertThat(
            queue.takeDue(100, Instant.now(), QueuedStartRelay.LEASE).stream()
                .map(QueuedStarts.Queued::id))
        .doesNotContain(queued.id());
    queue.done(queued.id());
  }

  @Test
  void preferRespondAsync_isReadAsRfc7240Says() {
    assertThat(BatchController.respondAsync("return=minimal, Respond-Async; x=1")).isTrue();
    assertThat(BatchController.respondAsync("respond-asynchronously")).isFalse();
    assertThat(BatchController.respondAsync(null)).isFalse();
  }

  private void awaitNothingQueuedFor(String customerId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (jdbc.sql("select count(*) from queued_starts where customer_id = :c")
            .param("c", customerId)
            .query(Long.class)
            .single()
        > 0) {
      assertThat(System.nanoTime())
          .as("the queued start of " + customerId + " made")
          .isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void theBatchLimits_recordsContentTypeAndScopes() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i <= BatchBody.MAX_RECORDS; i++) {
      many.add("{}");
    }
    assertProblem(
        api.post("/api/metrics/batch", "[" + String.join(",", many) + "]"), 400, "body", "10000");
    assertProblem(api.post("/api/metrics/batch", "{\"customerId\":\"x\"}"), 400, "body", "array");
    assertThat(
            api.send(
                    "POST",
                    "/api/metrics/batch",
                    Map.of("Content-Type", "text/plain"),
                    bytes("[]"),
                    false)
                .status())
        .isEqualTo(415);
    // Larger than 1 MB (every other endpoint's limit) is fine here: ~1.6 MB of records.
    List<String> big = new ArrayList<>();
    for (int i = 0; i < 9_000; i++) {
      big.add(metrics("mb-none-" + i, 1, 1, "NEUTRAL", 0.1));
    }
    Response large = api.post("/api/metrics/batch", "[" + String.join(",", big) + "]");
    assertThat(large.status()).isEqualTo(200);
    assertThat(large.body().path("rejected").size()).isEqualTo(9_000);

    String events = api.createKey("events:write");
    assertThat(api.withKey(events).post("/api/metrics/batch", "[]").status()).isEqualTo(200);
    assertThat(api.withKey(events).post("/api/customers/batch", "[]").status()).isEqualTo(403);
    String customers = api.createKey("customers:write");
    assertThat(api.withKey(customers).post("/api/customers/batch", "[]").status()).isEqualTo(200);
    assertThat(api.withKey(customers).post("/api/metrics/batch", "[]").status()).isEqualTo(403);
  }

  @Test
  void playbookLists_pageWithACursor_andKeepTheArrayShape() {
    String a = "pg-a-" + suffix;
    String b = "pg-b-" + suffix;
    String c = "pg-c-" + suffix;
    createCustomers(a, b, c);
    for (String id : List.of(a, b, c)) {
      assertThat(
              api.post("/api/playbooks", "{\"playbook\":\"at-risk\",\"customerId\":\"" + id + "\"}")
                  .status())
          .isEqualTo(202);
    }
    List<String> seen = new ArrayList<>();
    List<String> seenRuns = new ArrayList<>();
    String path = "/api/playbooks?playbook=at-risk&limit=2";
    HttpApi.WithHeaders page = api.getWithHeaders(path);
    int pages = 0;
    while (true) {
      assertThat(page.response().status()).isEqualTo(200);
      assertThat(page.response().body().isArray()).isTrue();
      assertThat(page.response().body().size()).isLessThanOrEqualTo(2);
      page.response()
          .body()
          .forEach(
              run -> {
                seen.add(run.path("workflowId").asText());
                seenRuns.add(run.path("runId").asText());
              });
      pages++;
      var next = page.headers().firstValue("X-Next-Cursor");
      if (next.isEmpty()) {
        break;
      }
      assertThat(page.headers().firstValue("Link").orElseThrow())
          .contains("cursor=" + next.get())
          .endsWith("rel=\"next\"");
      page = api.getWithHeaders(path + "&cursor=" + next.get());
    }
    assertThat(pages).isGreaterThanOrEqualTo(2);
    // Every run once (a workflow id may have had several runs), ours among them.
    assertThat(seenRuns).doesNotHaveDuplicates();
    assertThat(seen).contains("at-risk-" + a, "at-risk-" + b, "at-risk-" + c);
    assertThat(api.get("/api/playbooks?playbook=at-risk").body().size()).isEqualTo(seen.size());

    assertProblem(api.get("/api/playbooks?cursor=bm90LWEtY3Vyc29y"), 400, "cursor", "cursor");
    assertProblem(api.get("/api/playbooks?limit=0"), 400, "limit", "limit");
    for (String id : List.of(a, b, c)) {
      api.delete("/api/playbooks/at-risk-" + id);
    }
  }

  private void createCustomers(String... ids) {
    StringBuilder body = new StringBuilder();
    for (String id : ids) {
      body.append(customer(id, csm, "Europe/Amsterdam")).append('\n');
    }
    Response r = api.send("POST", "/api/customers/batch", NDJSON, bytes(body.toString()), false);
    assertThat(r.body().path("created").asInt()).as(r.toString()).isEqualTo(ids.length);
  }

  private static String customer(String id, String csm, String zone) {
    return """
        {"customerId":"%s","name":"Globex","email":"ops@globex.example","csmId":"%s",\
        "plan":"Growth","mrr":490,"planUsageLimit":10000,"timezone":"%s","locale":"en"}"""
        .formatted(id, csm, zone);
  }

  private static String metrics(
      String id, int queries, int logins, String sentiment, double planUsage) {
    return """
        {"customerId":"%s","queriesPerWeek":%d,"featuresUsed":%d,"loginsPerWeek":%d,\
        "emailOpenRate":%s,"openTickets":%d,"sentiment":"%s","planUsage":%s}"""
        .formatted(
            id,
            queries,
            queries >= 50 ? 5 : 1,
            logins,
            queries >= 50 ? "0.6" : "0.1",
            queries >= 50 ? 0 : 4,
            sentiment,
            planUsage);
  }

  private static List<String> rejected(Response r) {
    return StreamSupport.stream(r.body().path("rejected").spliterator(), false)
        .map(j -> j.path("index").asInt() + ":" + j.path("field").asText(null))
        .toList();
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
