package dev.retention.api.reports;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Reports scoped by who asks. A team of its own (a manager, CSMs a and b) and a CSM x of another
 * team, each with fresh customers: at-risk runs closed SAVED (a, x) and CHURNED (b), NPS answers 10
 * (a), 3 (b) and 0 (x), onboarding for a and x. Other tests share the database, so the figures
 * asserted exactly are those only this data can move: the team's, or a csmId filter's.
 */
@ApiTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportApiTest {

  static final Duration WAIT = Duration.ofSeconds(30);
  static final List<String> REPORTS =
      List.of("/api/reports/playbooks", "/api/reports/nps", "/api/reports/onboarding");

  @LocalServerPort int port;
  HttpApi admin;
  String suffix;
  String csmA;
  String csmB;
  String csmX;
  HttpApi lead;
  HttpApi csm;

  @BeforeAll
  void fixture() {
    admin = new HttpApi(port);
    suffix = UUID.randomUUID().toString().substring(0, 8);
    String managerEmail = "lead-" + suffix + "@example.com";
    csmA = "rep-a-" + suffix;
    csmB = "rep-b-" + suffix;
    csmX = "rep-x-" + suffix;
    putCsm(csmA, managerEmail);
    putCsm(csmB, managerEmail);
    putCsm(csmX, "other-lead-" + suffix + "@example.com");
    String customerA = customer(csmA);
    String customerB = customer(csmB);
    String customerX = customer(csmX);

    decideAtRisk(customerA, "SAVED");
    decideAtRisk(customerB, "CHURNED");
    decideAtRisk(customerX, "SAVED");
    nps(customerA, 10);
    nps(customerB, 3);
    nps(customerX, 0);
    signup(customerA);
    signup(customerX);

    lead = person("lead-" + suffix, "MANAGER", null, managerEmail);
    csm = person("csm-" + suffix, "CSM", csmA, csmA + "@example.com");
    // The projection records outcomes moments after the runs close.
    admin.await(
        "/api/reports/playbooks?csmId=" + csmA + "," + csmB + "," + csmX,
        WAIT,
        r -> {
          long decided = 0;
          for (JsonNode count : playbook(r.body(), "at-risk").path("outcomes")) {
            decided += count.asLong();
          }
          return decided == 3;
        });
  }

  @Test
  void aManager_seesOnlyTheirTeamsRuns_inEachReport() {
    Response playbooks = lead.get("/api/reports/playbooks");
    assertThat(playbooks.status()).as(playbooks.toString()).isEqualTo(200);
    assertTeamScope(playbooks.body());
    JsonNode atRisk = playbook(playbooks.body(), "at-risk");
    assertThat(atRisk.path("started").asLong()).isEqualTo(2);
    assertThat(atRisk.path("running").asLong()).isZero();
    assertThat(atRisk.path("outcomes").path("SAVED").asLong()).isEqualTo(1);
    assertThat(atRisk.path("outcomes").path("CHURNED").asLong()).isEqualTo(1);
    assertThat(atRisk.path("outcomes").size()).isEqualTo(2);
    assertThat(atRisk.path("saveRate").asDouble()).isEqualTo(0.5);
    assertThat(playbook(playbooks.body(), "nps-follow-up").path("started").asLong()).isEqualTo(2);
    assertThat(playbook(playbooks.body(), "onboarding").path("started").asLong()).isEqualTo(1);
    assertThat(playbook(playbooks.body(), "expansion").path("started").asLong()).isZero();
    assertThat(playbook(playbooks.body(), "cancellation-save").path("started").asLong()).isZero();

    Response nps = lead.get("/api/reports/nps");
    assertThat(nps.status()).as(nps.toString()).isEqualTo(200);
    assertTeamScope(nps.body());
    assertThat(nps.body().path("responses").asLong()).isEqualTo(2);
    assertThat(nps.body().path("promoters").asLong()).isEqualTo(1);
    assertThat(nps.body().path("detractors").asLong()).isEqualTo(1);
    assertThat(nps.body().path("nps").asInt()).isZero();

    Response onboarding = lead.get("/api/reports/onboarding");
    assertThat(onboarding.status()).as(onboarding.toString()).isEqualTo(200);
    assertTeamScope(onboarding.body());
    assertThat(onboarding.body().path("started").asLong()).isEqualTo(1);
    // The contract's fields are all still there beside scope.
    assertThat(onboarding.body().has("from")).isTrue();
    assertThat(onboarding.body().has("to")).isTrue();
    assertThat(onboarding.body().has("completionRate")).isTrue();
  }

  @Test
  void aManager_mayNarrowTheReportToCsmsOfTheTeam() {
    JsonNode onlyA = lead.get("/api/reports/playbooks?csmId=" + csmA).body();
    assertThat(onlyA.path("scope").path("covers").asText()).isEqualTo("SELECTED");
    assertThat(ids(onlyA.path("scope").path("csmIds"))).containsExactly(csmA);
    assertThat(playbook(onlyA, "at-risk").path("started").asLong()).isEqualTo(1);
    assertThat(playbook(onlyA, "at-risk").path("saveRate").asDouble()).isEqualTo(1.0);

    JsonNode onlyB = lead.get("/api/reports/playbooks?csmId=" + csmB).body();
    assertThat(playbook(onlyB, "at-risk").path("saveRate").asDouble()).isEqualTo(0.0);
    assertThat(lead.get("/api/reports/nps?csmId=" + csmB).body().path("nps").asInt())
        .isEqualTo(-100);
    assertThat(lead.get("/api/reports/onboarding?csmId=" + csmB).body().path("started").asLong())
        .isZero();

    // Comma-separated or repeated: the same filter.
    JsonNode comma = lead.get("/api/reports/nps?csmId=" + csmB + "," + csmA).body();
    JsonNode repeated = lead.get("/api/reports/nps?csmId=" + csmA + "&csmId=" + csmB).body();
    assertThat(ids(comma.path("scope").path("csmIds"))).containsExactly(csmA, csmB);
    assertThat(repeated.path("scope")).isEqualTo(comma.path("scope"));
    assertThat(repeated.path("responses").asLong()).isEqualTo(2);
    assertThat(comma.path("responses").asLong()).isEqualTo(2);
  }

  @Test
  void aManager_namingACsmOutsideTheTeam_is403NamingCsmId() {
    for (String report : REPORTS) {
      for (String filter : List.of(csmX, csmA + "," + csmX, "rep-nobody-" + suffix)) {
        Response r = lead.get(report + "?csmId=" + filter);
        assertProblem(r, 403, "csmId", "not on your team");
        assertThat(r.text("detail")).contains(filter.substring(filter.lastIndexOf(',') + 1));
        assertThat(r.text("detail")).doesNotContain(csmA);
      }
    }
  }

  @Test
  void aManagerWithoutATeam_seesNothing_notEveryonesFigures() {
    String username = "lone-" + suffix;
    HttpApi lone = person(username, "MANAGER", null, username + "@example.com");
    JsonNode playbooks = lone.get("/api/reports/playbooks").body();
    assertThat(playbooks.path("scope").path("covers").asText()).isEqualTo("TEAM");
    assertThat(playbooks.path("scope").path("csmIds").size()).isZero();
    for (JsonNode p : playbooks.path("playbooks")) {
      assertThat(p.path("started").asLong()).as(p.toString()).isZero();
    }
    JsonNode nps = lone.get("/api/reports/nps").body();
    assertThat(nps.path("responses").asLong()).isZero();
    assertThat(nps.path("nps").isNull()).isTrue();
    assertThat(lone.get("/api/reports/onboarding").body().path("started").asLong()).isZero();
  }

  @Test
  void anAdmin_andAReadKey_seeEveryonesRuns_andMayFilterByAnyCsm() {
    String all = csmA + "," + csmB + "," + csmX;
    HttpApi readKey = admin.withKey(admin.createKey("read"));
    HttpApi adminPerson =
        person("admin-" + suffix, "ADMIN", null, "admin-" + suffix + "@example.com");
    for (HttpApi caller : List.of(admin, readKey, adminPerson)) {
      JsonNode playbooks = caller.get("/api/reports/playbooks").body();
      assertThat(playbooks.path("scope").path("covers").asText()).isEqualTo("ALL");
      assertThat(playbooks.path("scope").has("csmIds")).isFalse();
      // Everyone's runs: at least the team's and x's.
      assertThat(playbook(playbooks, "at-risk").path("started").asLong()).isGreaterThanOrEqualTo(3);
      JsonNode nps = caller.get("/api/reports/nps").body();
      assertThat(nps.path("scope").path("covers").asText()).isEqualTo("ALL");
      assertThat(nps.path("responses").asLong()).isGreaterThanOrEqualTo(3);
      assertThat(caller.get("/api/reports/onboarding").body().path("started").asLong())
          .isGreaterThanOrEqualTo(2);

      JsonNode filtered = caller.get("/api/reports/playbooks?csmId=" + all).body();
      assertThat(filtered.path("scope").path("covers").asText()).isEqualTo("SELECTED");
      assertThat(ids(filtered.path("scope").path("csmIds"))).containsExactly(csmA, csmB, csmX);
      JsonNode atRisk = playbook(filtered, "at-risk");
      assertThat(atRisk.path("started").asLong()).isEqualTo(3);
      assertThat(atRisk.path("saveRate").asDouble()).isEqualTo(0.6667);
      JsonNode npsFiltered = caller.get("/api/reports/nps?csmId=" + all).body();
      assertThat(npsFiltered.path("responses").asLong()).isEqualTo(3);
      assertThat(npsFiltered.path("nps").asInt()).isEqualTo(-33);
      assertThat(caller.get("/api/reports/onboarding?csmId=" + all).body().path("started").asLong())
          .isEqualTo(2);
      // Another team's CSM alone, and an id no CSM has (nothing to count).
      assertThat(caller.get("/api/reports/nps?csmId=" + csmX).body().path("nps").asInt())
          .isEqualTo(-100);
      assertThat(
              caller
                  .get("/api/reports/nps?csmId=rep-nobody-" + suffix)
                  .body()
                  .path("responses")
                  .asLong())
          .isZero();
    }
  }

  @Test
  void aCsm_isRefusedReports_evenForTheirOwnRuns() {
    for (String report : REPORTS) {
      assertProblem(csm.get(report), 403, null, "MANAGER");
      assertProblem(csm.get(report + "?csmId=" + csmA), 403, null, "MANAGER");
    }
  }

  @Test
  void aBadCsmId_is400NamingCsmId_andChangesNothing() {
    JsonNode before = lead.get("/api/reports/playbooks").body().path("playbooks");
    List<String> bad = new ArrayList<>();
    bad.add("");
    bad.add(csmA + ",");
    bad.add(csmA + ",," + csmB);
    bad.add("a%0Ab");
    bad.add(csmA + "%00");
    bad.add("has%20space");
    bad.add("c".repeat(65));
    bad.add(String.join(",", java.util.Collections.nCopies(201, csmA)));
    for (String report : REPORTS) {
      for (String value : bad) {
        for (HttpApi caller : List.of(admin, lead)) {
          Response r = caller.get(report + "?csmId=" + value);
          assertThat(r.status()).as(report + "?csmId=" + value + ": " + r).isEqualTo(400);
          assertProblem(r, 400, "csmId", "csmId");
        }
      }
    }
    assertThat(lead.get("/api/reports/playbooks").body().path("playbooks")).isEqualTo(before);
  }

  @Test
  void theLeadDashboard_coversWhatTheReportsCoverForTheSamePerson() {
    String team = lead.get("/console/lead").body().asText();
    assertThat(team).contains("data-covers=\"TEAM\"");
    assertThat(team).contains("data-csm-ids=\"" + csmA + "," + csmB + "\"");
    assertThat(team).contains("Your team").contains("CSM " + csmA).contains("CSM " + csmB);
    assertThat(team).doesNotContain("CSM " + csmX);
    assertThat(team).contains("data-responses=\"2\"");

    HttpApi adminPerson =
        person("admin-page-" + suffix, "ADMIN", null, "admin-page-" + suffix + "@example.com");
    String all = adminPerson.get("/console/lead").body().asText();
    assertThat(all).contains("data-covers=\"ALL\"").contains("All teams");

    String lone =
        person("lone-page-" + suffix, "MANAGER", null, "lone-page-" + suffix + "@example.com")
            .get("/console/lead?lang=en")
            .body()
            .asText();
    assertThat(lone).contains("data-covers=\"TEAM\"").contains("nothing of your team to show");
    assertThat(lone).contains("data-responses=\"0\"");
  }

  // ---- fixture ---------------------------------------------------------------------------------

  private void assertTeamScope(JsonNode answer) {
    assertThat(answer.path("scope").path("covers").asText())
        .as(answer.toString())
        .isEqualTo("TEAM");
    assertThat(ids(answer.path("scope").path("csmIds"))).containsExactly(csmA, csmB);
  }

  private static JsonNode playbook(JsonNode answer, String playbook) {
    for (JsonNode p : answer.path("playbooks")) {
      if (p.path("playbook").asText().equals(playbook)) {
        return p;
      }
    }
    throw new AssertionError("no " + playbook + " in " + answer);
  }

  private static List<String> ids(JsonNode array) {
    List<String> ids = new ArrayList<>();
    array.forEach(id -> ids.add(id.asText()));
    return ids;
  }

  private void decideAtRisk(String customer, String outcome) {
    Response started =
        admin.post(
            "/api/playbooks", "{\"playbook\":\"at-risk\",\"customerId\":\"" + customer + "\"}");
    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    String run = "/api/playbooks/at-risk-" + customer;
    for (String type : List.of("CUSTOMER_RESPONDED", outcome)) {
      Response r = admin.post(run + "/outcomes", "{\"type\":\"" + type + "\"}");
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
    admin.await(run, WAIT, r -> "COMPLETED".equals(r.text("status")));
  }

  private void nps(String customer, int score) {
    Response r =
        admin.post(
            "/api/events/nps", "{\"customerId\":\"%s\",\"score\":%d}".formatted(customer, score));
    assertThat(r.status()).as(r.toString()).isEqualTo(202);
  }

  private void signup(String customer) {
    Response r = admin.post("/api/events/signup", "{\"customerId\":\"" + customer + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(202);
  }

  private HttpApi person(String username, String role, String csmId, String email) {
    return admin.login(username, admin.createLogin(username, role, csmId, email));
  }

  private void putCsm(String id, String managerEmail) {
    Response r =
        admin.put(
            "/api/csms/" + id,
            "{\"name\":\"CSM %s\",\"email\":\"%s@example.com\",\"managerEmail\":\"%s\"}"
                .formatted(id, id, managerEmail));
    assertThat(r.status()).as(r.toString()).isIn(200, 201);
  }

  private String customer(String csmId) {
    String id = "rep-" + UUID.randomUUID().toString().substring(0, 8);
    Response r =
        admin.put(
            "/api/customers/" + id,
            """
            {"name":"Globex","email":"ops@globex.example","csmId":"%s","plan":"Growth","mrr":490,
             "planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
                .formatted(csmId));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return id;
  }
}
