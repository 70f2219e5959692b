package dev.retention.api.email;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.AtRiskRuns;
import dev.retention.api.support.HttpApi;

/** Starting an at-risk run and reading what it did, for the email API tests. */
final class EmailRuns {

  private EmailRuns() {}

  /** Starts the customer's at-risk run and waits for its day-1 email; returns that email. */
  static JsonNode startAtRiskAndAwaitDayOne(HttpApi api, String customerId) {
    AtRiskRuns.start(api, customerId);
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

  static String timeline(HttpApi api, String customerId) {
    return api.get("/api/customers/" + customerId + "/timeline").body().toString();
  }
}
