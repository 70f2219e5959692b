package dev.retention.api.connectors.hubspot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
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
import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.activities.connectors.hubspot.HubSpotPoller;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.WithConnectors;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * HubSpot as the team's CRM, through the whole app against a local fake of HubSpot's API: the
 * import maps the customer's company, the at-risk run's day-7 call task becomes a HubSpot task on
 * it, and completing that task in HubSpot (a signed webhook, or polling) completes ours and shows
 * on the run, as completing it in the console does. Unsigned, wrongly signed or stale webhooks are
 * refused and change nothing.
 */
class HubSpotApiTest extends WithConnectors {

  static final String SECRET = HUBSPOT_SECRET;
  static final String WEBHOOK_URL = HUBSPOT_WEBHOOK;

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  @Autowired HubSpotPoller poller;
  HttpApi api;

  @BeforeEach
  void setUp() {
    api = new HttpApi(port);
    HUBSPOT.resetAll();
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
  }

  record Connected(String customerId, String companyId, String hubspotTaskId, long taskId) {}

  /**
   * A customer at a domain of its own, imported (its company mapped by domain), on an at-risk run
   * whose day-7 call task reached HubSpot.
   */
  Connected connectedCustomerWithDaySevenTask() throws InterruptedException {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String domain = suffix + ".hubspot.example";
    String csmEmail = "csm-" + suffix + "@retention.example";
    String customerId = "hs-" + suffix;
    api.put(
        "/api/csms/csm-" + suffix,
        """
        {"name":"Petra de Vries","email":"%s","managerEmail":"lena@retention.example"}"""
            .formatted(csmEmail));
    HttpApi.Response created =
        api.put(
            "/api/customers/" + customerId,
            """
            {"name":"Globex","email":"ops@%s","csmId":"csm-%s","plan":"Growth","mrr":490,
             "planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
                .formatted(domain, suffix));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String company = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000, 9_999_999));
    String hubspotTask = "7" + company;
    String owner = "4" + company;
    HUBSPOT.stubFor(
        get(urlPathEqualTo("/crm/v3/owners"))
            .willReturn(
                okJson(
                    "{\"results\":[{\"id\":\"%s\",\"email\":\"%s\"}]}"
                        .formatted(owner, csmEmail.toUpperCase(java.util.Locale.ROOT)))));
    HUBSPOT.stubFor(
        get(urlPathEqualTo("/crm/v3/objects/companies"))
            .willReturn(
                okJson(
                    "{\"results\":[{\"id\":\"%s\",\"properties\":{\"domain\":\"www.%s\"}}]}"
                        .formatted(company, domain))));
    HUBSPOT.stubFor(
        post(urlPathEqualTo("/crm/v3/objects/tasks"))
            .withRequestBody(matchingJsonPath("$.associations[0].to.id", equalTo(company)))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"id\":\"%s\"}".formatted(hubspotTask))));

    HttpApi.Response imported = api.call("POST", "/api/connectors/hubspot/import", null);
    assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
    assertThat(imported.body().path("customersMatched").asInt()).isEqualTo(1);
    assertThat(imported.body().path("ownersMatched").asInt()).isGreaterThanOrEqualTo(1);

    // A health drop starts the at-risk run.
    HttpApi.Response scored =
        api.post("/api/customers/" + customerId + "/metrics", HttpApi.metrics(3, 0, "NEGATIVE"));
    assertThat(scored.status()).as(scored.toString()).isLessThan(300);
    assertThat(api.get("/api/playbooks/at-risk-" + customerId).text("status")).isEqualTo("RUNNING");
    // Day 7, on Temporal's clock (skipped on the embedded runtime).
    HttpApi.Response tasks =
        clock()
            .passUntil(
                api,
                "/api/tasks?customerId=" + customerId,
                Duration.ofSeconds(1),
                Duration.ofSeconds(40),
                r -> r.body().toString().contains("day-7-call-task"));
    long taskId = -1;
    for (JsonNode t : tasks.body().path("items")) {
      if ("day-7-call-task".equals(t.path("step").asText())) {
        taskId = t.path("id").asLong();
      }
    }
    Instant deadline = Instant.now().plusSeconds(20);
    while (jdbc.sql(
                "select count(*) from hubspot_outbox where ref_id = :t and kind = 'TASK'"
                    + " and status = 'SENT' and hubspot_id = :h")
            .param("t", taskId)
            .param("h", hubspotTask)
            .query(Integer.class)
            .single()
        == 0) {
      assertThat(Instant.now()).as("the task reached HubSpot in time").isBefore(deadline);
      Thread.sleep(200);
    }
    HUBSPOT.verify(
        1,
        postRequestedFor(urlEqualTo("/crm/v3/objects/tasks"))
            .withRequestBody(matchingJsonPath("$.associations[0].to.id", equalTo(company)))
            .withRequestBody(matchingJsonPath("$.properties.hubspot_owner_id", equalTo(owner)))
            .withRequestBody(
                matchingJsonPath(
                    "$.properties.retention_step_key",
                    equalTo(runId(customerId) + "/day-7-call-task"))));
    // The company shows the band and the running playbook.
    Instant until = Instant.now().plusSeconds(20);
    while (HUBSPOT
        .findAll(
            patchRequestedFor(urlEqualTo("/crm/v3/objects/companies/" + company))
                .withRequestBody(
                    matchingJsonPath("$.properties.retention_health_band", matching("[A-Z_]+")))
                .withRequestBody(
                    matchingJsonPath(
                        "$.properties.retention_running_playbook", containing("at-risk"))))
        .isEmpty()) {
      assertThat(Instant.now()).as("the company's properties were written").isBefore(until);
      Thread.sleep(200);
    }
    return new Connected(customerId, company, hubspotTask, taskId);
  }

  String runId(String customerId) {
    return api.get("/api/playbooks/at-risk-" + customerId).text("runId");
  }

  static String completedEvent(String hubspotTaskId) {
    return """
        [{"eventId":1001,"subscriptionId":2001,"portalId":62515,"appId":3001,
          "occurredAt":%d,"subscriptionType":"object.propertyChange","attemptNumber":0,
          "objectId":%s,"objectTypeId":"0-27","propertyName":"hs_task_status",
          "propertyValue":"COMPLETED","changeSource":"CRM_UI"}]"""
        .formatted(System.currentTimeMillis(), hubspotTaskId);
  }

  static String sign(String body, String timestamp) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] digest =
        mac.doFinal(("POST" + WEBHOOK_URL + body + timestamp).getBytes(StandardCharsets.UTF_8));
    return Base64.getEncoder().encodeToString(digest);
  }

  HttpApi.Response deliver(String body, String timestamp, String signature) {
    return api.anonymous()
        .post(
            "/api/webhooks/hubspot",
            body,
            Map.of("X-HubSpot-Signature-v3", signature, "X-HubSpot-Request-Timestamp", timestamp));
  }

  String taskStatus(Connected c) {
    for (JsonNode t : api.get("/api/customers/" + c.customerId() + "/tasks").body()) {
      if (t.path("id").asLong() == c.taskId()) {
        return t.path("status").asText();
      }
    }
    return null;
  }

  void assertTheRunHeardIt(Connected c) {
    // The call task's work is the call: completing it records CALL_COMPLETED on the run.
    HttpApi.Response run =
        api.await(
            "/api/playbooks/at-risk-" + c.customerId(),
            Duration.ofSeconds(20),
            r -> r.body().path("steps").toString().contains("\"call-completed\""));
    assertThat(run.body().path("notes").toString())
        .contains("TASK_DONE")
        .contains("day-7-call-task")
        .contains("Completed in HubSpot");
  }

  @Test
  void aSignedWebhook_completesOurTask_andTheRunHearsIt_badOrStaleSignaturesChangeNothing()
      throws Exception {
    Connected c = connectedCustomerWithDaySevenTask();
    String body = completedEvent(c.hubspotTaskId());
    String now = Long.toString(Instant.now().toEpochMilli());

    HttpApi.Response unsigned = deliver(body, now, "");
    assertProblem(unsigned, 401, null, "X-HubSpot-Signature-v3");
    HttpApi.Response wrong = deliver(body, now, sign(body.replace("COMPLETED", "DEFERRED"), now));
    assertProblem(wrong, 401, null, "does not match");
    String stale = Long.toString(Instant.now().minus(Duration.ofMinutes(6)).toEpochMilli());
    HttpApi.Response old = deliver(body, stale, sign(body, stale));
    assertProblem(old, 401, null, "more than 5 minutes old");
    assertThat(taskStatus(c)).as("refused deliveries change nothing").isEqualTo("OPEN");

    HttpApi.Response accepted = deliver(body, now, sign(body, now));

    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
    assertThat(accepted.body().path("completed").asInt()).isEqualTo(1);
    assertThat(taskStatus(c)).isEqualTo("DONE");
    assertTheRunHeardIt(c);
    HttpApi.Response again = deliver(body, now, sign(body, now));
    assertThat(again.body().path("alreadyClosed").asInt()).as("HubSpot retried").isEqualTo(1);
  }

  @Test
  void polling_findsTheTaskCompletedInHubSpot_completesOurs_andTheRunHearsIt()
      throws InterruptedException {
    Connected c = connectedCustomerWithDaySevenTask();
    HUBSPOT.stubFor(
        post(urlPathEqualTo("/crm/v3/objects/tasks/search"))
            .withRequestBody(
                matchingJsonPath("$.filterGroups[0].filters[1].value", equalTo("COMPLETED")))
            .willReturn(
                okJson(
                    """
                    {"total":1,"results":[{"id":"%s","properties":{
                      "hs_task_status":"COMPLETED",
                      "hs_lastmodifieddate":"%s"}}]}"""
                        .formatted(c.hubspotTaskId(), Instant.now()))));

    assertThat(poller.poll()).isEqualTo(1);

    assertThat(taskStatus(c)).isEqualTo("DONE");
    assertTheRunHeardIt(c);
  }
}
