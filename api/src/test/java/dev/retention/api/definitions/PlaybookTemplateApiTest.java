package dev.retention.api.definitions;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import dev.retention.api.support.WithSkippedClock;
import dev.retention.data.definitions.DefinitionFiles;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A version's email templates through the API: each template's text per locale (the version's own
 * or the shipped file) with the variables its emails get, and a preview for a real customer in
 * their language, footer and unsubscribe link included; bad input named by its field.
 */
class PlaybookTemplateApiTest extends WithSkippedClock {

  static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;
  HttpApi api;

  @BeforeEach
  void setUp() {
    api = new HttpApi(port);
  }

  private String dutchCustomer() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String csm = "csm-" + suffix;
    String customer = "tpl-" + suffix;
    assertThat(
            api.put(
                    "/api/csms/" + csm,
                    """
                    {"name":"Petra de Vries","email":"petra@example.com",\
                    "managerEmail":"lena@example.com"}""")
                .status())
        .isIn(200, 201);
    assertThat(
            api.put(
                    "/api/customers/" + customer,
                    """
                    {"name":"Initech","email":"ops@initech.example","csmId":"%s","plan":"Growth",
                     "mrr":490,"planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"nl"}"""
                        .formatted(csm))
                .status())
        .isEqualTo(201);
    return customer;
  }

  private Response preview(String id, Map<String, Object> body) throws Exception {
    return api.post(
        "/api/playbook-definitions/" + id + "/templates/preview", JSON.writeValueAsString(body));
  }

  private static JsonNode template(Response view, String name) {
    for (JsonNode t : view.body().path("templates")) {
      if (name.equals(t.path("name").asText())) {
        return t;
      }
    }
    throw new AssertionError("no template " + name + " in " + view);
  }

  @Test
  void aVersionsTemplates_comeFromItsFiles_untilADraftWritesOne() throws Exception {
    Response shipped = api.get("/api/playbook-definitions/at-risk/versions/1/templates");
    assertThat(shipped.status()).as(shipped.toString()).isEqualTo(200);
    assertThat(shipped.body().path("templates").findValuesAsText("name"))
        .containsExactly("at-risk/day-1", "at-risk/day-14", "at-risk/day-3");
    JsonNode day3 = template(shipped, "at-risk/day-3");
    assertThat(day3.path("variables").toString()).contains("\"healthScore\"", "\"customer.name\"");
    assertThat(day3.path("locales").path("nl").path("source").asText()).isEqualTo("file");
    assertThat(day3.path("locales").path("nl").path("subject").asText())
        .isEqualTo("Wist je dat {{product}} dit kan, {{customer.name}}?");

    String id = "tpl-" + UUID.randomUUID().toString().substring(0, 8);
    String yaml =
        DefinitionFiles.yaml(DefinitionFiles.shipped("at-risk").orElseThrow())
                .replace("id: at-risk", "id: " + id)
                // Started by hand only: a published copy must not start on every health drop.
                .replace("kind: health-band\n  band: AT_RISK", "kind: manual")
            + """
            templates:
              at-risk/day-3:
                en: {subject: "Day 2, {{customer.name}}", text: "Hi {{customer.name}}"}
                nl: {subject: "Dag 2, {{customer.name}}", text: "Hoi {{customer.name}}"}
            """;
    Response draft =
        api.post(
            "/api/playbook-definitions/" + id + "/versions",
            JSON.writeValueAsString(Map.of("yaml", yaml, "note", "new day 3")));
    assertThat(draft.status()).as(draft.toString()).isEqualTo(201);
    assertThat(draft.text("yaml")).contains("templates:", "Dag 2, {{customer.name}}");
    Response written = api.get("/api/playbook-definitions/" + id + "/versions/1/templates");
    JsonNode nl = template(written, "at-risk/day-3").path("locales").path("nl");
    assertThat(nl.path("source").asText()).isEqualTo("definition");
    assertThat(nl.path("subject").asText()).isEqualTo("Dag 2, {{customer.name}}");
    assertThat(
            template(written, "at-risk/day-1").path("locales").path("nl").path("source").asText())
        .isEqualTo("file");

    // That draft's own text, previewed for a Dutch customer: Dutch footer and link added.
    String customer = dutchCustomer();
    Response stored =
        preview(id, Map.of("version", 1, "template", "at-risk/day-3", "customerId", customer));
    assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
    assertThat(stored.text("locale")).isEqualTo("nl");
    assertThat(stored.text("subject")).isEqualTo("Dag 2, Initech");
    assertThat(stored.text("text"))
        .startsWith("Hoi Initech")
        .contains("Afmelden voor deze e-mails: http");
    assertThat(stored.text("html"))
        .contains("<p>Hoi Initech</p>", "Afmelden voor deze e-mails</a>");

    // A bad subject in the draft is refused where it is; nothing stored.
    Response bad =
        api.post(
            "/api/playbook-definitions/" + id + "/versions",
            JSON.writeValueAsString(
                Map.of("yaml", yaml.replace("Dag 2, {{customer.name}}", "{{customer.age}}"))));
    assertProblem(bad, 400, "definition", "customer.age");
    assertThat(bad.text("pointer")).isEqualTo("/templates/at-risk~1day-3/nl/subject");
  }

  @Test
  void aPreview_rendersAnEditedDutchSubjectForARealCustomer_asTheyWouldGetIt() throws Exception {
    String customer = dutchCustomer();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("template", "at-risk/day-3");
    body.put("customerId", customer);
    body.put("subject", "Nieuw: {{product}} voor {{customer.name}}");
    body.put("text", "Hoi {{customer.name}},\n\nScore {{healthScore}}.\n{{csm.name}}");
    Response edited = preview("at-risk", body);
    assertThat(edited.status()).as(edited.toString()).isEqualTo(200);
    assertThat(edited.text("locale")).isEqualTo("nl");
    assertThat(edited.text("subject")).startsWith("Nieuw: ").endsWith(" voor Initech");
    assertThat(edited.text("from")).isEqualTo("Petra de Vries <petra@example.com>");
    assertThat(edited.text("to")).isEqualTo("Initech <ops@initech.example>");
    assertThat(edited.text("text"))
        .startsWith(
            "Hoi Initech,\n\nScore 46.\nPetra de Vries\n\n--\nAfmelden voor deze e-mails: ");

    // Without edits: the published version's file, in English when asked.
    Response english =
        preview(
            "at-risk", Map.of("template", "at-risk/day-3", "customerId", customer, "locale", "en"));
    assertThat(english.status()).as(english.toString()).isEqualTo(200);
    assertThat(english.text("locale")).isEqualTo("en");
    assertThat(english.text("text")).contains("Unsubscribe from these emails: ");
  }

  /**
   * The done-when of the template editor, through the API: a new Dutch day-3 subject is published;
   * a run started before keeps its version and sends the file's subject, a run started after sends
   * the new one, each with the Dutch footer.
   */
  @Test
  void aPublishedDutchSubject_reachesNewRunsOnly() throws Exception {
    int before =
        api.get("/api/playbook-definitions/at-risk").body().path("publishedVersion").asInt();
    String early = dutchCustomer();
    assertThat(start(early).status()).isEqualTo(202);
    Map<String, Object> en = Map.of("subject", "Day 2, {{customer.name}}", "text", "Hi there");
    Map<String, Object> nl =
        Map.of(
            "subject", "Dag 2: even bellen, {{customer.name}}?", "text", "Hoi {{customer.name}}");
    Map<String, Object> tree =
        DefinitionFiles.toMap(
            DefinitionFiles.parse(
                api.get("/api/playbook-definitions/at-risk/versions/" + before).text("yaml")));
    tree.put("templates", Map.of("at-risk/day-3", Map.of("en", en, "nl", nl)));
    Response draft =
        api.post(
            "/api/playbook-definitions/at-risk/versions",
            JSON.writeValueAsString(Map.of("definition", tree, "note", "Dutch day-3 subject")));
    assertThat(draft.status()).as(draft.toString()).isEqualTo(201);
    int next = draft.body().path("version").asInt();
    try {
      assertThat(
              api.post(
                      "/api/playbook-definitions/at-risk/versions/" + next + "/publish",
                      "{\"note\":\"warmer Dutch subject\"}")
                  .status())
          .isEqualTo(200);
      String late = dutchCustomer();
      assertThat(start(late).status()).isEqualTo(202);

      JsonNode earlyEmail = awaitDayThree(early);
      JsonNode lateEmail = awaitDayThree(late);
      assertThat(earlyEmail.path("subject").asText())
          .isEqualTo("Wist je dat " + productName + " dit kan, Initech?");
      assertThat(lateEmail.path("subject").asText()).isEqualTo("Dag 2: even bellen, Initech?");
      assertThat(api.get("/api/playbooks/at-risk-" + early).body().path("playbookVersion").asInt())
          .isEqualTo(before);
      assertThat(api.get("/api/playbooks/at-risk-" + late).body().path("playbookVersion").asInt())
          .isEqualTo(next);
    } finally {
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

  /** Day 3 (a day is 2 s here): Temporal's clock skipped to it on the embedded runtime. */
  private JsonNode awaitDayThree(String customer) {
    clock()
        .passUntil(
            api,
            "/api/customers/" + customer + "/communications",
            java.time.Duration.ofSeconds(1),
            java.time.Duration.ofSeconds(30),
            r -> r.body().toString().contains("\"day-3-email\""));
    for (JsonNode c : api.get("/api/customers/" + customer + "/communications").body()) {
      if ("day-3-email".equals(c.path("step").asText())) {
        return c;
      }
    }
    throw new AssertionError("no day-3 email for " + customer);
  }

  @org.springframework.beans.factory.annotation.Value("${retention.email.product-name}")
  String productName;

  @Test
  void badInput_isAProblemNamingTheField() throws Exception {
    String customer = dutchCustomer();
    Response unknownCustomer =
        preview("at-risk", Map.of("template", "at-risk/day-3", "customerId", "c-nobody-here"));
    assertThat(unknownCustomer.status()).isEqualTo(404);

    Response unknownTemplate =
        preview("at-risk", Map.of("template", "at-risk/day-9", "customerId", customer));
    assertProblem(unknownTemplate, 400, "template", "at-risk/day-1");
    assertThat(unknownTemplate.text("pointer")).isEqualTo("/template");

    Response unknownVariable =
        preview(
            "at-risk",
            Map.of(
                "template",
                "at-risk/day-3",
                "customerId",
                customer,
                "subject",
                "Hoi {{customer.age}}",
                "text",
                "Tekst"));
    assertProblem(unknownVariable, 400, "subject", "customer.age");

    Response script =
        preview(
            "at-risk",
            Map.of(
                "template",
                "at-risk/day-3",
                "customerId",
                customer,
                "subject",
                "S",
                "text",
                "T",
                "html",
                "<script>x()</script>"));
    assertProblem(script, 400, "html", "script");

    Response locale =
        preview(
            "at-risk", Map.of("template", "at-risk/day-3", "customerId", customer, "locale", "de"));
    assertProblem(locale, 400, "locale", "de");

    assertProblem(
        preview("at-risk", Map.of("template", "at-risk/day-3")), 400, "customerId", "required");
    assertThat(api.get("/api/playbook-definitions/at-risk/versions/99/templates").status())
        .isEqualTo(404);
  }
}
