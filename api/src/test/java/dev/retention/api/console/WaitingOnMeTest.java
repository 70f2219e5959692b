package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * "Runs waiting on me" lists the runs whose current wait is on the CSM, and no run that waits for
 * its next automated step, even one that would take an outcome now. A CSM with two customers: an
 * at-risk run waiting for its day-3 email, and an NPS detractor run waiting for the CSM's
 * OUTREACH_DONE.
 */
@ApiTest
class WaitingOnMeTest {

  static final Duration WAIT = Duration.ofSeconds(30);

  @LocalServerPort int port;

  @Test
  void runsWaitingOnMe_listsTheRunWaitingOnTheCsm_notTheOneWaitingForItsDay3Email() {
    HttpApi admin = new HttpApi(port);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String csmId = "wait-" + suffix;
    Response csm =
        admin.put(
            "/api/csms/" + csmId,
            """
            {"name":"Sam Jansen","email":"%s@example.com","managerEmail":"lead-%s@example.com"}"""
                .formatted(csmId, suffix));
    assertThat(csm.status()).as(csm.toString()).isIn(200, 201);
    String emailing = customer(admin, csmId, "emailing-" + suffix);
    String detractor = customer(admin, csmId, "detractor-" + suffix);
    HttpApi me = admin.login(csmId, admin.createLogin(csmId, "CSM", csmId, csmId + "@example.com"));

    Response nps =
        admin.post("/api/events/nps", "{\"customerId\":\"%s\",\"score\":2}".formatted(detractor));
    assertThat(nps.status()).as(nps.toString()).isEqualTo(202);
    admin.await(
        "/api/playbooks/nps-follow-up-" + detractor, WAIT, r -> "CSM".equals(r.text("waitingOn")));
    Response started =
        admin.post(
            "/api/playbooks", "{\"playbook\":\"at-risk\",\"customerId\":\"" + emailing + "\"}");
    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    String atRisk = "/api/playbooks/at-risk-" + emailing;
    Response waiting =
        admin.await(
            atRisk,
            WAIT,
            r -> "day-3-email".equals(r.body().path("nextStep").path("step").asText()));
    // It would take an outcome now (the customer may answer any time), but waits on no person.
    assertThat(waiting.text("waitingOn")).isEqualTo("AUTOMATED_STEP");
    assertThat(waiting.body().path("allowedOutcomes").size()).isPositive();

    Response runs = me.get("/console/work/runs");
    Response runPage = me.get("/console/runs/at-risk-" + emailing);

    assertThat(runs.status()).as(runs.toString()).isEqualTo(200);
    String list = runs.body().asText();
    assertThat(list).contains("card-nps-follow-up-" + detractor);
    assertThat(list).doesNotContain("at-risk-" + emailing);
    // The run was still waiting on its automated steps when the list was read.
    assertThat(admin.get(atRisk).text("waitingOn")).isEqualTo("AUTOMATED_STEP");
    // Its countdown is to a step of the playbook: past its time it is due, never overdue.
    assertThat(runPage.body().asText()).contains("class=\"countdown step-time\"");
  }

  private static String customer(HttpApi admin, String csmId, String id) {
    Response r =
        admin.put(
            "/api/customers/" + id,
            """
            {"name":"Customer %s","email":"ops@%s.example","csmId":"%s","plan":"Growth",
             "mrr":490,"planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
                .formatted(id, id, csmId));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return id;
  }
}
