package dev.retention.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The other playbooks end to end over HTTP on a real clock with a two-second day: an NPS detractor
 * escalates after one day without outreach; a cancellation supersedes the at-risk run, returns its
 * deadline and is saved by an accepted offer; metrics start expansion; onboarding milestones move
 * the run and show in the report. Runs on the embedded runtime, or against a real Temporal server
 * when TEMPORAL_ADDRESS is set (see .ci/run).
 */
@ApiTest
class PlaybooksEndToEndTest {

  static final Duration WAIT = Duration.ofSeconds(30);

  @LocalServerPort int port;
  HttpApi api;

  @BeforeEach
  void setUp() {
    api = new HttpApi(port);
  }

  @Test
  void npsDetractor_getsAnUrgentTaskAndAlertAtOnce_andEscalatesAfterOneDay() {
    String customer = api.newCustomer("detractor");
    Response answered =
        api.post(
            "/api/events/nps",
            """
            {"customerId":"%s","score":3,"comment":"Too slow"}"""
                .formatted(customer));
    assertThat(answered.status()).isEqualTo(202);
    String id = "nps-follow-up-" + customer;
    assertThat(answered.body().path("workflowIds").get(0).asText()).isEqualTo(id);

    Response atOnce = api.await("/api/playbooks/" + id, WAIT, r -> steps(r).size() >= 2);
    assertThat(steps(atOnce)).startsWith("detractor-task:TASK_CREATED", "csm-alert:SENT");
    assertThat(api.get("/api/customers/" + customer + "/tasks").body().toString())
        .contains("URGENT");
    assertThat(api.get("/api/customers/" + customer + "/communications").body().toString())
        .contains("petra@example.com")
        .contains("nps-follow-up/detractor-alert");

    Response escalated =
        api.await("/api/playbooks/" + id, WAIT, r -> steps(r).contains("manager-alert:SENT"));
    assertThat(steps(escalated)).contains("outreach-sla-escalation:ESCALATED");
    assertThat(escalated.body().path("facts").path("escalated").asText()).isEqualTo("true");
    assertThat(api.get("/api/customers/" + customer + "/tasks").body().toString())
        .contains("lena@example.com");

    outcome(id, "OUTREACH_DONE", null, 200);
    outcome(id, "RESOLVED", null, 400);
    outcome(id, "CALL_COMPLETED", "walked through the slow dashboards", 200);
    outcome(id, "RECOVERY_PLAN", "dedicated index, weekly check-in", 200);
    Response resolved = outcome(id, "RESOLVED", "fast again", 200);
    assertThat(resolved.text("outcome")).isEqualTo("RESOLVED");
    assertThat(api.get("/api/reports/nps").body().path("detractors").asLong()).isPositive();
  }

  @Test
  void cancellation_supersedesAtRisk_returnsItsDeadline_andAnAcceptedOfferSavesIt() {
    String customer = api.newCustomer("cancel");
    api.post("/api/customers/" + customer + "/metrics", HttpApi.metrics(3, 0, "NEGATIVE"));
    String atRisk = "at-risk-" + customer;
    assertThat(api.get("/api/playbooks/" + atRisk).text("status")).isEqualTo("RUNNING");

    Instant before = Instant.now();
    Response requested =
        api.post(
            "/api/events/cancellation-requested",
            """
            {"customerId":"%s","reason":"TOO_EXPENSIVE"}"""
                .formatted(customer));
    assertThat(requested.status()).isEqualTo(202);
    Instant deadline = Instant.parse(requested.text("decisionDeadline"));
    assertThat(deadline).isBetween(before.plusSeconds(5), before.plusSeconds(8));
    String id = "cancellation-save-" + customer;
    assertThat(requested.body().path("workflowIds").toString()).contains(atRisk).contains(id);

    Response superseded =
        api.await("/api/playbooks/" + atRisk, WAIT, r -> "COMPLETED".equals(r.text("status")));
    assertThat(superseded.text("outcome")).isEqualTo("SUPERSEDED");

    Response run = api.await("/api/playbooks/" + id, WAIT, r -> steps(r).size() >= 2);
    assertThat(run.body().path("facts").path("offer").asText()).isEqualTo("DISCOUNT_OR_DOWNGRADE");
    assertThat(steps(run)).contains("save-call-task:TASK_CREATED", "csm-alert:SENT");

    outcome(id, "SAVE_CALL_DONE", "they need fewer seats", 200);
    Response accepted = outcome(id, "OFFER_ACCEPTED", null, 200);
    assertThat(accepted.text("outcome")).isEqualTo("SAVED");
    Response saved =
        api.await("/api/playbooks/" + id, WAIT, r -> "COMPLETED".equals(r.text("status")));
    assertThat(steps(saved)).contains("cancellation-withdrawn:RECORDED");
    // Health below 60 again while nothing runs: the crossing already happened, nothing restarts.
    assertThat(
            api.post("/api/customers/" + customer + "/metrics", HttpApi.metrics(3, 0, "NEGATIVE"))
                .body()
                .path("workflowsInformed")
                .size())
        .isZero();
  }

  @Test
  void healthyHeavyUser_startsExpansion_andAnUpgradeEndsIt() {
    String customer = api.newCustomer("expand");
    Response scored =
        api.post(
            "/api/customers/" + customer + "/metrics",
            """
            {"queriesPerWeek":60,"featuresUsed":5,"loginsPerWeek":6,"emailOpenRate":0.6,
             "openTickets":0,"sentiment":"POSITIVE","planUsage":0.9}""");
    String id = "expansion-" + customer;
    assertThat(scored.body().path("workflowsInformed").toString()).contains(id);
    Response run = api.await("/api/playbooks/" + id, WAIT, r -> steps(r).size() >= 1);
    assertThat(steps(run)).containsExactly("day-1-usage-email:SENT");
    assertThat(run.body().path("facts").path("nextPlan").asText()).isEqualTo("Business");
    assertThat(
            api.post(
                    "/api/events/upgraded",
                    """
                    {"customerId":"%s","plan":"Business"}"""
                        .formatted(customer))
                .body()
                .path("workflowIds")
                .toString())
        .contains(id);
    Response upgraded =
        api.await("/api/playbooks/" + id, WAIT, r -> "COMPLETED".equals(r.text("status")));
    assertThat(upgraded.text("outcome")).isEqualTo("UPGRADED");
    assertThat(api.get("/api/customers/" + customer).text("plan")).isEqualTo("Business");
  }

  @Test
  void onboardingMilestones_moveTheRun_andTheReportShowsTimeToFirstValue() {
    String customer = api.newCustomer("onb");
    // The run starts after this moment; a run of another test started before it is not counted.
    String from = Instant.now().toString();
    api.post(
        "/api/events/signup",
        """
        {"customerId":"%s"}"""
            .formatted(customer));
    String id = "onboarding-" + customer;
    api.await("/api/playbooks/" + id, WAIT, r -> steps(r).contains("day-0-welcome-email:SENT"));
    api.post(
        "/api/events/milestone",
        """
        {"customerId":"%s","milestone":"FIRST_QUERY"}"""
            .formatted(customer));
    Response run =
        api.await(
            "/api/playbooks/" + id, WAIT, r -> steps(r).contains("milestone-first-query:SENT"));
    Duration own = Duration.parse(run.body().path("facts").path("timeToFirstValue").asText());
    Response report =
        api.await(
            "/api/reports/onboarding?from=" + from,
            WAIT,
            r -> r.body().path("reachedFirstValue").asLong() >= 1);
    assertThat(report.body().path("started").asLong()).isEqualTo(1);
    assertThat(report.body().path("reachedFirstValue").asLong()).isEqualTo(1);
    // One clock: the report's median of this one run is the run's own time to first value.
    assertThat(own).isPositive().isLessThan(Duration.ofSeconds(30));
    assertThat(Duration.parse(report.text("medianTimeToFirstValue"))).isEqualTo(own);
  }

  private Response outcome(String workflowId, String type, String note, int status) {
    Response r =
        api.post(
            "/api/playbooks/" + workflowId + "/outcomes",
            note == null
                ? """
                  {"type":"%s"}"""
                    .formatted(type)
                : """
                  {"type":"%s","note":"%s"}"""
                    .formatted(type, note));
    assertThat(r.status()).as(type + ": " + r).isEqualTo(status);
    return r;
  }

  private static List<String> steps(Response run) {
    List<String> steps = new ArrayList<>();
    for (JsonNode step : run.body().path("steps")) {
      steps.add(step.path("step").asText() + ":" + step.path("result").asText());
    }
    return steps;
  }
}
