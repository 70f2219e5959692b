package dev.retention.api.connectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.retention.api.support.ApiTestKeys;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.WithConnectors;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 17's "done when", in one run through the whole app with HubSpot, Slack, a webhook
 * subscriber (local fakes answering as their documentation shows), Segment and Calendly (signed as
 * they sign): a Segment batch moves the customer's health down, which starts the at-risk run; the
 * HubSpot company shows the band and the running playbook, and the day-7 call task reaches it; the
 * CSM's Slack gets that urgent task; completing the task in HubSpot records the call on our run; a
 * Calendly booking stops the emails; every run event reaches the subscriber, signed.
 */
class ConnectedEndToEndTest extends WithConnectors {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(60);

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  @Test
  void segmentDropsHealth_hubspotAndSlackFollow_hubspotCompletesTheCall_calendlyStopsTheEmails()
      throws Exception {
    HttpApi api = new HttpApi(port);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String domain = suffix + ".connected.example";
    String csmEmail = "csm-" + suffix + "@retention.example";
    String slackUser = "U" + suffix.toUpperCase(Locale.ROOT);
    String customer = "cx-" + suffix;
    String company = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000, 9_999_999));
    String hubspotTask = "7" + company;
    fakeHubSpot(company, hubspotTask, csmEmail, domain);
    fakeSlack(csmEmail, slackUser);
    SUBSCRIBER.stubFor(post("/hooks").willReturn(aResponse().withStatus(204)));

    api.put(
        "/api/csms/csm-" + suffix,
        """
        {"name":"Petra %s","email":"%s","managerEmail":"lena@retention.example"}"""
            .formatted(suffix, csmEmail));
    HttpApi.Response created =
        api.put(
            "/api/customers/" + customer,
            """
            {"name":"Globex %s","email":"ops@%s","csmId":"csm-%s","plan":"Growth","mrr":490,
             "planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
                .formatted(suffix, domain, suffix));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    HttpApi.Response subscribed =
        api.post(
            "/api/admin/webhooks/subscriptions",
            "{\"url\":\"%s/hooks\",\"description\":\"connected %s\"}"
                .formatted(SUBSCRIBER.baseUrl(), suffix));
    assertThat(subscribed.status()).as(subscribed.toString()).isEqualTo(201);
    String secret = subscribed.text("secret");
    HttpApi.Response imported = api.call("POST", "/api/connectors/hubspot/import", null);
    assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
    assertThat(imported.body().path("customersMatched").asInt()).isGreaterThanOrEqualTo(1);

    // A healthy start, from the backend's metrics.
    HttpApi.Response baseline =
        api.post("/api/customers/" + customer + "/metrics", HttpApi.metrics(60, 6, "NEUTRAL"));
    assertThat(baseline.status()).as(baseline.toString()).isLessThan(300);
    int before = baseline.body().path("score").asInt();
    assertThat(baseline.text("band")).as(baseline.toString()).isIn("NEUTRAL", "HEALTHY");

    // The product's events say the customer barely uses it: a Segment batch moves the health.
    List<String> events = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      events.add(
          """
          {"type":"track","event":"Query Run","userId":"u-%s","context":{"groupId":"%s"},
           "messageId":"%s","timestamp":"%s"}"""
              .formatted(suffix, customer, UUID.randomUUID(), Instant.now()));
    }
    HttpApi.Response batch =
        api.anonymous()
            .post(
                "/api/segment/v1/batch",
                "{\"batch\":[" + String.join(",", events) + "]}",
                Map.of(
                    "Authorization",
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(
                                (ApiTestKeys.SEGMENT_WRITE_KEY + ":")
                                    .getBytes(StandardCharsets.UTF_8))));
    assertThat(batch.status()).as(batch.toString()).isEqualTo(200);
    assertThat(batch.body().path("accepted").asInt()).isEqualTo(3);
    var unused =
        api.await(
            "/api/playbooks/at-risk-" + customer,
            WAIT,
            r -> r.status() == 200 && "RUNNING".equals(r.text("status")));
    JsonNode health = api.get("/api/customers/" + customer).body().path("health");
    assertThat(health.path("score").asInt()).isLessThan(before);
    assertThat(health.path("band").asText()).isIn("AT_RISK", "CRITICAL");

    // HubSpot: the company's band and running playbook, then the day-7 call task on the company
    // (Temporal's clock skipped to day 7 on the embedded runtime).
    clock()
        .passUntil(
            api,
            "/api/customers/" + customer + "/tasks",
            Duration.ofSeconds(1),
            WAIT,
            r -> r.body().toString().contains("day-7-call-task"));
    await(
        "the company's band in HubSpot",
        () ->
            !HUBSPOT
                .findAll(
                    patchRequestedFor(urlEqualTo("/crm/v3/objects/companies/" + company))
                        .withRequestBody(
                            matchingJsonPath(
                                "$.properties.retention_health_band", matching("AT_RISK|CRITICAL")))
                        .withRequestBody(
                            matchingJsonPath(
                                "$.properties.retention_running_playbook", containing("at-risk"))))
                .isEmpty());
    await(
        "the day-7 call task in HubSpot",
        () ->
            !HUBSPOT
                .findAll(
                    postRequestedFor(urlEqualTo("/crm/v3/objects/tasks"))
                        .withRequestBody(
                            matchingJsonPath(
                                "$.properties.retention_step_key", containing("/day-7-call-task"))))
                .isEmpty());
    assertThat(
            HUBSPOT.findAll(
                postRequestedFor(urlEqualTo("/crm/v3/objects/tasks"))
                    .withRequestBody(
                        matchingJsonPath(
                            "$.properties.retention_step_key", containing("/day-7-call-task")))))
        .hasSize(1);

    // Slack: the CSM's direct message about the call task, with a link to the console.
    await("the CSM's Slack message", () -> !slackMessagesTo(slackUser).isEmpty());
    assertThat(String.join("\n", slackMessagesTo(slackUser)))
        .contains("https://retention.example/console/");

    // Completing the task in HubSpot records the call on our run.
    awaitTaskSent(hubspotTask);
    String body =
        """
        [{"eventId":1,"subscriptionId":2,"portalId":62515,"appId":3,"occurredAt":%d,
          "subscriptionType":"object.propertyChange","attemptNumber":0,"objectId":%s,
          "objectTypeId":"0-27","propertyName":"hs_task_status","propertyValue":"COMPLETED",
          "changeSource":"CRM_UI"}]"""
            .formatted(System.currentTimeMillis(), hubspotTask);
    String timestamp = Long.toString(Instant.now().toEpochMilli());
    HttpApi.Response delivered =
        api.anonymous()
            .post(
                "/api/webhooks/hubspot",
                body,
                Map.of(
                    "X-HubSpot-Signature-v3",
                    hubspotSignature(body, timestamp),
                    "X-HubSpot-Request-Timestamp",
                    timestamp));
    assertThat(delivered.status()).as(delivered.toString()).isEqualTo(200);
    assertThat(delivered.body().path("completed").asInt()).isEqualTo(1);
    api.await(
        "/api/playbooks/at-risk-" + customer,
        WAIT,
        r -> r.body().path("steps").toString().contains("\"call-completed\""));

    // A meeting booked in Calendly by someone at the customer's domain stops the emails.
    byte[] booking = calendlyBooking("bob@" + domain);
    String t = String.valueOf(Instant.now().getEpochSecond());
    HttpApi.Response booked =
        api.anonymous()
            .post(
                "/api/webhooks/calendly",
                new String(booking, StandardCharsets.UTF_8),
                Map.of(
                    "Calendly-Webhook-Signature",
                    "t=" + t + ",v1=" + calendlySignature(t, booking)));
    assertThat(booked.status()).as(booked.toString()).isEqualTo(202);
    assertThat(booked.text("status")).isEqualTo("matched");
    HttpApi.Response handedOver =
        api.await(
            "/api/playbooks/at-risk-" + customer,
            WAIT,
            r -> r.body().path("customerResponded").asBoolean());
    assertThat(handedOver.text("status")).isEqualTo("RUNNING");
    // Past day 14 (a day is 2 s here, skipped on the embedded runtime): no day-14 email went out.
    clock().pass(Duration.ofSeconds(16));
    List<String> emails = new ArrayList<>();
    for (JsonNode c : api.get("/api/customers/" + customer + "/communications").body()) {
      emails.add(c.path("step").asText());
    }
    assertThat(emails).doesNotContain("day-14-email");

    // The run's outcome comes at its decision deadline, 14 of its days after the booking: on
    // Temporal's clock (skipped on the embedded runtime) rather than waited out.
    clock()
        .passUntil(
            api,
            "/api/playbooks/at-risk-" + customer,
            Duration.ofSeconds(1),
            WAIT,
            r -> !r.body().path("outcome").isNull() && !r.body().path("outcome").isMissingNode());

    // Every run event reached the subscriber, each signed with the subscription's secret.
    await(
        "the run's events at the subscriber",
        () ->
            received(customer)
                .containsAll(
                    List.of(
                        "run.started",
                        "run.step_completed",
                        "email.sent",
                        "task.created",
                        "task.completed",
                        "run.outcome_recorded")));
    for (LoggedRequest request : SUBSCRIBER.findAll(postRequestedFor(urlEqualTo("/hooks")))) {
      String id = request.getHeader("webhook-id");
      String at = request.getHeader("webhook-timestamp");
      assertThat(request.getHeader("webhook-signature"))
          .isEqualTo(
              "v1," + webhookSignature(secret, id + "." + at + "." + request.getBodyAsString()));
    }
  }

  // ---- the fakes ------------------------------------------------------------------------------

  private static void fakeHubSpot(String company, String task, String csmEmail, String domain) {
    HUBSPOT.stubFor(
        get(urlPathMatching("/crm/v3/properties/.*"))
            .willReturn(okJson("{\"name\":\"exists\",\"type\":\"string\"}")));
    HUBSPOT.stubFor(
        post(urlPathMatching("/crm/v3/objects/(tasks|notes)/search"))
            .willReturn(okJson("{\"total\":0,\"results\":[]}")));
    HUBSPOT.stubFor(
        post(urlPathEqualTo("/crm/v3/objects/notes"))
            .willReturn(aResponse().withStatus(201).withBody("{\"id\":\"1\"}")));
    HUBSPOT.stubFor(
        patch(urlPathMatching("/crm/v3/objects/companies/.*")).willReturn(okJson("{}")));
    HUBSPOT.stubFor(
        get(urlPathEqualTo("/crm/v3/owners"))
            .willReturn(
                okJson(
                    "{\"results\":[{\"id\":\"4%s\",\"email\":\"%s\"}]}"
                        .formatted(company, csmEmail))));
    HUBSPOT.stubFor(
        get(urlPathEqualTo("/crm/v3/objects/companies"))
            .willReturn(
                okJson(
                    "{\"results\":[{\"id\":\"%s\",\"properties\":{\"domain\":\"%s\"}}]}"
                        .formatted(company, domain))));
    // The run's other tasks (a health-drop alert, say) get ids of their own.
    HUBSPOT.stubFor(
        post(urlPathEqualTo("/crm/v3/objects/tasks"))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"id\":\"9%s\"}".formatted(company))));
    HUBSPOT.stubFor(
        post(urlPathEqualTo("/crm/v3/objects/tasks"))
            .withRequestBody(
                matchingJsonPath("$.properties.retention_step_key", containing("/day-7-call-task")))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"id\":\"%s\"}".formatted(task))));
  }

  private static void fakeSlack(String email, String slackUser) {
    SLACK.stubFor(
        post("/api/users.lookupByEmail")
            .withRequestBody(containing(URLEncoder.encode(email, StandardCharsets.UTF_8)))
            .willReturn(
                okJson(
                    """
                    {"ok":true,"user":{"id":"%s","name":"petra","deleted":false,
                     "is_bot":false,"profile":{"email":"%s"}}}"""
                        .formatted(slackUser, email))));
    SLACK.stubFor(
        post("/api/users.info")
            .willReturn(
                okJson(
                    """
                    {"ok":true,"user":{"id":"%s","deleted":false,"locale":"en-US",
                     "profile":{"email":"%s"}}}"""
                        .formatted(slackUser, email))));
    SLACK.stubFor(
        post("/api/chat.postMessage")
            .willReturn(
                okJson(
                    "{\"ok\":true,\"channel\":\"%s\",\"ts\":\"1503435956.000247\"}"
                        .formatted(slackUser))));
  }

  private static List<String> slackMessagesTo(String slackUser) {
    return SLACK.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))).stream()
        .map(r -> URLDecoder.decode(r.getBodyAsString(), StandardCharsets.UTF_8))
        .filter(b -> b.contains("channel=" + slackUser))
        .toList();
  }

  private static List<String> received(String customer) {
    List<String> types = new ArrayList<>();
    for (LoggedRequest request : SUBSCRIBER.findAll(postRequestedFor(urlEqualTo("/hooks")))) {
      try {
        JsonNode event = JSON.readTree(request.getBodyAsString());
        if (customer.equals(event.path("data").path("customerId").asText())) {
          types.add(event.path("type").asText());
        }
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    }
    return types;
  }

  /**
   * Waits until our outbox has marked the day-7 task sent with HubSpot's id for it: only then is a
   * completion of that HubSpot task ours.
   */
  private void awaitTaskSent(String hubspotTask) {
    await(
        "our day-7 task marked sent to HubSpot",
        () ->
            jdbc.sql(
                        "select count(*) from hubspot_outbox where kind = 'TASK'"
                            + " and status = 'SENT' and hubspot_id = :h")
                    .param("h", hubspotTask)
                    .query(Integer.class)
                    .single()
                > 0);
  }

  private static void await(String what, BooleanSupplier done) {
    Instant until = Instant.now().plus(WAIT);
    while (!done.getAsBoolean()) {
      assertThat(Instant.now()).as(what).isBefore(until);
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  // ---- signatures, as each sender computes them -----------------------------------------------

  private static String hubspotSignature(String body, String timestamp) throws Exception {
    return Base64.getEncoder()
        .encodeToString(
            hmac(
                HUBSPOT_SECRET.getBytes(StandardCharsets.UTF_8),
                "POST" + HUBSPOT_WEBHOOK + body + timestamp));
  }

  private static String calendlySignature(String t, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(
        new SecretKeySpec(
            ApiTestKeys.CALENDLY_SIGNING_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(mac.doFinal(body));
  }

  private static String webhookSignature(String secret, String signed) throws Exception {
    return Base64.getEncoder()
        .encodeToString(
            hmac(Base64.getDecoder().decode(secret.substring("whsec_".length())), signed));
  }

  private static byte[] hmac(byte[] key, String text) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] calendlyBooking(String email) {
    String uri =
        "https://api.calendly.com/scheduled_events/"
            + UUID.randomUUID()
            + "/invitees/"
            + UUID.randomUUID();
    Instant now = Instant.now();
    return """
        {"created_at":"%s","event":"invitee.created",
         "payload":{"created_at":"%s","email":"%s","name":"Bob","status":"active",
          "timezone":"Europe/Amsterdam","uri":"%s"}}"""
        .formatted(now, now, email, uri)
        .getBytes(StandardCharsets.UTF_8);
  }
}
