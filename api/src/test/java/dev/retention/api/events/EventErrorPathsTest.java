package dev.retention.api.events;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Every event's bad input gets a clear 400/404 and changes nothing. */
@ApiTest
class EventErrorPathsTest {

  @LocalServerPort int port;
  HttpApi api;
  String customer;

  @BeforeEach
  void setUp() {
    api = new HttpApi(port);
    customer = api.newCustomer("ev");
  }

  private void assertNothingStarted() {
    assertThat(api.get("/api/playbooks?customerId=" + customer).body().size()).isZero();
  }

  /** Each event with its own fields only: a property an event does not have is refused. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "signup                 | {\"customerId\":\"c-ghost\"}",
        "milestone              | {\"customerId\":\"c-ghost\",\"milestone\":\"FIRST_QUERY\"}",
        "nps                    | {\"customerId\":\"c-ghost\",\"score\":5}",
        "cancellation-requested | {\"customerId\":\"c-ghost\",\"reason\":\"OTHER\"}",
        "upgraded               | {\"customerId\":\"c-ghost\",\"plan\":\"Business\"}",
        "customer-replied       | {\"customerId\":\"c-ghost\"}"
      })
  void everyEvent_forAnUnknownCustomer_is404(String event, String body) {
    assertProblem(api.post("/api/events/" + event, body), 404, null, "c-ghost");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "signup",
        "milestone",
        "nps",
        "cancellation-requested",
        "upgraded",
        "customer-replied"
      })
  void everyEvent_withoutCustomerId_orWithMalformedJson_is400(String event) {
    assertProblem(api.post("/api/events/" + event, "{}"), 400, "customerId", "customerId");
    assertProblem(api.post("/api/events/" + event, "{\"customerId\":"), 400, null, "JSON");
  }

  @ParameterizedTest
  @ValueSource(strings = {"11", "-1"})
  void npsScoreOutside0To10_isRejected(String score) {
    assertProblem(
        api.post(
            "/api/events/nps",
            """
            {"customerId":"%s","score":%s}"""
                .formatted(customer, score)),
        400,
        "score",
        "score");
    assertNothingStarted();
  }

  @Test
  void npsScoreThatIsNotAWholeNumber_isRejected() {
    assertProblem(
        api.post(
            "/api/events/nps",
            """
            {"customerId":"%s","score":7.5}"""
                .formatted(customer)),
        400,
        "score",
        "score");
    assertProblem(
        api.post(
            "/api/events/nps",
            """
            {"customerId":"%s","score":"seven"}"""
                .formatted(customer)),
        400,
        "score",
        "score");
    assertProblem(
        api.post(
            "/api/events/nps",
            """
            {"customerId":"%s"}"""
                .formatted(customer)),
        400,
        "score",
        "score");
    assertNothingStarted();
    assertThat(api.get("/api/reports/nps").body().toString()).doesNotContain(customer);
  }

  @Test
  void unknownMilestone_isRejectedNamingTheValidOnes() {
    assertProblem(
        api.post(
            "/api/events/milestone",
            """
            {"customerId":"%s","milestone":"FIRST_COFFEE"}"""
                .formatted(customer)),
        400,
        "milestone",
        "INTEGRATION_CONNECTED");
  }

  @Test
  void unknownCancellationReason_isRejected_andNothingIsSuperseded() {
    api.post(
        "/api/playbooks",
        """
        {"playbook":"at-risk","customerId":"%s"}"""
            .formatted(customer));
    assertProblem(
        api.post(
            "/api/events/cancellation-requested",
            """
            {"customerId":"%s","reason":"BORED"}"""
                .formatted(customer)),
        400,
        "reason",
        "TOO_EXPENSIVE");
    assertThat(api.get("/api/playbooks/at-risk-" + customer).text("status")).isEqualTo("RUNNING");
  }

  @Test
  void upgradedWithoutPlan_isRejected() {
    assertProblem(
        api.post(
            "/api/events/upgraded",
            """
            {"customerId":"%s"}"""
                .formatted(customer)),
        400,
        "plan",
        "plan");
    assertThat(api.get("/api/customers/" + customer).text("plan")).isEqualTo("Growth");
  }

  @Test
  void reports_rejectBadWindows() {
    assertProblem(api.get("/api/reports/playbooks?from=yesterday"), 400, "from", "ISO-8601");
    assertProblem(
        api.get("/api/reports/nps?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z"),
        400,
        "from",
        "before");
    assertProblem(api.get("/api/reports/onboarding?to=soon"), 400, "to", "ISO-8601");
  }
}
