package dev.retention.api.reports;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.AbDefinitions;
import dev.retention.api.support.AbRuns;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
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

  @LocalServerPort int port;
  HttpApi admin;
  String csm;
  List<AbRuns.Run> runs;

  @BeforeAll
  void runs() {
    admin = new HttpApi(port);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    csm = "ab-" + suffix;
    Response putCsm =
        admin.put(
            "/api/csms/" + csm,
            "{\"name\":\"CSM %s\",\"email\":\"%s@example.com\",\"managerEmail\":\"lead-%s@example.com\"}"
                .formatted(csm, csm, suffix));
    assertThat(putCsm.status()).as(putCsm.toString()).isIn(200, 201);
    runs = AbRuns.closedRuns(admin, csm, 6);
  }

  @Test
  void eachRun_showsTheVariantItTook_inItsStateAndTimeline() {
    runs.forEach(
        r -> {
          String customer = r.customer();
          String variant = r.variant();
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
    Map<String, long[]> expected = AbRuns.perVariant(runs);
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
}
