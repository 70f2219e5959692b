package dev.retention.api.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.codec.AesGcmPayloadCodec;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import dev.retention.api.support.TemporalHistory;
import dev.retention.workflows.privacy.RetentionPurge;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
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
    assertThat(everything).doesNotContain("Globex").doesNotContain("@globex.example");
    assertThat(everything).doesNotContain("Dashboards are too slow");

    Response audit = api.get("/api/audit?customerId=" + customer);
    assertThat(audit.body().path("items").findValuesAsText("action"))
        .contains("DELETE /api/customers/{customerId}/personal-data");

    // The backend adds them again with the same address: the suppression hash still holds.
    api.put(
        "/api/customers/" + customer,
        """
        {"name":"Globex","email":"ops-%s@globex.example","csmId":"%s","plan":"Growth","mrr":490,
         "planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
            .formatted(customer.substring(customer.lastIndexOf('-') + 1), record.text("csmId")));
    api.post("/api/playbooks", "{\"playbook\":\"at-risk\",\"customerId\":\"" + customer + "\"}");
    Response atRisk =
        api.await(
            "/api/playbooks/at-risk-" + customer, WAIT, r -> r.body().path("steps").size() >= 1);
    assertThat(atRisk.body().path("steps").get(0).path("result").asText())
        .isEqualTo("SKIPPED_SUPPRESSED");
  }

  @Autowired WorkflowClient client;

  /**
   * What the API serves of the runs and what their Temporal histories hold, read back after the
   * erasure: the run (its steps' details) and the histories' payloads, decoded through the codec
   * endpoint, hold no name, NPS comment, CSM note or start reason; before the erasure they did.
   */
  @Test
  void erasure_leavesNoPersonalDataInTheRunsShown_norReadableInTheirHistories() {
    HttpApi api = new HttpApi(port);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String name = "Quillfeather Dynamics " + suffix;
    String comment = "Saffron dashboards crawl " + suffix;
    String note = "Spoke with Odalys Verhoeven " + suffix;
    String reason = "Odalys threatened to leave " + suffix;
    String customer = newCustomer(api, "erase-h-" + suffix, name);
    assertThat(
            api.post(
                    "/api/events/nps",
                    """
                    {"customerId":"%s","score":3,"comment":"%s"}"""
                        .formatted(customer, comment))
                .status())
        .isEqualTo(202);
    String nps = "nps-follow-up-" + customer;
    api.await(
        "/api/playbooks/" + nps,
        WAIT,
        r -> "AWAITING_OUTREACH".equals(r.text("stage")) && r.body().path("steps").size() >= 2);
    Response outcome =
        api.post(
            "/api/playbooks/" + nps + "/outcomes",
            """
            {"type":"OUTREACH_DONE","note":"%s"}"""
                .formatted(note));
    assertThat(outcome.status()).as(outcome.toString()).isEqualTo(200);
    api.await("/api/playbooks/" + nps, WAIT, r -> r.body().path("steps").toString().contains(note));
    Response started =
        api.post(
            "/api/playbooks",
            """
            {"playbook":"at-risk","customerId":"%s","reason":"%s"}"""
                .formatted(customer, reason));
    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    String atRisk = "at-risk-" + customer;
    api.await("/api/playbooks/" + atRisk, WAIT, r -> r.body().path("steps").size() >= 1);

    // Every payload of a customer's run is under their data key (the SDK gives the codec the run's
    // workflow id whenever it encodes for it).
    for (String run : List.of(nps, atRisk)) {
      assertThat(TemporalHistory.payloads(TemporalHistory.events(client, run)))
          .as(run)
          .allSatisfy(
              p -> assertThat(p.getMetadataMap()).containsKey(AesGcmPayloadCodec.DATA_KEY_ID));
    }
    // Before: the run shows the name and the note, and the codec reads what the histories hold.
    assertThat(api.get("/api/playbooks/" + nps).body().toString()).contains(name).contains(note);
    assertThat(String.join("\n", decodedHistory(api, nps))).contains(comment).contains(note);
    assertThat(String.join("\n", decodedHistory(api, atRisk))).contains(reason);

    Response erased = api.delete("/api/customers/" + customer + "/personal-data");
    assertThat(erased.status()).as(erased.toString()).isEqualTo(200);
    assertThat(erased.body().path("runsEnded").toString()).contains(nps).contains(atRisk);

    assertThat(api.get("/api/playbooks/" + nps).body().path("steps").findValuesAsText("step"))
        .contains("detractor-task", "csm-alert", "outreach-done");
    for (String run : List.of(nps, atRisk)) {
      Response shown = api.await("/api/playbooks/" + run, WAIT, r -> r.status() == 200);
      assertThat(shown.text("outcome")).isEqualTo("SUPERSEDED");
      assertThat(shown.body().toString())
          .as(run + " as the API shows it")
          .doesNotContain(name)
          .doesNotContain(note)
          .doesNotContain(comment)
          .doesNotContain(reason);
      // The steps stay, by name, time and result; their details are gone.
      assertThat(shown.body().path("steps").size()).isGreaterThanOrEqualTo(1);
      assertThat(shown.body().path("steps").findValuesAsText("detail")).containsOnly("[erased]");
      List<String> decoded = decodedHistory(api, run);
      assertThat(decoded).hasSizeGreaterThan(3);
      assertThat(decoded).allSatisfy(payload -> assertThat(payload).endsWith("\"[erased]\""));
      assertThat(String.join("\n", decoded))
          .as(run + "'s history through the codec")
          .doesNotContain(name)
          .doesNotContain(comment)
          .doesNotContain(note)
          .doesNotContain(reason)
          .contains("[erased]");
    }
    assertThat(
            api.get("/api/customers/" + customer + "/timeline").body().toString()
                + api.get("/api/customers/" + customer + "/tasks").body().toString())
        .doesNotContain(name)
        .doesNotContain(note)
        .doesNotContain(comment);
  }

  private List<String> decodedHistory(HttpApi api, String workflowId) {
    return TemporalHistory.decode(
        api,
        client.getOptions().getNamespace(),
        TemporalHistory.payloads(TemporalHistory.events(client, workflowId)));
  }

  private static String newCustomer(HttpApi api, String customer, String name) {
    String csm = "csm-" + customer;
    api.put(
        "/api/csms/" + csm,
        """
        {"name":"Petra de Vries","email":"petra@example.com","managerEmail":"lena@example.com"}""");
    Response created =
        api.put(
            "/api/customers/" + customer,
            """
            {"name":"%s","email":"ops-%s@example.com","csmId":"%s","plan":"Growth","mrr":490,
             "planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
                .formatted(name, customer, csm));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return customer;
  }

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
