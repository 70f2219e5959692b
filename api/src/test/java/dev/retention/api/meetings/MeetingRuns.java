package dev.retention.api.meetings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.HttpApi;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Customers with addresses of their own, and their at-risk runs, for the booked-meeting tests. */
final class MeetingRuns {

  private MeetingRuns() {}

  /** A customer with its own address, at a domain no other customer has (unless given). */
  record Customer(String id, String email, String domain) {}

  static Customer newCustomer(HttpApi api, String prefix) {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    return newCustomer(api, prefix, suffix + "." + prefix + ".example");
  }

  /** A customer at a domain given (two of them make a domain ambiguous). */
  static Customer newCustomer(HttpApi api, String prefix, String domain) {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String csm = "csm-" + suffix;
    String id = prefix + "-" + suffix;
    api.put(
        "/api/csms/" + csm,
        """
        {"name":"Petra de Vries","email":"petra@example.com","managerEmail":"lena@example.com"}""");
    HttpApi.Response created =
        api.put(
            "/api/customers/" + id,
            """
            {"name":"Globex","email":"ops-%s@%s","csmId":"%s","plan":"Growth","mrr":490,
             "planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
                .formatted(suffix, domain, csm));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return new Customer(id, "ops-" + suffix + "@" + domain, domain);
  }

  /** Starts the customer's at-risk run and waits until its day-1 email is out. */
  static void startAtRiskAndAwaitDayOne(HttpApi api, String customerId) {
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

  /** Waits until the run has handed over to the CSM, and returns it. */
  static HttpApi.Response awaitHandedOver(HttpApi api, String customerId) {
    return api.await(
        "/api/playbooks/at-risk-" + customerId,
        Duration.ofSeconds(30),
        r -> "AWAITING_DECISION".equals(r.text("stage")));
  }

  /**
   * Waits until the run's own day 3 (its start plus two of its days) has passed, with a second's
   * margin for the worker: a day-3 email would be out by then.
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

  static List<String> steps(HttpApi.Response run) {
    List<String> steps = new ArrayList<>();
    for (JsonNode step : run.body().path("steps")) {
      steps.add(step.path("step").asText() + ":" + step.path("result").asText());
    }
    return steps;
  }

  /** The emails the customer was sent, by step. */
  static List<String> emailSteps(HttpApi api, String customerId) {
    List<String> emails = new ArrayList<>();
    for (JsonNode c : api.get("/api/customers/" + customerId + "/communications").body()) {
      emails.add(c.path("step").asText());
    }
    return emails;
  }

  /** The customer's timeline summaries that start with {@code prefix}. */
  static List<String> timeline(HttpApi api, String customerId, String prefix) {
    List<String> found = new ArrayList<>();
    for (JsonNode entry : api.get("/api/customers/" + customerId + "/timeline").body()) {
      String summary = entry.path("summary").asText();
      if (summary.startsWith(prefix)) {
        found.add(summary);
      }
    }
    return found;
  }

  /** Waits for the CSM's follow-up task the hand-over creates. */
  static void awaitHandOverTask(HttpApi api, String customerId) {
    api.await(
        "/api/customers/" + customerId + "/tasks",
        Duration.ofSeconds(30),
        r -> r.body().toString().contains("Customer responded: follow up personally"));
  }
}
