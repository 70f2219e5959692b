package dev.retention.api.events;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@ApiTest
class EventApiTest {

  @LocalServerPort int port;
  HttpApi api;

  @BeforeEach
  void setUp() {
    api = new HttpApi(port);
  }

  @Test
  void customerReplied_informsEveryRunningRun_andAnswersTheirIds() {
    String customer = api.newCustomer("rep");
    api.post(
        "/api/playbooks",
        """
        {"playbook":"at-risk","customerId":"%s"}"""
            .formatted(customer));
    api.await(
        "/api/playbooks?customerId=" + customer + "&status=RUNNING",
        Duration.ofSeconds(30),
        r -> r.body().size() == 1);
    Response replied =
        api.post(
            "/api/events/customer-replied",
            """
            {"customerId":"%s"}"""
                .formatted(customer));
    assertThat(replied.status()).isEqualTo(202);
    assertThat(replied.body().path("workflowIds").get(0).asText()).isEqualTo("at-risk-" + customer);
    Response run =
        api.await(
            "/api/playbooks/at-risk-" + customer,
            Duration.ofSeconds(30),
            r -> "AWAITING_DECISION".equals(r.text("stage")));
    assertThat(run.body().path("customerResponded").asBoolean()).isTrue();
  }

  @Test
  void customerReplied_withoutRuns_touchesNothing() {
    String customer = api.newCustomer("idle");
    Response replied =
        api.post(
            "/api/events/customer-replied",
            """
            {"customerId":"%s"}"""
                .formatted(customer));
    assertThat(replied.status()).isEqualTo(202);
    assertThat(replied.body().path("workflowIds").size()).isZero();
  }

  @Test
  void customerReplied_errors() {
    assertProblem(
        api.post(
            "/api/events/customer-replied",
            """
            {"customerId":"c-ghost"}"""),
        404,
        null,
        "c-ghost");
    assertProblem(api.post("/api/events/customer-replied", "{}"), 400, "customerId", "customerId");
    assertProblem(api.post("/api/events/customer-replied", "{"), 400, null, "JSON");
  }
}
