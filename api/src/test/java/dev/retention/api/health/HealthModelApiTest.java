package dev.retention.api.health;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import dev.retention.data.scoring.HealthModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The health model over HTTP: read, schema, drafts validated with a JSON pointer to the problem,
 * the preview's counts, publishing (the playbook-editor permission, audited) that applies to new
 * scores only, and a backend's own score that the bands turn into playbooks. Every test leaves the
 * shipped default (version 1) published, as the other API tests expect.
 */
@ApiTest
class HealthModelApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Critical up to 49 (the default: 39). */
  static final String HIGHER_CRITICAL =
      HealthModel.defaultJson()
          .replace("\"max\": 39}", "\"max\": 49}")
          .replace("\"min\": 40, \"max\": 59}", "\"min\": 50, \"max\": 59}");

  /** At risk up to 69 (the default: 59). */
  static final String WIDER_AT_RISK =
      HealthModel.defaultJson()
          .replace("\"min\": 40, \"max\": 59}", "\"min\": 40, \"max\": 69}")
          .replace("\"min\": 60, \"max\": 79}", "\"min\": 70, \"max\": 79}");

  @LocalServerPort int port;
  HttpApi admin;

  @BeforeEach
  void setUp() {
    admin = new HttpApi(port);
  }

  @AfterEach
  void restoreTheDefault() {
    if (admin.get("/api/health-model").body().path("version").asInt() != 1) {
      Response back =
          admin.post("/api/health-model/versions/1/publish", "{\"note\":\"test: default again\"}");
      assertThat(back.status()).as(back.toString()).isEqualTo(200);
    }
  }

  @Test
  void thePublishedModel_isTheShippedDefault_andTheSchemaIsServedAsInTheRepository()
      throws IOException {
    Response model = admin.get("/api/health-model");
    assertThat(model.status()).as(model.toString()).isEqualTo(200);
    assertThat(model.body().path("version").asInt()).isEqualTo(1);
    assertThat(model.text("status")).isEqualTo("PUBLISHED");
    assertThat(model.body().path("model")).isEqualTo(JSON.readTree(HealthModel.defaultJson()));
    assertThat(admin.get("/api/health-model/versions").body().get(0).has("status")).isTrue();

    Response schema = admin.get("/api/health-model/schema");
    assertThat(schema.status()).isEqualTo(200);
    assertThat(schema.contentType()).startsWith("application/schema+json");
    assertThat(schema.body())
        .isEqualTo(
            JSON.readTree(Files.readString(Path.of("..", "docs", "health-model.schema.json"))));
    // A CSM reads the model too.
    assertThat(csm().get("/api/health-model").status()).isEqualTo(200);
  }

  /** The OpenAPI document says a model is a JSON object (the schema endpoint has its format). */
  @Test
  void theOpenApiDocument_describesTheModelAsAnObject() {
    JsonNode schemas = admin.get("/v3/api-docs").body().path("components").path("schemas");
    for (String schema :
        List.of("HealthModelVersion", "HealthModelDraft", "HealthModelPreviewRequest")) {
      JsonNode model = schemas.path(schema).path("properties").path("model");
      assertThat(model.toString()).as(schema).contains("object").doesNotContain("properties");
    }
  }

  @Test
  void aBadModel_isRefused_namingThePlaceWithAJsonPointer_andNothingIsStored() {
    int before = admin.get("/api/health-model/versions").body().size();
    assertProblem(
        draft(HealthModel.defaultJson().replace("\"weight\": 0.4", "\"weight\": 0.3")),
        400,
        "/model/components",
        "sum to 1");
    assertProblem(
        draft(
            HealthModel.defaultJson()
                .replace("{\"from\": 10, \"score\": 75}", "{\"from\": 1, \"score\": 75}")),
        400,
        "/model/components/usage/metrics/queriesPerWeek/2/from",
        "ascending");
    assertProblem(
        draft(HealthModel.defaultJson().replace("\"min\": 60,", "\"min\": 61,")),
        400,
        "/model/bands/2/min",
        "without gap");
    Response refused =
        draft(HealthModel.defaultJson().replace("\"weight\": 0.4", "\"weight\": \"0.4\""));
    assertProblem(refused, 400, "/model/components/usage/weight", "0 to 1");
    assertThat(refused.text("pointer")).isEqualTo("/model/components/usage/weight");
    assertProblem(admin.post("/api/health-model/versions", "{\"note\":\"x\"}"), 400, "model", "");
    assertProblem(
        admin.post("/api/health-model/preview", "{\"model\":{\"format\":1}}"),
        400,
        "/model/components",
        "required");
    assertProblem(admin.post("/api/health-model/preview", "{}"), 400, "model", "either");
    assertThat(admin.get("/api/health-model/versions").body().size()).isEqualTo(before);
  }

  @Test
  void publishing_needsThePlaybookEditorPermission_andIsAudited() {
    // A manager (a CS lead) drafts; neither a CSM nor a manager publishes; an admin does.
    HttpApi manager = person("MANAGER", null);
    Response drafted = manager.post("/api/health-model/versions", body(HIGHER_CRITICAL, "lead"));
    assertThat(drafted.status()).as(drafted.toString()).isEqualTo(201);
    int version = drafted.body().path("version").asInt();
    assertThat(drafted.text("status")).isEqualTo("DRAFT");
    String publish = "/api/health-model/versions/" + version + "/publish";
    String note = "{\"note\":\"critical below 50\"}";

    Response csm = csm().post(publish, note);
    assertProblem(csm, 403, null, "");
    assertThat(csm.text("detail")).contains("playbook-editor");
    assertProblem(manager.post(publish, note), 403, null, "");
    assertProblem(
        csm().post("/api/health-model/versions", body(HIGHER_CRITICAL, "x")), 403, null, "");
    assertProblem(admin.withKey(admin.createKey("read")).post(publish, note), 403, null, "");
    assertThat(admin.get("/api/health-model").body().path("version").asInt()).isEqualTo(1);

    assertProblem(admin.post(publish, "{}"), 400, "note", "");
    HttpApi editor = admin.withKey(admin.createKey("playbook-editor"));
    Response published = editor.post(publish, note);
    assertThat(published.status()).as(published.toString()).isEqualTo(200);
    assertThat(published.text("status")).isEqualTo("PUBLISHED");
    assertThat(published.text("note")).isEqualTo("critical below 50");
    assertThat(published.text("publishedBy")).startsWith("key:");
    assertThat(admin.get("/api/health-model").body().path("version").asInt()).isEqualTo(version);
    assertProblem(editor.post(publish, note), 409, null, "published version already");
    assertProblem(editor.post("/api/health-model/versions/99999/publish", note), 404, null, "");

    List<String> audited = new ArrayList<>();
    admin
        .get("/api/audit?size=200")
        .body()
        .path("items")
        .forEach(e -> audited.add(e.path("action").asText() + " " + e.path("status").asInt()));
    assertThat(audited)
        .contains(
            "POST /api/health-model/versions/{version}/publish 200",
            "POST /api/health-model/versions/{version}/publish 403");
  }

  @Test
  void thePreview_countsTheCustomersThatChangeBand() {
    JsonNode before = preview(HIGHER_CRITICAL);
    String atRisk = admin.newCustomer("preview-risk");
    String healthy = admin.newCustomer("preview-fine");
    // 46 at risk; 100 healthy.
    metrics(atRisk, HttpApi.metrics(3, 0, "NEGATIVE"));
    metrics(
        healthy,
        """
        {"queriesPerWeek":60,"featuresUsed":5,"loginsPerWeek":6,"emailOpenRate":0.6,
         "openTickets":0,"sentiment":"POSITIVE","planUsage":0.3}""");

    JsonNode after = preview(HIGHER_CRITICAL);
    assertThat(after.path("customers").asInt() - before.path("customers").asInt()).isEqualTo(2);
    assertThat(after.path("changed").asInt() - before.path("changed").asInt()).isEqualTo(1);
    List<JsonNode> mine = new ArrayList<>();
    after
        .path("changes")
        .forEach(
            c -> {
              if (List.of(atRisk, healthy).contains(c.path("customerId").asText())) {
                mine.add(c);
              }
            });
    if (after.path("changed").asInt() <= 500) {
      assertThat(mine).hasSize(1);
      assertThat(mine.get(0).path("customerId").asText()).isEqualTo(atRisk);
      assertThat(mine.get(0).path("oldBand").asText()).isEqualTo("AT_RISK");
      assertThat(mine.get(0).path("newBand").asText()).isEqualTo("CRITICAL");
      assertThat(mine.get(0).path("newScore").asInt()).isEqualTo(46);
    }
    // A stored version previews the same; nothing was published or scored.
    int draft =
        admin
            .post("/api/health-model/versions", body(HIGHER_CRITICAL, null))
            .body()
            .path("version")
            .asInt();
    Response byVersion = admin.post("/api/health-model/preview", "{\"version\":" + draft + "}");
    assertThat(byVersion.body().path("changed").asInt()).isEqualTo(after.path("changed").asInt());
    assertThat(admin.get("/api/health-model").body().path("version").asInt()).isEqualTo(1);
    assertThat(admin.get("/api/customers/" + atRisk).body().at("/health/band").asText())
        .isEqualTo("AT_RISK");
  }

  @Test
  void publishing_appliesToNewScoresOnly() {
    String customer = admin.newCustomer("model-new");
    Response first = metrics(customer, HttpApi.metrics(3, 0, "NEGATIVE"));
    assertThat(first.text("band")).isEqualTo("AT_RISK");
    assertThat(first.body().path("modelVersion").asInt()).isEqualTo(1);

    int version = publish(HIGHER_CRITICAL);
    Response second = metrics(customer, HttpApi.metrics(3, 0, "NEGATIVE"));
    assertThat(second.body().path("score").asInt()).isEqualTo(46);
    assertThat(second.text("band")).isEqualTo("CRITICAL");
    assertThat(second.body().path("modelVersion").asInt()).isEqualTo(version);
    // The first score keeps its band: the timeline says so.
    List<String> scores = new ArrayList<>();
    admin
        .get("/api/customers/" + customer + "/timeline")
        .body()
        .forEach(
            e -> {
              if (e.path("kind").asText().equals("SCORE")) {
                scores.add(e.path("summary").asText());
              }
            });
    assertThat(scores).containsExactly("Health 46 (CRITICAL), was 46", "Health 46 (AT_RISK)");
  }

  @Test
  void aBackendsOwnScore_fallingIntoAtRisk_startsTheAtRiskPlaybook() {
    String customer = admin.newCustomer("byo");
    String path = "/api/customers/" + customer + "/health-score";
    Response fine = admin.post(path, "{\"score\":75,\"planUsage\":0.4}");
    assertThat(fine.status()).as(fine.toString()).isEqualTo(200);
    assertThat(fine.text("band")).isEqualTo("NEUTRAL");
    assertThat(fine.body().path("components").isNull()).isTrue();
    assertThat(fine.body().path("workflowsInformed")).isEmpty();

    Response falling = admin.post(path, "{\"score\":45}");
    assertThat(falling.status()).as(falling.toString()).isEqualTo(200);
    assertThat(falling.text("band")).isEqualTo("AT_RISK");
    assertThat(falling.body().path("previousScore").asInt()).isEqualTo(75);
    assertThat(falling.body().path("workflowsInformed").toString()).contains("at-risk-" + customer);
    admin.await(
        "/api/playbooks/at-risk-" + customer,
        Duration.ofSeconds(30),
        r -> r.status() == 200 && r.text("status").equals("RUNNING"));
    assertThat(admin.get("/api/customers/" + customer).body().at("/health/score").asInt())
        .isEqualTo(45);

    assertProblem(admin.post(path, "{\"score\":101}"), 400, "score", "");
    assertProblem(admin.post(path, "{\"score\":50,\"planUsage\":2}"), 400, "planUsage", "");
    assertProblem(admin.post(path, "{}"), 400, "score", "");
  }

  @Test
  void theBandsDriveThePlaybooks_aWiderAtRiskBandStartsAtRiskAt65() {
    String customer = admin.newCustomer("byo-band");
    String path = "/api/customers/" + customer + "/health-score";
    assertThat(admin.post(path, "{\"score\":90}").text("band")).isEqualTo("HEALTHY");
    publish(WIDER_AT_RISK);
    Response at65 = admin.post(path, "{\"score\":65}");
    assertThat(at65.text("band")).isEqualTo("AT_RISK");
    assertThat(at65.body().path("workflowsInformed").toString()).contains("at-risk-" + customer);
  }

  private int publish(String model) {
    Response drafted = admin.post("/api/health-model/versions", body(model, "test"));
    assertThat(drafted.status()).as(drafted.toString()).isEqualTo(201);
    int version = drafted.body().path("version").asInt();
    Response published =
        admin.post(
            "/api/health-model/versions/" + version + "/publish", "{\"note\":\"test model\"}");
    assertThat(published.status()).as(published.toString()).isEqualTo(200);
    return version;
  }

  private JsonNode preview(String model) {
    Response answer = admin.post("/api/health-model/preview", "{\"model\":" + model + "}");
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    return answer.body();
  }

  private Response metrics(String customer, String body) {
    Response answer = admin.post("/api/customers/" + customer + "/metrics", body);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    return answer;
  }

  private Response draft(String model) {
    return admin.post("/api/health-model/versions", body(model, null));
  }

  private static String body(String model, String note) {
    return "{\"model\":" + model + (note == null ? "" : ",\"note\":\"" + note + "\"") + "}";
  }

  private HttpApi csm() {
    String csm = "csm-model-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(
            admin
                .put(
                    "/api/csms/" + csm,
                    "{\"name\":\"Petra\",\"email\":\"petra@example.com\","
                        + "\"managerEmail\":\"lena@example.com\"}")
                .status())
        .isEqualTo(201);
    return person("CSM", csm);
  }

  private HttpApi person(String role, String csmId) {
    String username = role.toLowerCase(java.util.Locale.ROOT) + "-" + UUID.randomUUID();
    String password = admin.createLogin(username, role, csmId, username + "@example.com");
    return admin.login(username, password);
  }
}
