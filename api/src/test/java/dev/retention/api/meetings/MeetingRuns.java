package dev.retention.api.meetings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.HttpApi;
import java.time.Duration;
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

  /** Waits until the run has handed over to the CSM, and returns it. */
  static HttpApi.Response awaitHandedOver(HttpApi api, String customerId) {
    return api.await(
        "/api/playbooks/at-risk-" + customerId,
        Duration.ofSeconds(30),
        r -> "AWAITING_DECISION".equals(r.text("stage")));
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
