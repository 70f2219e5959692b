package dev.retention.api.playbooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The sixth playbook, trial conversion, which exists only as a shipped definition, through the HTTP
 * API as a backend uses it: the event its definition names starts it, the customer's measured usage
 * picks its check-in, an upgrade ends it, the reports count it; by hand and in a dry-run like the
 * built-in five.
 */
@ApiTest
class TrialConversionApiTest {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  HttpApi api;

  @BeforeEach
  void setUp() {
    api = new HttpApi(port);
  }

  @Test
  void theTrialStartedEvent_startsTheRun_usageChoosesTheCheckIn_anUpgradeEndsItUpgraded() {
    String customer = api.newCustomer("trial");
    // Logged in twice, eight questions this week: medium usage.
    assertThat(
            api.post("/api/customers/" + customer + "/metrics", HttpApi.metrics(8, 2, "POSITIVE"))
                .status())
        .isEqualTo(200);

    Response started =
        api.post("/api/events/trial-started", "{\"customerId\":\"%s\"}".formatted(customer));
    String workflowId = "trial-conversion-" + customer;
    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    assertThat(started.body().path("started").toString()).contains(workflowId);
    // Sent again while it runs: answered with the running run, not started twice.
    Response again =
        api.post("/api/events/trial-started", "{\"customerId\":\"%s\"}".formatted(customer));
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.body().path("workflowIds").toString()).contains(workflowId);
    assertThat(again.body().path("started")).isEmpty();

    Response run = api.get("/api/playbooks/" + workflowId);
    assertThat(run.text("playbook")).isEqualTo("trial-conversion");
    assertThat(run.body().path("playbookVersion").asInt()).isEqualTo(1);
    assertThat(run.text("stage")).isEqualTo("TRIAL");

    // Day 3 comes after 4 s of two-second days.
    api.await(
        "/api/playbooks/" + workflowId,
        Duration.ofSeconds(30),
        r -> r.body().path("steps").toString().contains("\"day-3-check-in\""));
    Response communications = api.get("/api/customers/" + customer + "/communications");
    assertThat(templates(communications))
        .contains("trial-conversion/welcome", "trial-conversion/check-in-medium");

    Response upgraded =
        api.post(
            "/api/events/upgraded", "{\"customerId\":\"%s\",\"plan\":\"Pro\"}".formatted(customer));
    assertThat(upgraded.body().path("workflowIds").toString()).contains(workflowId);
    Response closed =
        api.await(
            "/api/playbooks/" + workflowId,
            Duration.ofSeconds(30),
            r -> "COMPLETED".equals(r.text("status")));
    assertThat(closed.text("outcome")).isEqualTo("UPGRADED");

    Response reports = api.get("/api/reports/playbooks");
    JsonNode trial = null;
    for (JsonNode playbook : reports.body().path("playbooks")) {
      if ("trial-conversion".equals(playbook.path("playbook").asText())) {
        trial = playbook;
      }
    }
    assertThat(trial).as(reports.toString()).isNotNull();
    assertThat(trial.path("outcomes").path("UPGRADED").asLong()).isPositive();
    assertThat(trial.path("upgradeRate").isNumber()).isTrue();
  }

  @Test
  void byHand_likeTheBuiltInOnes_andInTheListOfPlaybooks() {
    String customer = api.newCustomer("trial");
    Response started =
        api.post(
            "/api/playbooks",
            "{\"playbook\":\"trial-conversion\",\"customerId\":\"%s\"}".formatted(customer));
    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    assertThat(started.text("workflowId")).isEqualTo("trial-conversion-" + customer);

    Response listed = api.get("/api/playbooks?playbook=trial-conversion&customerId=" + customer);
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.body().toString()).contains("trial-conversion-" + customer);

    // A CSM outcome the definition allows only once the offer went out is refused with why.
    Response early =
        api.post(
            "/api/playbooks/trial-conversion-" + customer + "/outcomes",
            "{\"type\":\"OUTREACH_DONE\"}");
    assertThat(early.status()).isEqualTo(400);
    assertThat(early.toString()).contains("type");
  }

  @Test
  void anEventNoPlaybookStartsOn_isRefusedNamingTheField_andStartsNothing() {
    String customer = api.newCustomer("trial");
    Response refused =
        api.post("/api/events/webinar-attended", "{\"customerId\":\"%s\"}".formatted(customer));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.toString()).contains("event").contains("trial-started");
    long runs =
        jdbc.sql("select count(*) from playbook_runs where customer_id = :c")
            .param("c", customer)
            .query(Long.class)
            .single();
    assertThat(runs).isZero();

    Response unknownPlaybook =
        api.post(
            "/api/playbooks",
            "{\"playbook\":\"trial-convert\",\"customerId\":\"%s\"}".formatted(customer));
    assertThat(unknownPlaybook.status()).isEqualTo(400);
    assertThat(unknownPlaybook.toString()).contains("trial-conversion");
  }

  @Test
  void aDryRun_showsTheTrialForTheCustomer_offerByEngagement_thenTheTrialsEnd() {
    String customer = api.newCustomer("trial");
    // Logged in, forty questions: high usage and high engagement.
    api.post("/api/customers/" + customer + "/metrics", HttpApi.metrics(40, 5, "POSITIVE"));

    Response run =
        api.post(
            "/api/playbooks/dry-run",
            "{\"playbook\":\"trial-conversion\",\"customerId\":\"%s\"}".formatted(customer));

    assertThat(run.status()).as(run.toString()).isEqualTo(200);
    assertThat(run.text("outcome")).isEqualTo("TRIAL_EXPIRED");
    List<String> emailSteps = new ArrayList<>();
    for (JsonNode entry : run.body().path("entries")) {
      if ("EMAIL".equals(entry.path("kind").asText())) {
        emailSteps.add(
            entry.path("step").asText() + "=" + entry.path("email").path("template").asText());
      }
    }
    assertThat(emailSteps)
        .containsExactly(
            "day-1-welcome-email=trial-conversion/welcome",
            "day-3-check-in=trial-conversion/check-in-high",
            "day-6-offer=trial-conversion/offer-high");
    long runs =
        jdbc.sql(
                "select count(*) from playbook_runs where customer_id = :c"
                    + " and playbook = 'trial-conversion'")
            .param("c", customer)
            .query(Long.class)
            .single();
    assertThat(runs).as("a dry-run starts no run").isZero();
  }

  private static List<String> templates(Response communications) {
    List<String> templates = new ArrayList<>();
    for (JsonNode email : communications.body()) {
      templates.add(email.path("template").asText());
    }
    return templates;
  }
}
