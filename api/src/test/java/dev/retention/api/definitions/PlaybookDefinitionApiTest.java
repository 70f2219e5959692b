package dev.retention.api.definitions;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import dev.retention.data.definitions.DefinitionFiles;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Playbook definitions through the API: drafts checked with the place of each problem, versions
 * published by a playbook editor, new runs following the published version while a run in flight
 * keeps its own, rollback, diff.
 */
@ApiTest
class PlaybookDefinitionApiTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;
  HttpApi api;

  @BeforeEach
  void setUp() {
    api = new HttpApi(port);
  }

  /**
   * The shipped at-risk definition, as YAML, under another id and started by hand only (so no other
   * test is touched: a published copy with at-risk's trigger would start on every drop).
   */
  private static String atRiskAs(String id) {
    return shippedYaml("at-risk")
        .replace("id: at-risk", "id: " + id)
        .replace("kind: health-band\n  band: AT_RISK", "kind: manual");
  }

  private static String shippedYaml(String id) {
    return DefinitionFiles.yaml(DefinitionFiles.shipped(id).orElseThrow());
  }

  private static String body(String yaml, String note) throws Exception {
    return JSON.writeValueAsString(java.util.Map.of("yaml", yaml, "note", note));
  }

  @Test
  void theShippedPlaybooks_areListed_eachWithItsPublishedVersion() {
    Response list = api.get("/api/playbook-definitions");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body().findValuesAsText("id"))
        .contains("at-risk", "expansion", "onboarding", "nps-follow-up", "cancellation-save");
    for (JsonNode playbook : list.body()) {
      if (DefinitionFiles.SHIPPED.contains(playbook.path("id").asText())) {
        assertThat(playbook.path("publishedVersion").asInt()).as(playbook.toString()).isPositive();
      }
    }
    Response version = api.get("/api/playbook-definitions/at-risk/versions/1");
    assertThat(version.status()).isEqualTo(200);
    assertThat(version.text("yaml")).contains("day-3-email");
    assertThat(version.body().path("definition").path("steps").isArray()).isTrue();
  }

  @Test
  void draftPublishDiffAndRollback_withWhoWhenAndWhy() throws Exception {
    String id = "t-" + UUID.randomUUID().toString().substring(0, 8);
    Response first =
        api.post("/api/playbook-definitions/" + id + "/versions", body(atRiskAs(id), "copy"));
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    assertThat(first.body().path("version").asInt()).isEqualTo(1);
    assertThat(first.text("status")).isEqualTo("DRAFT");
    assertThat(
            api.post(
                    "/api/playbook-definitions/" + id + "/versions/1/publish",
                    "{\"note\":\"first\"}")
                .status())
        .isEqualTo(200);

    String dayTwo =
        atRiskAs(id)
            .replace("until: start + P2D", "until: start + P1D")
            .replace("at: start + P2D", "at: start + P1D");
    Response second =
        api.post("/api/playbook-definitions/" + id + "/versions", body(dayTwo, "day 3 on day 2"));
    assertThat(second.status()).as(second.toString()).isEqualTo(201);
    assertThat(second.body().path("version").asInt()).isEqualTo(2);
    Response published =
        api.post(
            "/api/playbook-definitions/" + id + "/versions/2/publish", "{\"note\":\"sooner\"}");
    assertThat(published.status()).as(published.toString()).isEqualTo(200);
    assertThat(published.text("publishedBy")).startsWith("key:");

    Response diff = api.get("/api/playbook-definitions/" + id + "/diff?from=1&to=2");
    assertThat(lines(diff)).anyMatch(l -> l.startsWith("-") && l.contains("start + P2D"));
    assertThat(lines(diff)).anyMatch(l -> l.startsWith("+") && l.contains("start + P1D"));

    // A published version never changes; publishing it again is refused; an older one rolls back.
    assertProblem(
        api.put("/api/playbook-definitions/" + id + "/versions/2", body(dayTwo, "again")),
        409,
        null,
        "never changes");
    assertProblem(
        api.post("/api/playbook-definitions/" + id + "/versions/2/publish", "{\"note\":\"x\"}"),
        409,
        null,
        "already");
    assertThat(
            api.post(
                    "/api/playbook-definitions/" + id + "/versions/1/publish",
                    "{\"note\":\"back\"}")
                .status())
        .isEqualTo(200);
    Response detail = api.get("/api/playbook-definitions/" + id);
    assertThat(detail.body().path("publishedVersion").asInt()).isEqualTo(1);
    assertThat(detail.body().path("publications").findValuesAsText("note"))
        .containsExactly("back", "sooner", "first");
    assertThat(detail.body().path("versions").findValuesAsText("note"))
        .containsExactly("day 3 on day 2", "copy");
  }

  private static java.util.List<String> lines(Response diff) {
    java.util.List<String> lines = new java.util.ArrayList<>();
    diff.body().path("lines").forEach(l -> lines.add(l.asText()));
    return lines;
  }

  @Test
  void aBadDefinition_isRefusedWithThePlaceOfTheProblem_andNothingIsStored() throws Exception {
    String id = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String unknownKind = atRiskAs(id).replaceFirst("kind: email", "kind: telegram");
    Response refused =
        api.post("/api/playbook-definitions/" + id + "/versions", body(unknownKind, "bad"));
    assertProblem(refused, 400, "definition", "telegram");
    assertThat(refused.text("pointer")).isEqualTo("/steps/0/kind");
    assertThat(refused.body().path("problems").get(0).path("pointer").asText())
        .isEqualTo("/steps/0/kind");
    assertThat(api.get("/api/playbook-definitions/" + id).status()).isEqualTo(404);

    Response broken =
        api.post(
            "/api/playbook-definitions/" + id + "/versions", body("steps: [\n  - {kind: ", "x"));
    assertProblem(broken, 400, "yaml", "the definition");

    Response wrongType =
        api.post(
            "/api/playbook-definitions/" + id + "/versions",
            "{\"definition\":{\"id\":\"" + id + "\",\"steps\":\"not a list\"}}");
    assertProblem(wrongType, 400, "definition", "does not read at /steps");
    assertThat(wrongType.text("pointer")).isEqualTo("/steps");

    Response check =
        api.post(
            "/api/playbook-definitions/validate",
            JSON.writeValueAsString(java.util.Map.of("yaml", unknownKind)));
    assertThat(check.status()).isEqualTo(200);
    assertThat(check.body().path("valid").asBoolean()).isFalse();
    assertThat(api.get("/api/playbook-definitions/" + id).status()).isEqualTo(404);
  }

  @Test
  void onlyPlaybookEditors_storeAndPublish() throws Exception {
    String id = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String csm = "csm-ed-" + UUID.randomUUID().toString().substring(0, 6);
    assertThat(
            api.put(
                    "/api/csms/" + csm,
                    "{\"name\":\"Ed\",\"email\":\"%s@example.com\",\"managerEmail\":\"lead@example.com\"}"
                        .formatted(csm))
                .status())
        .isIn(200, 201);
    String csmPassword = api.createLogin(csm, "CSM", csm, csm + "@example.com");
    Response byCsm =
        api.login(csm, csmPassword)
            .post("/api/playbook-definitions/" + id + "/versions", body(atRiskAs(id), "csm"));
    assertProblem(byCsm, 403, null, "playbook-editor");
    String readKey = api.createKey("read");
    assertProblem(
        api.withKey(readKey)
            .post("/api/playbook-definitions/" + id + "/versions", body(atRiskAs(id), "key")),
        403,
        null,
        "playbook-editor");

    String lead = "lead-" + UUID.randomUUID().toString().substring(0, 6);
    String leadPassword = api.createLogin(lead, "MANAGER", null, lead + "@example.com");
    assertProblem(
        api.login(lead, leadPassword)
            .post("/api/playbook-definitions/" + id + "/versions", body(atRiskAs(id), "lead")),
        403,
        null,
        "playbook-editor");
    assertThat(
            api.put(
                    "/api/admin/people/" + lead,
                    "{\"name\":\"%s\",\"email\":\"%s@example.com\",\"role\":\"MANAGER\",\"playbookEditor\":true}"
                        .formatted(lead, lead))
                .status())
        .isEqualTo(200);
    HttpApi editor = api.login(lead, leadPassword);
    Response stored =
        editor.post("/api/playbook-definitions/" + id + "/versions", body(atRiskAs(id), "lead"));
    assertThat(stored.status()).as(stored.toString()).isEqualTo(201);
    assertThat(stored.text("createdBy")).isEqualTo("person:" + lead);
    Response publishedByLead =
        editor.post("/api/playbook-definitions/" + id + "/versions/1/publish", "{\"note\":\"ok\"}");
    assertThat(publishedByLead.status()).as(publishedByLead.toString()).isEqualTo(200);

    String editorKey = api.createKey("playbook-editor");
    assertThat(
            api.withKey(editorKey)
                .post("/api/playbook-definitions/" + id + "/versions", body(atRiskAs(id), "key"))
                .status())
        .isEqualTo(201);
    // Every read is open to any caller with read.
    assertThat(api.withKey(readKey).get("/api/playbook-definitions/" + id).status()).isEqualTo(200);
  }

  @Test
  void aPublishedVersion_appliesToNewRunsOnly() throws Exception {
    int before =
        api.get("/api/playbook-definitions/at-risk").body().path("publishedVersion").asInt();
    String early = api.newCustomer("pinned");
    assertThat(start(early).status()).isEqualTo(202);
    Response earlyRun = api.get("/api/playbooks/at-risk-" + early);
    assertThat(earlyRun.body().path("playbookVersion").asInt()).isEqualTo(before);

    String changed =
        shippedYaml("at-risk").replace("Personal outreach on day 1", "Personal outreach, day 1");
    Response draft =
        api.post("/api/playbook-definitions/at-risk/versions", body(changed, "wording"));
    assertThat(draft.status()).as(draft.toString()).isEqualTo(201);
    int next = draft.body().path("version").asInt();
    try {
      assertThat(
              api.post(
                      "/api/playbook-definitions/at-risk/versions/" + next + "/publish",
                      "{\"note\":\"wording\"}")
                  .status())
          .isEqualTo(200);
      // This instance forgets its cached published version on publishing: the next start follows.
      String late = api.newCustomer("pinned");
      Response lateRun =
          api.await(
              "/api/playbooks/at-risk-" + startAndId(late),
              Duration.ofSeconds(15),
              r -> r.body().path("playbookVersion").asInt() > 0);
      assertThat(lateRun.body().path("playbookVersion").asInt()).isEqualTo(next);
      assertThat(api.get("/api/playbooks/at-risk-" + early).body().path("playbookVersion").asInt())
          .isEqualTo(before);
      assertThat(
              api.get("/api/playbook-definitions/at-risk").body().path("runsPerVersion").toString())
          .contains("\"version\":" + next);
    } finally {
      // Rolling back is publishing the older version again.
      assertThat(
              api.post(
                      "/api/playbook-definitions/at-risk/versions/" + before + "/publish",
                      "{\"note\":\"back\"}")
                  .status())
          .isEqualTo(200);
    }
  }

  private Response start(String customer) {
    return api.post(
        "/api/playbooks", "{\"playbook\":\"at-risk\",\"customerId\":\"" + customer + "\"}");
  }

  private String startAndId(String customer) {
    assertThat(start(customer).status()).isEqualTo(202);
    return customer;
  }

  @Test
  void theDocumentsExampleDefinition_isValid_andStoresUnderItsOwnId() {
    String id = "t-" + UUID.randomUUID().toString().substring(0, 8);
    // The example the OpenAPI document gives (the one the contract tests send).
    JsonNode documented =
        api.get("/v3/api-docs")
            .body()
            .path("paths")
            .path("/api/playbook-definitions/validate")
            .path("post")
            .path("requestBody")
            .path("content")
            .path("application/json")
            .path("example");
    assertThat(documented.path("yaml").asText()).contains("Welcome call");
    String example = documented.toString();
    Response check = api.post("/api/playbook-definitions/validate", example);
    assertThat(check.body().path("problems").toString()).isEqualTo("[]");
    Response stored = api.post("/api/playbook-definitions/welcome-call/versions", example);
    assertThat(stored.status()).as(stored.toString()).isEqualTo(201);
    assertThat(stored.body().path("definition").path("id").asText()).isEqualTo("welcome-call");
    assertProblem(
        api.post("/api/playbook-definitions/" + id + "/versions", example),
        400,
        "definition",
        "not " + id);
  }

  @Test
  void theSchema_isServed() {
    Response schema = api.get("/api/playbook-definitions/schema");
    assertThat(schema.status()).isEqualTo(200);
    assertThat(schema.body().path("$schema").asText()).contains("json-schema.org");
  }
}
