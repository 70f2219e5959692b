package dev.retention.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Runs stopped right after they start, as a client would: ten at-risk runs, each stopped with
 * {@code DELETE} as soon as {@code POST} answered. Each ends {@code CANCELLED} with outcome {@code
 * CANCELLED}, offers no outcomes, and the list counts none as running; every email that went to the
 * customer is in the run's steps (a stop does not let one go out behind the run's back). On the
 * embedded runtime, or a real Temporal server when TEMPORAL_ADDRESS is set (see .ci/run).
 */
@ApiTest
class RunStopEndToEndTest {

  static final int RUNS = 10;

  @LocalServerPort int port;

  @Test
  void runsStoppedRightAfterStart_allEndCancelled_withTheirOutcome() {
    HttpApi api = new HttpApi(port);
    List<String> customers = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      customers.add(api.newCustomer("stop" + i));
    }
    for (String customer : customers) {
      Response started =
          api.post(
              "/api/playbooks",
              """
              {"playbook":"at-risk","customerId":"%s"}"""
                  .formatted(customer));
      assertThat(started.status()).isEqualTo(202);
      assertThat(api.delete("/api/playbooks/" + started.text("workflowId")).status())
          .isEqualTo(202);
    }

    for (String customer : customers) {
      Response stopped =
          api.await(
              "/api/playbooks/at-risk-" + customer,
              Duration.ofSeconds(30),
              r -> !"RUNNING".equals(r.text("status")));
      assertThat(stopped.text("status")).as(customer).isEqualTo("CANCELLED");
      assertThat(stopped.text("outcome")).as(customer).isEqualTo("CANCELLED");
      assertThat(stopped.text("stage")).as(customer).isEqualTo("CLOSED");
      assertThat(stopped.body().path("allowedOutcomes")).as(customer).isEmpty();
      Response listed =
          api.await(
              "/api/playbooks?customerId=" + customer,
              Duration.ofSeconds(10),
              r ->
                  r.body().size() == 1
                      && "CANCELLED".equals(r.body().get(0).path("status").asText()));
      assertThat(listed.body().get(0).path("outcome").asText()).as(customer).isEqualTo("CANCELLED");
    }

    // An email still on its way would land within moments of the close.
    pause(Duration.ofSeconds(1));
    for (String customer : customers) {
      String workflowId = "at-risk-" + customer;
      List<String> sent = new ArrayList<>();
      for (JsonNode email : api.get("/api/customers/" + customer + "/communications").body()) {
        String status = email.path("status").asText();
        // Sent, or still at the provider (it will go out).
        if (workflowId.equals(email.path("workflowId").asText())
            && ("SENT".equals(status) || "PENDING".equals(status))) {
          sent.add(email.path("step").asText());
        }
      }
      List<String> sentSteps = new ArrayList<>();
      for (JsonNode step : api.get("/api/playbooks/" + workflowId).body().path("steps")) {
        if ("SENT".equals(step.path("result").asText())) {
          sentSteps.add(step.path("step").asText());
        }
      }
      assertThat(sentSteps).as(customer).containsExactlyInAnyOrderElementsOf(sent);
    }
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
