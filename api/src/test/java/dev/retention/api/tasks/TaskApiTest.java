package dev.retention.api.tasks;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@ApiTest
class TaskApiTest {

  static final Duration WAIT = Duration.ofSeconds(30);

  @LocalServerPort int port;
  HttpApi admin;
  String customer;
  String csmEmail;
  HttpApi csm;

  @BeforeEach
  void setUp() {
    admin = new HttpApi(port);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String csmId = "csm-t-" + suffix;
    csmEmail = "t-" + suffix + "@example.com";
    admin.put(
        "/api/csms/" + csmId,
        "{\"name\":\"Tess\",\"email\":\""
            + csmEmail
            + "\",\"managerEmail\":\"m-"
            + suffix
            + "@example.com\"}");
    customer = "c-t-" + suffix;
    admin.put(
        "/api/customers/" + customer,
        """
        {"name":"Globex","email":"ops@globex.example","csmId":"%s","plan":"Growth","mrr":490,
         "planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
            .formatted(csmId));
    String password = admin.createLogin("tess-" + suffix, "CSM", csmId, csmEmail);
    csm = admin.login("tess-" + suffix, password);
    admin.post(
        "/api/events/nps",
        "{\"customerId\":\"" + customer + "\",\"score\":2,\"comment\":\"slow\"}");
  }

  private JsonNode detractorTask(HttpApi as, String query) {
    Response r =
        as.await(
            "/api/tasks?" + query,
            WAIT,
            x ->
                StreamSupport.stream(x.body().path("items").spliterator(), false)
                    .anyMatch(t -> t.path("customerId").asText().equals(customer)));
    return StreamSupport.stream(r.body().path("items").spliterator(), false)
        .filter(t -> t.path("step").asText().equals("detractor-task"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void myTasks_urgentFirst_snooze_complete_andNoSecondCompletion() {
    JsonNode task = detractorTask(csm, "assignee=me");
    assertThat(task.path("priority").asText()).isEqualTo("URGENT");
    assertThat(task.path("status").asText()).isEqualTo("OPEN");
    long id = task.path("id").asLong();

    assertProblem(
        csm.post("/api/tasks/" + id + "/snooze", "{\"until\":\"2001-01-01T00:00:00Z\"}"),
        400,
        "until",
        "future");
    Instant later = Instant.now().plus(Duration.ofHours(3));
    Response snoozed = csm.post("/api/tasks/" + id + "/snooze", "{\"until\":\"" + later + "\"}");
    assertThat(snoozed.text("status")).isEqualTo("SNOOZED");
    assertThat(
            csm.get("/api/tasks?assignee=me&customerId=" + customer)
                .body()
                .path("items")
                .findValuesAsText("step"))
        .doesNotContain("detractor-task");
    Response snoozedList = csm.get("/api/tasks?assignee=me&status=SNOOZED");
    assertThat(snoozedList.body().path("items").findValuesAsText("step"))
        .as(snoozedList.toString())
        .contains("detractor-task");

    Response done =
        csm.post("/api/tasks/" + id + "/complete", "{\"note\":\"called them, agreed a fix\"}");
    assertThat(done.status()).as(done.toString()).isEqualTo(200);
    assertThat(done.text("status")).isEqualTo("DONE");
    assertThat(done.text("closedBy")).startsWith("person:tess-");
    assertThat(done.text("closeNote")).isEqualTo("called them, agreed a fix");
    Response again = csm.post("/api/tasks/" + id + "/complete", "{}");
    assertProblem(again, 409, null, "DONE");
    // The task's own status has a name of its own: "status" is the HTTP status (RFC 9457).
    assertThat(again.text("taskStatus")).isEqualTo("DONE");
  }

  @Test
  void anotherCsm_neitherSeesNorCompletesTheTask() {
    long id = detractorTask(admin, "assignee=" + csmEmail).path("id").asLong();
    String stranger = admin.newCustomer("t-other");
    String otherCsm = admin.get("/api/customers/" + stranger).text("csmId");
    String pw = admin.createLogin("o-" + otherCsm, "CSM", otherCsm, otherCsm + "@example.com");
    HttpApi other = admin.login("o-" + otherCsm, pw);
    assertThat(other.get("/api/tasks?assignee=" + csmEmail).body().path("total").asLong()).isZero();
    assertProblem(other.post("/api/tasks/" + id + "/complete", "{}"), 403, null, "portfolio");
    assertProblem(admin.get("/api/tasks?status=LATER"), 400, "status", "statuses are");
    assertProblem(admin.post("/api/tasks/999999999/complete", "{}"), 404, null, "no task");
  }

  @Test
  void theDetractorTask_isDoneOnceOutreachIsRecorded_andNoTaskOfTheRunStaysOpen() {
    detractorTask(admin, "customerId=" + customer);
    String run = "/api/playbooks/nps-follow-up-" + customer + "/outcomes";
    for (String type :
        new String[] {"OUTREACH_DONE", "CALL_COMPLETED", "RECOVERY_PLAN", "RESOLVED"}) {
      Response r = admin.post(run, "{\"type\":\"" + type + "\",\"note\":\"plan\"}");
      assertThat(r.status()).as(type + " " + r).isEqualTo(200);
    }
    Response done =
        admin.await(
            "/api/tasks?status=DONE&customerId=" + customer,
            WAIT,
            r -> r.body().path("items").findValuesAsText("step").contains("detractor-task"));
    JsonNode task = null;
    for (JsonNode item : done.body().path("items")) {
      if ("detractor-task".equals(item.path("step").asText())) {
        task = item;
      }
    }
    assertThat(task).isNotNull();
    assertThat(task.path("closeNote").asText()).contains("OUTREACH_DONE");
    // The manager's escalation (if the 24-hour SLA passed first) ended with it: the detractor
    // was contacted. Nothing of the run is left open, so nothing counts as a breached SLA.
    admin.await(
        "/api/tasks?status=OPEN&customerId=" + customer,
        WAIT,
        r -> r.body().path("total").asLong() == 0);
  }
}
