package dev.retention.api.email;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.HttpApi;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Starting an at-risk run and reading what it did, for the email API tests. */
final class EmailRuns {

  private EmailRuns() {}

  /** Starts the customer's at-risk run and waits for its day-1 email; returns that email. */
  static JsonNode startAtRiskAndAwaitDayOne(HttpApi api, String customerId) {
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
    return dayOne(api, customerId);
  }

  static JsonNode dayOne(HttpApi api, String customerId) {
    for (JsonNode c : api.get("/api/customers/" + customerId + "/communications").body()) {
      if ("day-1-email".equals(c.path("step").asText())) {
        return c;
      }
    }
    throw new AssertionError("no day-1 email for " + customerId);
  }

  static List<String> steps(HttpApi.Response run) {
    List<String> steps = new ArrayList<>();
    for (JsonNode step : run.body().path("steps")) {
      steps.add(step.path("step").asText() + ":" + step.path("result").asText());
    }
    return steps;
  }

  static String timeline(HttpApi api, String customerId) {
    return api.get("/api/customers/" + customerId + "/timeline").body().toString();
  }

  /**
   * Waits until the run's own day 3 (its start plus two of its days, read from the run) has passed,
   * with a second's margin for the worker: a day-3 email would be out by then.
   */
  static void awaitPastDayThree(HttpApi api, String customerId) {
    HttpApi.Response run = api.get("/api/playbooks/at-risk-" + customerId);
    Instant dayThree =
        Instant.parse(run.text("startedAt"))
            .plus(Duration.parse(run.text("dayLength")).multipliedBy(2))
            .plusSeconds(1);
    api.await(
        "/api/playbooks/at-risk-" + customerId,
        Duration.ofSeconds(30),
        r -> Instant.now().isAfter(dayThree));
  }
}
