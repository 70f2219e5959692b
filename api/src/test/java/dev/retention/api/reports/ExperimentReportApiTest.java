package dev.retention.api.reports;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retention.api.support.AbDefinitions;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The A/B test on the at-risk day-1 subject, end to end through HTTP: published as a version, runs
 * started for a CSM's fresh customers take each its variant (the one {@code Variants.assign}
 * gives), show it in their state and timeline, and the experiments report counts each variant's
 * runs, outcomes and save rate with its interval. The version is rolled back once the runs have
 * started (they keep it), so other tests' at-risk runs follow the shipped one.
 */
@ApiTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExperimentReportApiTest {

  static final Duration WAIT = Duration.ofSeconds(30);
  static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;
  HttpApi admin;
  String csm;
  final Map<String, String> variantOf = new HashMap<>();
  final Map<String, String> outcomeOf = new HashMap<>();

  @BeforeAll
  void runs() throws Exception {
    admin = new HttpApi(port);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    csm = "ab-" + suffix;
    Response putCsm =
        admin.put(
            "/api/csms/" + csm,
            "{\"name\":\"CSM %s\",\"email\":\"%s@example.com\",\"managerEmail\":\"lead-%s@example.com\"}"
                .formatted(csm, csm, suffix));
    assertThat(putCsm.status()).as(putCsm.toString()).isIn(200, 201);

    int before =
        admin.get("/api/playbook-definitions/at-risk").body().path("publishedVersion").asInt();
    Response draft =
        admin.post(
            "/api/playbook-definitions/at-risk/versions",
            JSON.writeValueAsString(
                Map.of(
                    "yaml",
                    AbDefinitions.atRiskWithDay1SubjectSplit(),
                    "note",
                    "A/B on the day-1 subject")));
    assertThat(draft.status()).as(draft.toString()).isEqualTo(201);
    int split = draft.body().path("version").asInt();
    List<String> customers = new ArrayList<>();
    try {
      assertThat(
              admin
                  .post(
                      "/api/playbook-definitions/at-risk/versions/" + split + "/publish",
                      "{\"note\":\"A/B on the day-1 subject\"}")
                  .status())
          .isEqualTo(200);
      for (int i = 0; i < 6; i++) {
        String customer = customer();
        customers.add(customer);
        Response started =
            admin.post(
                "/api/playbooks", "{\"playbook\":\"at-risk\",\"customerId\":\"" + customer + "\"}");
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
      }
    } finally {
      assertThat(
              admin
                  .post(
                      "/api/playbook-definitions/at-risk/versions/" + before + "/publish",
                      "{\"note\":\"back\"}")
                  .status())
          .isEqualTo(200);
    }
    for (int i = 0; i < customers.size(); i++) {
      String customer = customers.get(i);
      variantOf.put(customer, AbDefinitions.variantOf(customer));
      String outcome = i % 3 == 2 ? "CHURNED" : "SAVED";
      outcomeOf.put(customer, outcome);
      String run = "/api/playbooks/at-risk-" + customer;
      Response shown =
          admin.await(run, WAIT, r -> r.body().path("variants").has(AbDefinitions.EXPERIMENT));
      assertThat(shown.body().path("playbookVersion").asInt()).isEqualTo(split);
      for (String type : List.of("CUSTOMER_RESPONDED", outcome)) {
        Response r = admin.post(run + "/outcomes", "{\"type\":\"" + type + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
      }
      admin.await(run, WAIT, r -> "COMPLETED".equals(r.text("status")));
    }
    admin.await(
        "/api/reports/experiments?playbook=at-risk&csmId=" + csm,
        WAIT,
        r -> {
          long decided = 0;
          for (JsonNode e : r.body().path("experiments")) {
            for (JsonNode v : e.path("variants")) {
              decided += v.path("decided").asLong();
            }
          }
          return decided == customers.size();
        });
  }

  @Test
  void eachRun_showsTheVariantItTook_inItsStateAndTimeline() {
    variantOf.forEach(
        (customer, variant) -> {
          JsonNode run = admin.get("/api/playbooks/at-risk-" + customer).body();
          assertThat(run.path("variants").path(AbDefinitions.EXPERIMENT).asText())
              .as(customer)
              .isEqualTo(variant);
          assertThat(run.path("steps").get(0).path("step").asText()).isEqualTo("day-1-subject-ab");
          Response timeline = admin.get("/api/customers/" + customer + "/timeline");
          assertThat(timeline.body().toString()).contains("A/B day-1-subject: variant " + variant);
        });
  }

  @Test
  void theExperimentReport_givesEachVariantsRunsOutcomesAndSaveRateWithItsInterval() {
    Response answer = admin.get("/api/reports/experiments?playbook=at-risk&csmId=" + csm);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(answer.body().path("playbook").asText()).isEqualTo("at-risk");
    assertThat(answer.body().path("scope").path("covers").asText()).isEqualTo("SELECTED");
    JsonNode experiments = answer.body().path("experiments");
    assertThat(experiments).hasSize(1);
    JsonNode experiment = experiments.get(0);
    assertThat(experiment.path("experiment").asText()).isEqualTo(AbDefinitions.EXPERIMENT);
    assertThat(experiment.path("rate").asText()).isEqualTo("saveRate");
    Map<String, long[]> expected = new HashMap<>();
    variantOf.forEach(
        (customer, variant) -> {
          long[] c = expected.computeIfAbsent(variant, v -> new long[2]);
          c[0]++;
          if (outcomeOf.get(customer).equals("SAVED")) {
            c[1]++;
          }
        });
    assertThat(experiment.path("variants")).hasSize(expected.size());
    for (JsonNode v : experiment.path("variants")) {
      long[] c = expected.get(v.path("variant").asText());
      assertThat(v.path("runs").asLong()).as(v.toString()).isEqualTo(c[0]);
      assertThat(v.path("running").asLong()).isZero();
      assertThat(v.path("decided").asLong()).isEqualTo(c[0]);
      assertThat(v.path("successes").asLong()).isEqualTo(c[1]);
      assertThat(v.path("outcomes").path("SAVED").asLong()).isEqualTo(c[1]);
      assertThat(v.path("rate").asDouble()).isEqualTo(Math.round(10000.0 * c[1] / c[0]) / 10000.0);
      double low = v.path("interval").path("low").asDouble();
      double high = v.path("interval").path("high").asDouble();
      assertThat(low).isLessThanOrEqualTo(v.path("rate").asDouble());
      assertThat(high).isGreaterThanOrEqualTo(v.path("rate").asDouble());
      assertThat(high - low).isPositive();
    }
  }

  @Test
  void aBadPlaybookOrWindow_is400NamingTheField() {
    assertProblem(
        admin.get("/api/reports/experiments?playbook=At%20Risk"), 400, "playbook", "playbook id");
    assertProblem(admin.get("/api/reports/experiments?from=yesterday"), 400, "from", "ISO-8601");
    JsonNode none = admin.get("/api/reports/experiments?playbook=onboarding&csmId=" + csm).body();
    assertThat(none.path("experiments").size()).isZero();
  }

  private String customer() {
    String id = "ab-" + UUID.randomUUID().toString().substring(0, 8);
    Response r =
        admin.put(
            "/api/customers/" + id,
            """
            {"name":"Globex","email":"ops@globex.example","csmId":"%s","plan":"Growth","mrr":490,
             "planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
                .formatted(csm));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return id;
  }
}
