package dev.retention.api.connectors.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.WithConnectors;
import dev.retention.data.connections.Connection;
import dev.retention.data.connections.ConnectionStatus;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Slack, through the whole app, against a local fake of Slack's Web API: a real at-risk run whose
 * health is critical creates its urgent call task, and the CSM gets exactly one direct message with
 * a link to the console, also when Slack was down at the time; the message's buttons come back
 * through Slack's signed interaction endpoint and complete or snooze the task as the console would.
 * The context with the connectors on ({@link WithConnectors}), shared with the other connector
 * tests.
 */
class SlackApiTest extends WithConnectors {

  static final String TOKEN = SLACK_TOKEN;
  static final String SECRET = SLACK_SIGNING_SECRET;
  private static final String INTERACTIONS = "/api/webhooks/slack/interactions";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @LocalServerPort int port;
  @Autowired DataSource dataSource;

  @Autowired
  @Qualifier("slackConnection")
  Connection connection;

  HttpApi api;

  @BeforeEach
  void setUp() {
    api = new HttpApi(port);
  }

  /** A CSM known to Slack by address, and a customer of theirs whose health is critical. */
  private record Csm(String id, String email, String slackUser, String customerId) {}

  private Csm csmInSlack(String locale) {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String csm = "csm-" + suffix;
    String email = "csm-" + suffix + "@retention.example";
    String slackUser = "U" + suffix.toUpperCase(java.util.Locale.ROOT);
    api.put(
        "/api/csms/" + csm,
        """
        {"name":"Petra %s","email":"%s","managerEmail":"lena@retention.example"}"""
            .formatted(suffix, email));
    String customer = "slack-" + suffix;
    HttpApi.Response created =
        api.put(
            "/api/customers/" + customer,
            """
            {"name":"Initech %s","email":"ops-%s@initech.example","csmId":"%s","plan":"Growth",
             "mrr":490,"planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
                .formatted(suffix, suffix, csm));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    SLACK.stubFor(
        post("/api/users.lookupByEmail")
            .withHeader("Authorization", equalTo("Bearer " + TOKEN))
            .withRequestBody(containing(URLEncoder.encode(email, StandardCharsets.UTF_8)))
            .willReturn(
                okJson(
                    """
                    {"ok":true,"user":{"id":"%s","team_id":"T012AB3C4","name":"petra",
                     "deleted":false,"is_bot":false,"profile":{"email":"%s"}}}"""
                        .formatted(slackUser, email))));
    SLACK.stubFor(
        post("/api/users.info")
            .withRequestBody(containing("user=" + slackUser))
            .willReturn(
                okJson(
                    """
                    {"ok":true,"user":{"id":"%s","deleted":false,"locale":"%s",
                     "profile":{"email":"%s"}}}"""
                        .formatted(slackUser, locale, email))));
    return new Csm(csm, email, slackUser, customer);
  }

  private void postMessageFor(String slackUser, int status, String body) {
    SLACK.stubFor(
        post("/api/chat.postMessage")
            .withRequestBody(containing("channel=" + slackUser))
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json")
                    .withBody(body)));
  }

  private static String posted(String slackUser) {
    return """
        {"ok":true,"channel":"D%s","ts":"1503435956.000247",
         "message":{"type":"message","text":"Urgent task","ts":"1503435956.000247"}}"""
        .formatted(slackUser);
  }

  /** Poor metrics: health far below 40, so the at-risk run it starts is critical. */
  private void healthDrops(String customerId) {
    HttpApi.Response scored =
        api.post("/api/customers/" + customerId + "/metrics", HttpApi.metrics(0, 0, "NEGATIVE"));
    assertThat(scored.status()).as(scored.toString()).isBetween(200, 202);
  }

  private long urgentTask(String customerId) {
    HttpApi.Response tasks =
        api.await(
            "/api/customers/" + customerId + "/tasks",
            WAIT,
            r -> r.body().toString().contains("day-1-urgent-call-task"));
    for (JsonNode task : tasks.body()) {
      if (task.path("step").asText().equals("day-1-urgent-call-task")) {
        assertThat(task.path("priority").asText()).isEqualTo("URGENT");
        return task.path("id").asLong();
      }
    }
    throw new AssertionError("no urgent task: " + tasks);
  }

  private static List<String> messagesTo(String slackUser) {
    return SLACK.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))).stream()
        .map(LoggedRequest::getBodyAsString)
        .map(b -> URLDecoder.decode(b, StandardCharsets.UTF_8))
        .filter(b -> b.contains("channel=" + slackUser + "&") || b.endsWith("channel=" + slackUser))
        .toList();
  }

  private boolean nothingUnsentFor(String email) {
    return JdbcClient.create(dataSource)
        .sql(
            "select count(*) filter (where status = 'SENT') > 0"
                + " and count(*) filter (where status <> 'SENT') = 0"
                + " from slack_outbox where recipient_email = :email")
        .param("email", email)
        .query(Boolean.class)
        .single();
  }

  private static void await(String what, BooleanSupplier done) {
    Instant until = Instant.now().plus(WAIT);
    while (!done.getAsBoolean()) {
      if (Instant.now().isAfter(until)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void theUrgentTaskOfARealAtRiskRun_isExactlyOneDirectMessageToTheCsm_withAConsoleLink() {
    Csm csm = csmInSlack("en-US");
    postMessageFor(csm.slackUser(), 200, posted(csm.slackUser()));

    healthDrops(csm.customerId());
    long task = urgentTask(csm.customerId());
    await("the DM", () -> !messagesTo(csm.slackUser()).isEmpty());
    // Once the outbox holds nothing unsent for the CSM, no second message can follow: a sent row
    // is never sent again, and a row sent twice was sent both times before it was marked.
    await("every message to the CSM marked sent", () -> nothingUnsentFor(csm.email()));

    List<String> messages = messagesTo(csm.slackUser());
    assertThat(messages).hasSize(1);
    assertThat(messages.getFirst())
        .contains("Urgent task for Initech")
        .contains("Critical health")
        .contains("https://retention.example/console/runs/at-risk-" + csm.customerId())
        .contains("\"action_id\":\"complete\"", "\"value\":\"" + task + "\"");
    assertThat(connection.status().lastSync()).isNotNull();
  }

  @Test
  void aSlackOutage_leavesTheRunGoing_andTheMessageArrivesWhenSlackIsBack() {
    Csm csm = csmInSlack("nl-NL");
    postMessageFor(csm.slackUser(), 503, "{\"ok\":false,\"error\":\"service_unavailable\"}");

    healthDrops(csm.customerId());
    urgentTask(csm.customerId());
    await("a failed attempt", () -> !messagesTo(csm.slackUser()).isEmpty());
    // The run went on regardless: its day-1 email went out and it is still running.
    HttpApi.Response run =
        api.await(
            "/api/playbooks/at-risk-" + csm.customerId(),
            WAIT,
            r -> r.body().path("steps").toString().contains("day-1-email"));
    assertThat(run.text("status")).isEqualTo("RUNNING");
    ConnectionStatus down = connection.status();
    assertThat(down.lastError()).contains("chat.postMessage: HTTP 503");

    postMessageFor(csm.slackUser(), 200, posted(csm.slackUser()));
    await(
        "the message after the outage",
        () ->
            SLACK.getAllServeEvents().stream()
                .anyMatch(
                    e ->
                        e.getRequest().getUrl().equals("/api/chat.postMessage")
                            && e.getRequest().getBodyAsString().contains(csm.slackUser())
                            && e.getResponse().getStatus() == 200));
    List<String> messages = messagesTo(csm.slackUser());
    assertThat(messages.getLast())
        .contains("Dringende taak voor Initech")
        .contains(
            "https://retention.example/console/runs/at-risk-" + csm.customerId() + "?lang=nl");
    long delivered =
        SLACK.getAllServeEvents().stream()
            .filter(
                e ->
                    e.getRequest().getUrl().equals("/api/chat.postMessage")
                        && e.getRequest().getBodyAsString().contains(csm.slackUser())
                        && e.getResponse().getStatus() == 200)
            .count();
    assertThat(delivered).isEqualTo(1);
  }

  @Test
  void theButtons_completeAndSnoozeTheTask_asTheCsm_andABadOrStaleSignatureChangesNothing() {
    Csm csm = csmInSlack("en-US");
    postMessageFor(csm.slackUser(), 200, posted(csm.slackUser()));
    String username = "slack-" + csm.id();
    api.createLogin(username, "CSM", csm.id(), csm.email());
    Csm stranger = csmInSlack("en-US");
    api.createLogin("slack-" + stranger.id(), "CSM", stranger.id(), stranger.email());

    healthDrops(csm.customerId());
    long task = urgentTask(csm.customerId());
    HttpApi anonymous = api.anonymous();
    long now = Instant.now().getEpochSecond();

    byte[] complete = form(csm.slackUser(), "complete", task);
    HttpApi.Response unsigned =
        anonymous.send(
            "POST",
            INTERACTIONS,
            Map.of("Content-Type", "application/x-www-form-urlencoded"),
            complete,
            false);
    HttpApi.Response wrong =
        anonymous.send(
            "POST",
            INTERACTIONS,
            headers(now, sign("not-the-secret", now, complete)),
            complete,
            false);
    HttpApi.Response stale =
        anonymous.send(
            "POST",
            INTERACTIONS,
            headers(now - 360, sign(SECRET, now - 360, complete)),
            complete,
            false);
    for (HttpApi.Response refused : List.of(unsigned, wrong, stale)) {
      assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
    }
    assertThat(stale.text("detail")).contains("stale");
    assertThat(taskStatus(csm.customerId(), task)).isEqualTo("OPEN");

    // Signed, but no interaction in it: 400 naming the form field.
    byte[] noPayload = "foo=bar".getBytes(StandardCharsets.UTF_8);
    HttpApi.Response malformed =
        anonymous.send(
            "POST", INTERACTIONS, headers(now, sign(SECRET, now, noPayload)), noPayload, false);
    assertThat(malformed.status()).as(malformed.toString()).isEqualTo(400);
    assertThat(malformed.text("field")).isEqualTo("payload");

    // Another CSM's click: their person may not touch this customer's task.
    byte[] theirs = form(stranger.slackUser(), "complete", task);
    HttpApi.Response refused =
        anonymous.send(
            "POST", INTERACTIONS, headers(now, sign(SECRET, now, theirs)), theirs, false);
    assertThat(refused.status()).isEqualTo(200);
    assertThat(refused.text("status")).isEqualTo("refused");
    assertThat(taskStatus(csm.customerId(), task)).isEqualTo("OPEN");

    byte[] snooze = form(csm.slackUser(), "snooze", task);
    HttpApi.Response snoozed =
        anonymous.send(
            "POST", INTERACTIONS, headers(now, sign(SECRET, now, snooze)), snooze, false);
    assertThat(snoozed.status()).as(snoozed.toString()).isEqualTo(200);
    assertThat(snoozed.text("status")).isEqualTo("snoozed");
    assertThat(
            api.get("/api/tasks?customerId=" + csm.customerId() + "&status=SNOOZED")
                .body()
                .path("items")
                .findValuesAsText("id"))
        .contains(Long.toString(task));

    HttpApi.Response done =
        anonymous.send(
            "POST", INTERACTIONS, headers(now, sign(SECRET, now, complete)), complete, false);
    assertThat(done.status()).as(done.toString()).isEqualTo(200);
    assertThat(done.text("status")).isEqualTo("done");
    assertThat(taskStatus(csm.customerId(), task)).isEqualTo("DONE");
    // The run hears it as it hears the console: the completed task is among its notes.
    JsonNode notes = api.get("/api/playbooks/at-risk-" + csm.customerId()).body().path("notes");
    assertThat(notes.toString())
        .contains("TASK_DONE", "person:" + username, SlackInteractionController.NOTE);

    HttpApi.Response again =
        anonymous.send(
            "POST", INTERACTIONS, headers(now, sign(SECRET, now, complete)), complete, false);
    assertThat(again.text("status")).isEqualTo("closed");
  }

  private String taskStatus(String customerId, long taskId) {
    for (JsonNode task : api.get("/api/customers/" + customerId + "/tasks").body()) {
      if (task.path("id").asLong() == taskId) {
        return task.path("status").asText();
      }
    }
    throw new AssertionError("no task " + taskId);
  }

  /** A block_actions payload as Slack posts it: form-encoded, one field named payload. */
  private static byte[] form(String slackUser, String actionId, long taskId) {
    String payload =
        """
        {"type":"block_actions","team":{"id":"T012AB3C4","domain":"acme"},
         "user":{"id":"%s","username":"petra","team_id":"T012AB3C4"},
         "api_app_id":"A02","token":"legacy-verification-token","trigger_id":"123.456.abc",
         "container":{"type":"message","message_ts":"1503435956.000247","channel_id":"D024BE91L"},
         "channel":{"id":"D024BE91L","name":"directmessage"},
         "response_url":"https://hooks.slack.com/actions/T012AB3C4/1/abc",
         "actions":[{"action_id":"%s","block_id":"task-%d","value":"%d","type":"button",
                     "action_ts":"1548426417.840180","text":{"type":"plain_text","text":"Go"}}]}"""
            .formatted(slackUser, actionId, taskId, taskId);
    return ("payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, String> headers(long timestamp, String signature) {
    return Map.of(
        "Content-Type",
        "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp",
        Long.toString(timestamp),
        "X-Slack-Signature",
        signature);
  }

  /** As Slack signs: v0= hex HMAC-SHA256 of "v0:<timestamp>:<body>" with the signing secret. */
  private static String sign(String secret, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
      return "v0=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
