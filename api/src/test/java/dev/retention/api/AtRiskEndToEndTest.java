package dev.retention.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import dev.retention.api.support.TemporalClock;
import dev.retention.api.support.WithSkippedClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The at-risk playbook end to end over HTTP, with a two-second day: one customer never answers and
 * is tagged churning after 17 days (32 s on Temporal's clock); another replies before day 3 and
 * gets no day-3 email and, left without a decision, ends UNRESOLVED with a manager task. Runs
 * against the embedded runtime, whose clock the test skips from step to step ({@link
 * TemporalClock}), or a real Temporal server when TEMPORAL_ADDRESS is set (see .ci/run), where the
 * days are waited out.
 */
class AtRiskEndToEndTest extends WithSkippedClock {

  private static final Duration STEP = Duration.ofSeconds(1);

  @LocalServerPort int port;

  @Test
  void silentCustomerChurns_repliedCustomerGetsNoDay3Email() {
    HttpApi api = new HttpApi(port);
    String silent = api.newCustomer("silent");
    String replier = api.newCustomer("replier");
    for (String customer : List.of(silent, replier)) {
      // Health falling below 60 starts the at-risk playbook by itself.
      Response scored =
          api.post("/api/customers/" + customer + "/metrics", HttpApi.metrics(3, 0, "NEGATIVE"));
      assertThat(scored.text("band")).isEqualTo("AT_RISK");
      assertThat(scored.body().path("workflowsInformed").toString())
          .contains("at-risk-" + customer);
    }

    // Day 1 (offset 0) goes out at once; the reply comes in as soon as it is out, well before
    // day 3 (offset 4 s). (A reply that came before the day-1 email would stop that one too.)
    api.await(
        "/api/playbooks/at-risk-" + replier,
        Duration.ofSeconds(3),
        r -> steps(r).contains("day-1-email:SENT"));
    assertThat(
            api.post(
                    "/api/events/customer-replied",
                    """
                {"customerId":"%s"}"""
                        .formatted(replier))
                .status())
        .isEqualTo(202);

    TemporalClock clock = clock();
    Response churned =
        clock.passUntil(
            api,
            "/api/playbooks/at-risk-" + silent,
            STEP,
            Duration.ofSeconds(90),
            r -> "COMPLETED".equals(r.text("status")));
    assertThat(churned.text("outcome")).isEqualTo("CHURNING");
    // 16 days after its start, on the run's own clock: the day-17 tag waited its days out.
    Duration took =
        Duration.between(
            Instant.parse(churned.text("startedAt")), ranAt(churned, "day-17-churning-tag"));
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
    assertThat(steps(churned))
        .containsExactly(
            "day-1-email:SENT",
            "day-3-email:SENT",
            "day-7-call-task:TASK_CREATED",
            "day-14-email:SENT",
            "day-17-churning-tag:TAGGED");

    List<String> silentEmails = new ArrayList<>();
    api.get("/api/customers/" + silent + "/communications")
        .body()
        .forEach(c -> silentEmails.add(c.path("step").asText() + ":" + c.path("status").asText()));
    assertThat(silentEmails)
        .containsExactlyInAnyOrder("day-1-email:SENT", "day-3-email:SENT", "day-14-email:SENT");
    String timeline = api.get("/api/customers/" + silent + "/timeline").body().toString();
    assertThat(timeline)
        .contains("day-7-call-task")
        .contains("CHURNING")
        .contains("\"kind\":\"TAG\"");

    // The reply handed the run to the CSM: no day-3 email, a follow-up task, and, with no
    // SAVED/CHURNED within 14 days of the reply, a manager task and UNRESOLVED.
    Response replierRun =
        clock.passUntil(
            api,
            "/api/playbooks/at-risk-" + replier,
            STEP,
            Duration.ofSeconds(40),
            r -> "COMPLETED".equals(r.text("status")));
    assertThat(replierRun.text("status")).isEqualTo("COMPLETED");
    assertThat(replierRun.text("outcome")).isEqualTo("UNRESOLVED");
    assertThat(steps(replierRun))
        .containsExactly(
            "day-1-email:SENT",
            "customer-responded-task:TASK_CREATED",
            "decision-deadline-manager-task:ESCALATED");
    assertThat(api.get("/api/customers/" + replier + "/communications").body().size()).isEqualTo(1);
    assertThat(api.get("/api/customers/" + replier + "/tasks").body().toString())
        .contains("lena@example.com");
  }

  private static Instant ranAt(Response run, String step) {
    for (JsonNode s : run.body().path("steps")) {
      if (step.equals(s.path("step").asText())) {
        return Instant.parse(s.path("ranAt").asText());
      }
    }
    throw new AssertionError("no " + step + " in " + run);
  }

  private static List<String> steps(Response run) {
    List<String> steps = new ArrayList<>();
    for (JsonNode step : run.body().path("steps")) {
      steps.add(step.path("step").asText() + ":" + step.path("result").asText());
    }
    return steps;
  }
}
