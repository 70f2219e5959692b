package dev.retention.api.playbooks;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import dev.retention.api.support.TemporalHistory;
import dev.retention.workflows.RecordedHistories;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

@ApiTest
class PlaybookApiTest {

  static final Duration WAIT = Duration.ofSeconds(30);

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  @Autowired WorkflowClient temporal;
  HttpApi api;

  @BeforeEach
  void setUp() {
    api = new HttpApi(port);
  }

  private Response start(String playbook, String customer) {
    return api.post(
        "/api/playbooks",
        """
        {"playbook":"%s","customerId":"%s"}"""
            .formatted(playbook, customer));
  }

  private Response outcome(String workflowId, String type) {
    return api.post(
        "/api/playbooks/" + workflowId + "/outcomes",
        """
        {"type":"%s","note":"n"}"""
            .formatted(type));
  }

  @Test
  void start_answers202_andTheRunIsReadable() {
    String customer = api.newCustomer("start");
    Response started = start("at-risk", customer);
    assertThat(started.status()).isEqualTo(202);
    assertThat(started.text("workflowId")).isEqualTo("at-risk-" + customer);
    assertThat(started.text("runId")).isNotBlank();
    Response run =
        api.await(
            "/api/playbooks/at-risk-" + customer, WAIT, r -> r.body().path("steps").size() >= 1);
    assertThat(run.text("status")).isEqualTo("RUNNING");
    assertThat(run.text("stage")).isEqualTo("OUTREACH");
    assertThat(run.body().path("steps").get(0).path("step").asText()).isEqualTo("day-1-email");
    assertThat(run.body().path("nextStep").path("step").asText()).isEqualTo("day-3-email");
    Response list = api.get("/api/playbooks?customerId=" + customer + "&status=RUNNING");
    assertThat(list.body().size()).isEqualTo(1);
    assertThat(list.body().get(0).has("steps")).isFalse();
  }

  /**
   * Read-your-writes: a GET right after the 202, before the worker took a step, names the run's
   * first step as its next step (once taken, the step is in the log and the next one is next).
   */
  @Test
  void aReadRightAfterTheStart_showsTheFirstStepAsTheNextStep() {
    Map<String, List<String>> firstTwo =
        Map.of(
            "at-risk", List.of("day-1-email", "day-3-email"),
            "expansion", List.of("day-1-usage-email", "day-7-case-study-email"),
            "onboarding", List.of("day-0-welcome-email", "day-2-setup-help"));
    firstTwo.forEach(
        (playbook, steps) -> {
          String customer = api.newCustomer("ryw");
          assertThat(start(playbook, customer).status()).isEqualTo(202);
          Response run = api.get("/api/playbooks/" + playbook + "-" + customer);
          assertThat(run.status()).as(playbook).isEqualTo(200);
          JsonNode taken = run.body().path("steps");
          assertThat(run.body().path("nextStep").path("step").asText())
              .as(playbook + " right after its start: " + run.body())
              .isEqualTo(taken.isEmpty() ? steps.get(0) : steps.get(1));
          assertThat(run.body().path("nextStep").path("at").asText()).isNotBlank();
        });
  }

  /**
   * The start is on the customer's timeline from the 202 on: the API writes it with the run's row,
   * at the row's own time, in the run's words; the run's own write of it, with its first step,
   * leaves that one in place, so it is there once.
   */
  @Test
  void start_isOnTheTimelineFromThe202_once_atTheRowsTime() {
    String customer = api.newCustomer("started");
    Response started = start("at-risk", customer);
    assertThat(started.status()).isEqualTo(202);
    assertThat(api.get("/api/customers/" + customer + "/timeline").body().toString())
        .contains("at-risk playbook started");
    api.await("/api/playbooks/at-risk-" + customer, WAIT, r -> r.body().path("steps").size() >= 1);
    List<Map<String, Object>> entries =
        jdbc.sql(
                """
                select t.kind, t.summary, t.at = r.started_at as at_start from timeline t
                join playbook_runs r on r.run_id = t.run_id
                where r.workflow_id = :w and t.entry_key = 'started#0'
                """)
            .param("w", started.text("workflowId"))
            .query()
            .listOfRows();
    assertThat(entries).hasSize(1);
    assertThat(entries.getFirst())
        .containsEntry("kind", "PLAYBOOK")
        .containsEntry("summary", "at-risk playbook started")
        .containsEntry("at_start", true);
  }

  /**
   * The API gives a hand-written run its first stage with the start's search attributes: the run's
   * {@code Stage} is there from its start event on, and the run upserts none before its first
   * timer.
   */
  @Test
  void start_givesTheRunItsFirstStage_soItUpsertsNoneBeforeItsFirstTimer()
      throws InterruptedException {
    String customer = api.newCustomer("stage");
    Response started = start("at-risk", customer);
    assertThat(started.status()).isEqualTo(202);
    String workflowId = started.text("workflowId");
    List<HistoryEvent> events = TemporalHistory.events(temporal, workflowId);
    for (long deadline = System.nanoTime() + WAIT.toNanos();
        events.stream().noneMatch(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED);
        events = TemporalHistory.events(temporal, workflowId)) {
      assertThat(System.nanoTime()).as("the run's first timer").isLessThan(deadline);
      Thread.sleep(50);
    }
    assertThat(
            events
                .getFirst()
                .getWorkflowExecutionStartedEventAttributes()
                .getSearchAttributes()
                .getIndexedFieldsMap()
                .get("Stage")
                .getData()
                .toStringUtf8())
        .isEqualTo("\"OUTREACH\"");
    assertThat(RecordedHistories.upsertsBeforeTheFirstTimer(events)).isZero();
  }

  @Test
  void secondStart_whileRunning_is409WithTheRunningId() {
    String customer = api.newCustomer("dup");
    assertThat(start("at-risk", customer).status()).isEqualTo(202);
    Response again = start("at-risk", customer);
    assertProblem(again, 409, null, "already running");
    assertThat(again.text("workflowId")).isEqualTo("at-risk-" + customer);
  }

  @Test
  void unknownPlaybook_orMissingInput_is400_andStartsNothing() {
    String customer = api.newCustomer("pb");
    assertProblem(start("win-back", customer), 400, "playbook", "unknown playbook");
    assertProblem(start("nps-follow-up", customer), 400, "playbook", "no NPS answer");
    assertProblem(
        api.post(
            "/api/playbooks",
            """
            {"playbook":"cancellation-save","customerId":"%s","reason":"BORED"}"""
                .formatted(customer)),
        400,
        "reason",
        "TOO_EXPENSIVE");
    assertThat(api.get("/api/playbooks?customerId=" + customer).body().size()).isZero();
  }

  @Test
  void everyPlaybookCanBeStartedByHand() {
    String customer = api.newCustomer("all");
    api.post(
        "/api/events/nps",
        """
        {"customerId":"%s","score":8}"""
            .formatted(customer));
    for (String playbook : List.of("at-risk", "expansion", "onboarding")) {
      assertThat(start(playbook, customer).status()).as(playbook).isEqualTo(202);
    }
    assertThat(start("nps-follow-up", customer).status()).isEqualTo(409);
    api.await(
        "/api/playbooks?customerId=" + customer + "&status=RUNNING",
        WAIT,
        r -> r.body().size() == 4);
  }

  @Test
  void unknownCustomer_is404_andMissingField_is400() {
    assertProblem(start("at-risk", "c-nobody"), 404, null, "c-nobody");
    assertProblem(
        api.post(
            "/api/playbooks",
            """
            {"playbook":"at-risk"}"""),
        400,
        "customerId",
        "customerId");
    assertProblem(api.post("/api/playbooks", "not json"), 400, null, "JSON");
  }

  @Test
  void unknownRun_is404() {
    assertProblem(api.get("/api/playbooks/at-risk-c-never"), 404, null, "at-risk-c-never");
    assertProblem(outcome("at-risk-c-never", "SAVED"), 404, null, "at-risk-c-never");
    assertProblem(api.delete("/api/playbooks/at-risk-c-never"), 404, null, "at-risk-c-never");
  }

  @Test
  void listFilters_areValidated() {
    assertProblem(api.get("/api/playbooks?status=SLEEPING"), 400, "status", "status");
    assertProblem(api.get("/api/playbooks?playbook=nope"), 400, "playbook", "nope");
  }

  @Test
  void outcomeWrongForTheStage_is400_sayingWhichAreValid_andLeavesNoTrace() {
    String customer = api.newCustomer("wrong");
    start("at-risk", customer);
    String id = "at-risk-" + customer;
    assertProblem(outcome(id, "OFFER_ACCEPTED"), 400, "type", "valid now");
    assertProblem(outcome(id, "CALL_COMPLETED"), 400, "type", "CUSTOMER_RESPONDED");
    assertProblem(outcome(id, "MAYBE"), 400, "type", "unknown outcome type");
    Response run = api.get("/api/playbooks/" + id);
    assertThat(run.text("status")).isEqualTo("RUNNING");
    assertThat(run.text("stage")).isEqualTo("OUTREACH");
  }

  @Test
  void outcomeFromAKey_namingAnUnknownCsm_is400NamingCsmId_andLeavesNoTrace() {
    String customer = api.newCustomer("ghost");
    start("at-risk", customer);
    String id = "at-risk-" + customer;
    Response refused =
        api.post(
            "/api/playbooks/" + id + "/outcomes",
            "{\"type\":\"CUSTOMER_RESPONDED\",\"csmId\":\"no-such-csm\"}");
    assertProblem(refused, 400, "csmId", "no-such-csm");
    Response run = api.get("/api/playbooks/" + id);
    assertThat(run.text("status")).isEqualTo("RUNNING");
    assertThat(run.text("stage")).isEqualTo("OUTREACH");
    assertThat(run.body().path("customerResponded").asBoolean()).isFalse();
  }

  @Test
  void outcome_returnsTheNewState_andAClosedRunRefusesMore() {
    String customer = api.newCustomer("saved");
    start("at-risk", customer);
    String id = "at-risk-" + customer;
    Response responded = outcome(id, "CUSTOMER_RESPONDED");
    assertThat(responded.status()).isEqualTo(200);
    assertThat(responded.text("stage")).isEqualTo("AWAITING_DECISION");
    assertThat(responded.body().path("customerResponded").asBoolean()).isTrue();
    Response saved = outcome(id, "SAVED");
    assertThat(saved.status()).isEqualTo(200);
    assertThat(saved.text("outcome")).isEqualTo("SAVED");
    api.await("/api/playbooks/" + id, WAIT, r -> "COMPLETED".equals(r.text("status")));
    assertProblem(outcome(id, "CHURNED"), 409, null, "closed");
    assertThat(
            api.get("/api/playbooks?customerId=" + customer).body().get(0).path("outcome").asText())
        .isEqualTo("SAVED");
  }

  @Test
  void outcome_answersTheRunAsAReadShowsIt_runIdAndStartIncluded() {
    String customer = api.newCustomer("answered");
    Response started = start("at-risk", customer);
    String id = "at-risk-" + customer;
    Response answered = outcome(id, "CUSTOMER_RESPONDED");
    assertThat(answered.status()).isEqualTo(200);
    // What the console draws the run from after an outcome, without reading the run again.
    Response read = api.get("/api/playbooks/" + id);
    assertThat(answered.text("runId")).isEqualTo(started.text("runId"));
    assertThat(answered.text("runId")).isEqualTo(read.text("runId"));
    assertThat(answered.text("startedAt")).isNotBlank().isEqualTo(read.text("startedAt"));
    assertThat(answered.text("stage")).isEqualTo(read.text("stage"));
    assertThat(answered.text("status")).isEqualTo("RUNNING");
  }

  @Test
  void delete_cancelsTheRun_withOutcomeCancelled() {
    String customer = api.newCustomer("del");
    start("at-risk", customer);
    String id = "at-risk-" + customer;
    Response running =
        api.await("/api/playbooks/" + id, WAIT, r -> r.body().path("steps").size() >= 1);
    assertThat(api.delete("/api/playbooks/" + id).status()).isEqualTo(202);
    // Recorded before the 202: from here on the run's email activities refuse to send.
    assertThat(
            jdbc.sql("select workflow_id from run_cancellations where run_id = :r")
                .param("r", running.text("runId"))
                .query(String.class)
                .list())
        .containsExactly(id);
    Response run =
        api.await("/api/playbooks/" + id, WAIT, r -> "CANCELLED".equals(r.text("status")));
    assertThat(run.text("outcome")).isEqualTo("CANCELLED");
    assertProblem(api.delete("/api/playbooks/" + id), 409, null, "closed");
    api.await(
        "/api/playbooks?customerId=" + customer,
        WAIT,
        r -> "CANCELLED".equals(r.body().get(0).path("status").asText()));
    // Closed: the same playbook can run again for the customer.
    assertThat(start("at-risk", customer).status()).isEqualTo(202);
  }

  @Test
  void healthBackAt60_endsTheRunRecovered() {
    String customer = api.newCustomer("rec");
    api.post("/api/customers/" + customer + "/metrics", HttpApi.metrics(3, 0, "NEGATIVE"));
    start("at-risk", customer);
    String id = "at-risk-" + customer;
    api.await(
        "/api/playbooks?customerId=" + customer + "&status=RUNNING",
        WAIT,
        r -> r.body().size() == 1);
    Response healthy =
        api.post(
            "/api/customers/" + customer + "/metrics",
            """
            {"queriesPerWeek":60,"featuresUsed":5,"loginsPerWeek":6,"emailOpenRate":0.6,
             "openTickets":0,"sentiment":"POSITIVE","planUsage":0.5}""");
    assertThat(healthy.body().path("workflowsInformed").toString()).contains(id);
    Response run =
        api.await("/api/playbooks/" + id, WAIT, r -> "COMPLETED".equals(r.text("status")));
    assertThat(run.text("outcome")).isEqualTo("RECOVERED");
  }
}
