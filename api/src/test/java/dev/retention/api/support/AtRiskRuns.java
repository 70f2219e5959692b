package dev.retention.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Starting a customer's at-risk run over HTTP and following it, for the API tests. */
public final class AtRiskRuns {

  private AtRiskRuns() {}

  /** Starts the customer's at-risk run and waits until its day-1 email step has run. */
  public static void start(HttpApi api, String customerId) {
    HttpApi.Response started =
        api.post(
            "/api/playbooks",
            """
            {"playbook":"at-risk","customerId":"%s"}"""
                .formatted(customerId));
    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    api.await(
        "/api/playbooks/at-risk-" + customerId,
        Duration.ofSeconds(30),
        r -> steps(r).stream().anyMatch(s -> s.startsWith("day-1-email:")));
  }

  /** A run's steps as {@code step:result}. */
  public static List<String> steps(HttpApi.Response run) {
    List<String> steps = new ArrayList<>();
    for (JsonNode step : run.body().path("steps")) {
      steps.add(step.path("step").asText() + ":" + step.path("result").asText());
    }
    return steps;
  }

  /**
   * Lets Temporal's time pass until the run's own day 3 (its start plus two of its days, read from
   * the run) has passed, with a second's margin for the worker: a day-3 email would be out by then.
   * The clock is the run's own (skipped on the embedded runtime: a skip stands still while the
   * day-3 step runs, so it has run when this returns).
   */
  public static void passDayThree(TemporalClock clock, HttpApi api, String customerId) {
    HttpApi.Response run = api.get("/api/playbooks/at-risk-" + customerId);
    Instant dayThree =
        Instant.parse(run.text("startedAt"))
            .plus(Duration.parse(run.text("dayLength")).multipliedBy(2))
            .plusSeconds(1);
    clock.passUntil(dayThree);
  }
}
