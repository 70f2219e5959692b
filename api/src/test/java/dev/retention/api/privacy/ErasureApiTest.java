package dev.retention.api.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import dev.retention.workflows.privacy.RetentionPurge;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

@ApiTest
class ErasureApiTest {

  static final Duration WAIT = Duration.ofSeconds(30);

  @LocalServerPort int port;

  @Test
  void erasure_anonymises_endsRunsSayingWhy_isAudited_andTheAddressIsNeverEmailedAgain() {
    HttpApi api = new HttpApi(port);
    String customer = api.newCustomer("erase");
    api.post(
        "/api/events/nps",
        "{\"customerId\":\""
            + customer
            + "\",\"score\":3,\"comment\":\"Dashboards are too slow\"}");
    String run = "/api/playbooks/nps-follow-up-" + customer;
    api.await(run, WAIT, r -> r.body().path("steps").size() >= 1);
    api.await("/api/customers/" + customer + "/communications", WAIT, r -> r.body().size() >= 1);

    Response erased = api.delete("/api/customers/" + customer + "/personal-data");
    assertThat(erased.status()).as(erased.toString()).isEqualTo(200);
    assertThat(erased.body().path("runsEnded").get(0).asText())
        .isEqualTo("nps-follow-up-" + customer);

    Response closed = api.await(run, WAIT, r -> "COMPLETED".equals(r.text("status")));
    assertThat(closed.text("outcome")).isEqualTo("SUPERSEDED");

    Response record = api.get("/api/customers/" + customer);
    assertThat(record.text("name")).isEqualTo("Erased customer");
    assertThat(record.text("email")).doesNotContain("globex");
    String everything =
        api.get("/api/customers/" + customer + "/timeline").body().toString()
            + api.get("/api/customers/" + customer + "/communications").body().toString()
            + api.get("/api/customers/" + customer + "/tasks").body().toString();
    assertThat(everything).doesNotContain("Globex").doesNotContain("ops@globex.example");
    assertThat(everything).doesNotContain("Dashboards are too slow");

    Response audit = api.get("/api/audit?customerId=" + customer);
    assertThat(audit.body().path("items").findValuesAsText("action"))
        .contains("DELETE /api/customers/{customerId}/personal-data");

    // The backend adds them again with the same address: the suppression hash still holds.
    api.put(
        "/api/customers/" + customer,
        """
        {"name":"Globex","email":"ops@globex.example","csmId":"%s","plan":"Growth","mrr":490,
         "planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
            .formatted(record.text("csmId")));
    api.post("/api/playbooks", "{\"playbook\":\"at-risk\",\"customerId\":\"" + customer + "\"}");
    Response atRisk =
        api.await(
            "/api/playbooks/at-risk-" + customer, WAIT, r -> r.body().path("steps").size() >= 1);
    assertThat(atRisk.body().path("steps").get(0).path("result").asText())
        .isEqualTo("SKIPPED_SUPPRESSED");
  }

  @Autowired WorkflowClient client;

  @Test
  void theRetentionPurge_isScheduledInTemporal() {
    // The in-process test server has no Schedules: there it is a cron workflow of the same type.
    WorkflowExecutionDescription purge =
        client.newUntypedWorkflowStub(RetentionPurge.SCHEDULE_ID).describe();
    assertThat(purge.getWorkflowType()).isEqualTo("RetentionPurge");
    assertThat(purge.getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  @Test
  void erasingAnUnknownCustomer_is404() {
    Response r = new HttpApi(port).delete("/api/customers/nobody-here/personal-data");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.contentType()).startsWith("application/problem+json");
  }
}
