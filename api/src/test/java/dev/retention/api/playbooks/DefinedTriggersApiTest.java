package dev.retention.api.playbooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A playbook a CS lead defines starts by the trigger its definition names, with no Java: a
 * condition over the customer's facts when it comes to hold, a health band when the score enters
 * it; only the crossing starts a run.
 */
@ApiTest
class DefinedTriggersApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;
  HttpApi api;

  @BeforeEach
  void setUp() {
    api = new HttpApi(port);
  }

  /** The trial playbook's file under {@code id} with {@code trigger}, stored and published. */
  private void publish(String id, String trigger) throws Exception {
    publish(id, trigger, "");
  }

  private void publish(String id, String trigger, String entry) throws Exception {
    publishVersion(id, trigger, entry, 1);
  }

  private void publishVersion(String id, String trigger, String entry, int version)
      throws Exception {
    String yaml;
    try (InputStream in = getClass().getResourceAsStream("/playbooks/trial-conversion.yaml")) {
      yaml =
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .replace("id: trial-conversion", "id: " + id)
              .replace("trigger: {kind: event, event: trial-started}", "trigger: " + trigger)
              .replace("entry:\n", "entry:\n" + entry);
    }
    Response draft =
        api.post(
            "/api/playbook-definitions/" + id + "/versions",
            JSON.writeValueAsString(Map.of("yaml", yaml, "note", "a team's own")));
    assertThat(draft.status()).as(draft.toString()).isEqualTo(201);
    assertThat(draft.body().path("version").asInt()).isEqualTo(version);
    assertThat(
            api.post(
                    "/api/playbook-definitions/" + id + "/versions/" + version + "/publish",
                    "{\"note\":\"live\"}")
                .status())
        .isEqualTo(200);
  }

  /** A customer of their own CSM on {@code plan}. */
  private String customerOn(String plan) {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    api.put(
        "/api/csms/csm-" + suffix,
        "{\"name\":\"Sam Berg\",\"email\":\"sam@example.com\",\"managerEmail\":\"lena@example.com\"}");
    String customer = "cond-" + suffix;
    Response created =
        api.put(
            "/api/customers/" + customer,
            """
            {"name":"Hooli","email":"ops-%s@hooli.example","csmId":"csm-%s","plan":"%s",
             "mrr":900,"planUsageLimit":1000,"timezone":"Europe/Amsterdam","locale":"en"}"""
                .formatted(suffix, suffix, plan));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return customer;
  }

  private static String metrics(double planUsage) {
    return """
        {"queriesPerWeek":60,"featuresUsed":5,"loginsPerWeek":6,"emailOpenRate":0.6,
         "openTickets":0,"sentiment":"POSITIVE","planUsage":%s}"""
        .formatted(planUsage);
  }

  @Test
  void aConditionOverTheCustomersFacts_startsTheRunWhenItComesToHold_once() throws Exception {
    String id = "usage-" + UUID.randomUUID().toString().substring(0, 8);
    // On a plan only this test's customer has: no other test's customer can meet it.
    String plan = "Scale-" + id;
    publish(id, "{kind: condition, condition: \"planUsage >= 0.95 && plan == '" + plan + "'\"}");
    String customer = customerOn(plan);
    String workflowId = id + "-" + customer;

    assertThat(api.post("/api/customers/" + customer + "/metrics", metrics(0.5)).status())
        .isEqualTo(200);
    assertThat(api.get("/api/playbooks/" + workflowId).status()).isEqualTo(404);

    Response crossed = api.post("/api/customers/" + customer + "/metrics", metrics(0.97));
    assertThat(crossed.body().path("workflowsInformed").toString()).contains(workflowId);
    Response run = api.get("/api/playbooks/" + workflowId);
    assertThat(run.status()).isEqualTo(200);
    assertThat(run.text("playbook")).isEqualTo(id);
    String runId = run.text("runId");

    // Still above: not a crossing, so no second run.
    api.post("/api/customers/" + customer + "/metrics", metrics(0.99));
    assertThat(api.get("/api/playbooks/" + workflowId).text("runId")).isEqualTo(runId);
  }

  @Test
  void aHealthBandTrigger_startsTheRunWhenTheScoreEntersTheBand() throws Exception {
    String id = "band-" + UUID.randomUUID().toString().substring(0, 8);
    publish(id, "{kind: health-band, band: HEALTHY}");
    String customer = api.newCustomer("band");
    try {
      Response healthy = api.post("/api/customers/" + customer + "/metrics", metrics(0.3));
      assertThat(healthy.text("band")).isEqualTo("HEALTHY");
      assertThat(healthy.body().path("workflowsInformed").toString()).contains(id + "-" + customer);
      assertThat(api.get("/api/playbooks/" + id + "-" + customer).text("status"))
          .isEqualTo("RUNNING");
    } finally {
      // Every other test's customers share this app: from now on it starts only by hand.
      publishVersion(id, "{kind: manual}", "", 2);
    }
  }

  @Test
  void aCoolDown_keepsARunThatJustClosedFromStartingAgain() throws Exception {
    String id = "cool-" + UUID.randomUUID().toString().substring(0, 8);
    String event = id + "-started";
    // 30 playbook days: a minute of the tests' two-second days.
    publish(id, "{kind: event, event: " + event + "}", "  cooldown: P30D\n");
    String customer = api.newCustomer("cool");
    String workflowId = id + "-" + customer;
    String body = "{\"customerId\":\"%s\"}".formatted(customer);

    assertThat(api.post("/api/events/" + event, body).status()).isEqualTo(202);
    assertThat(api.delete("/api/playbooks/" + workflowId).status()).isEqualTo(202);
    api.await(
        "/api/playbooks/" + workflowId,
        java.time.Duration.ofSeconds(20),
        r -> "CANCELLED".equals(r.text("status")));

    Response again = api.post("/api/events/" + event, body);
    assertThat(again.status()).as(again.toString()).isEqualTo(409);
    assertThat(again.toString()).contains("cool-down P30D").contains("startsAgainFrom");
    Response byHand =
        api.post(
            "/api/playbooks",
            "{\"playbook\":\"%s\",\"customerId\":\"%s\"}".formatted(id, customer));
    assertThat(byHand.status()).isEqualTo(409);
  }

  @Test
  void aConditionOnAnUnknownFact_isRefusedWithItsPlace() throws Exception {
    String id = "bad-" + UUID.randomUUID().toString().substring(0, 8);
    String yaml;
    try (InputStream in = getClass().getResourceAsStream("/playbooks/trial-conversion.yaml")) {
      yaml =
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .replace("id: trial-conversion", "id: " + id)
              .replace(
                  "trigger: {kind: event, event: trial-started}",
                  "trigger: {kind: condition, condition: \"seats > 10\"}");
    }
    Response refused =
        api.post(
            "/api/playbook-definitions/" + id + "/versions",
            JSON.writeValueAsString(Map.of("yaml", yaml, "note", "x")));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.toString()).contains("/trigger/condition").contains("seats");
  }
}
