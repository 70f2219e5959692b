package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * An outcome recorded in the console goes the API's way: the same checks on the type and the note
 * (a control character in the note is refused and changes nothing, as in a body), and it counts in
 * {@code retention_outcome_roundtrip_seconds} like one recorded through the API.
 */
@ApiTest
class ConsoleOutcomeTest {

  private static final Pattern ACCEPTED =
      Pattern.compile(
          "retention_outcome_roundtrip_seconds_count\\{playbook=\"at-risk\",result=\"accepted\"} ([0-9.E]+)");

  @LocalServerPort int port;

  @Test
  void aConsoleOutcome_isCheckedLikeTheApis_andCountsInTheRoundTripMetric() {
    HttpApi admin = new HttpApi(port);
    String customer = admin.newCustomer("console-outcome");
    String csm = admin.get("/api/customers/" + customer).text("csmId");
    String username = "co-" + UUID.randomUUID().toString().substring(0, 8);
    HttpApi petra =
        admin.login(username, admin.createLogin(username, "CSM", csm, username + "@example.com"));
    admin.post("/api/playbooks", "{\"playbook\":\"at-risk\",\"customerId\":\"" + customer + "\"}");
    String run = "/api/playbooks/at-risk-" + customer;
    admin.await(run, Duration.ofSeconds(30), r -> r.body().path("steps").size() >= 1);
    String ops = admin.createKey("ops");
    double before = accepted(admin.withKey(ops));

    HttpApi.Response refused = outcome(petra, customer, "type=SAVED&note=call%07back");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body().asText()).contains("note may hold line breaks and tabs");
    assertThat(
            admin.get(run).body().path("outcome").isMissingNode()
                || admin.get(run).body().path("outcome").isNull())
        .isTrue();

    HttpApi.Response answered =
        outcome(petra, customer, "type=CUSTOMER_RESPONDED&note=called+Tuesday%3B+left+a+voicemail");
    assertThat(answered.status()).isEqualTo(200);
    assertThat(answered.body().asText()).contains("Customer responded");
    // The panel is the run as the Update answered it; the confirmation shows the note as typed
    // (the run keeps it in its own words once its handler has run).
    assertThat(answered.body().asText())
        .contains(
            "Recorded: Customer responded, with your note: “called Tuesday; left a voicemail”.");
    assertThat(admin.get(run).body().path("customerResponded").asBoolean()).isTrue();
    assertThat(accepted(admin.withKey(ops))).isEqualTo(before + 1);

    HttpApi.Response unknown = outcome(petra, customer, "type=NOT_A_TYPE");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body().asText()).contains("SAVED");
  }

  private static HttpApi.Response outcome(HttpApi session, String customer, String form) {
    return session.send(
        "POST",
        "/console/runs/at-risk-" + customer + "/outcome",
        Map.of("Content-Type", "application/x-www-form-urlencoded", "HX-Request", "true"),
        form.getBytes(StandardCharsets.UTF_8),
        false);
  }

  private static double accepted(HttpApi ops) {
    String scrape = ops.get("/actuator/prometheus").body().asText();
    Matcher count = ACCEPTED.matcher(scrape);
    return count.find() ? Double.parseDouble(count.group(1)) : 0;
  }
}
