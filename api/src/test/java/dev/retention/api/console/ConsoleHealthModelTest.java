package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The console's health model page: everyone sees the published version; a lead previews a change of
 * weights or bands against the customers and saves it as a draft; only an admin (the
 * playbook-editor permission) publishes, with a note; a bad model is refused naming the place; in
 * English and Dutch. Leaves the shipped default published.
 */
@ApiTest
class ConsoleHealthModelTest {

  @LocalServerPort int port;
  HttpApi admin;
  String suffix;

  @BeforeEach
  void setUp() {
    admin = new HttpApi(port);
    suffix = UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void restoreTheDefault() {
    if (admin.get("/api/health-model").body().path("version").asInt() != 1) {
      assertThat(
              admin
                  .post("/api/health-model/versions/1/publish", "{\"note\":\"test: default\"}")
                  .status())
          .isEqualTo(200);
    }
  }

  @Test
  void aCsmSeesThePublishedModel_butMayNeitherDraftNorPublish() {
    String customer = admin.newCustomer("model-csm");
    String csmId = admin.get("/api/customers/" + customer).text("csmId");
    HttpApi csm = person("CSM", csmId);

    String page = page(csm, "/console/health-model");
    assertThat(page)
        .contains("Health model", "id=\"published\" data-version=\"1\"", "data-band=\"CRITICAL\"")
        .doesNotContain("id=\"model-form\"")
        .doesNotContain("id=\"publish-");
    assertThat(post(csm, "/console/health-model", "action=preview&model=%7B%7D").status())
        .isEqualTo(403);
    assertThat(post(csm, "/console/health-model/versions/1/publish", "note=x").status())
        .isEqualTo(403);
  }

  @Test
  void aLeadPreviewsAndDrafts_onlyAnAdminPublishes_withANote() {
    // An at-risk customer (46): with at risk starting at 50, it turns critical.
    String customer = admin.newCustomer("model-lead");
    assertThat(
            admin
                .post("/api/customers/" + customer + "/metrics", HttpApi.metrics(3, 0, "NEGATIVE"))
                .status())
        .isEqualTo(200);
    HttpApi lead = person("MANAGER", null);
    String page = page(lead, "/console/health-model");
    assertThat(page).contains("id=\"model-form\"", "name=\"usageWeight\" ");
    String model = textarea(page);

    Response preview =
        post(lead, "/console/health-model", "action=preview&atRiskMin=50&model=" + enc(model));
    assertThat(preview.status()).as(preview.toString()).isEqualTo(200);
    String previewed = preview.body().asText();
    assertThat(previewed).contains("id=\"preview-summary\"", "With this model, ");
    if (previewed.contains("data-customer=\"" + customer + "\"")) {
      assertThat(previewed).contains("46 · At risk", "46 · Critical");
    }
    // The form keeps the change: critical now ends at 49.
    assertThat(textarea(previewed)).contains("\"max\" : 49");

    Response drafted =
        post(
            lead,
            "/console/health-model",
            "action=draft&atRiskMin=50&note=" + enc("Critical below 50") + "&model=" + enc(model));
    assertThat(drafted.status()).as(drafted.toString()).isEqualTo(200);
    assertThat(drafted.body().asText()).contains("id=\"model-notice\"", "saved");
    int version = admin.get("/api/health-model/versions").body().get(0).path("version").asInt();
    assertThat(admin.get("/api/health-model/versions/" + version).text("status"))
        .isEqualTo("DRAFT");
    String publish = "/console/health-model/versions/" + version + "/publish";
    assertThat(post(lead, publish, "note=go").status()).isEqualTo(403);
    assertThat(page).doesNotContain("id=\"publish-");

    HttpApi editor = person("ADMIN", null);
    assertThat(page(editor, "/console/health-model")).contains("id=\"publish-" + version + "\"");
    assertThat(post(editor, publish, "note=").status()).isEqualTo(400);
    Response published = post(editor, publish, "note=" + enc("Critical below 50, from today"));
    assertThat(published.status()).as(published.toString()).isEqualTo(200);
    assertThat(published.body().asText())
        .contains("Version " + version + " is published", "data-version=\"" + version + "\"");
    assertThat(admin.get("/api/health-model").body().path("version").asInt()).isEqualTo(version);
    assertThat(admin.get("/api/health-model").text("note"))
        .isEqualTo("Critical below 50, from today");
  }

  @Test
  void aBadModel_isRefusedNamingThePlace_andTheTextIsKept() {
    HttpApi lead = person("MANAGER", null);
    String model = textarea(page(lead, "/console/health-model"));
    Response refused =
        post(lead, "/console/health-model", "action=draft&usageWeight=0.5&model=" + enc(model));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body().asText())
        .contains("id=\"model-error\"", "/model/components", "sum to 1", "1.1");
    Response notJson = post(lead, "/console/health-model", "action=preview&model=%7Bnope");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.body().asText()).contains("not valid JSON", "{nope");
  }

  @Test
  void thePageIsInDutch() {
    HttpApi lead = person("MANAGER", null);
    assertThat(page(lead, "/console/health-model?lang=nl"))
        .contains("Gezondheidsmodel", "Gepubliceerd: versie", "Concept opslaan", "Kritiek");
  }

  private HttpApi person(String role, String csmId) {
    String username = role.toLowerCase(java.util.Locale.ROOT) + "-model-" + suffix;
    return admin.login(
        username, admin.createLogin(username, role, csmId, username + "@example.com"));
  }

  private static String page(HttpApi session, String path) {
    Response page = session.send("GET", path, Map.of("Accept", "text/html"), null, false);
    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    return page.body().asText();
  }

  private static Response post(HttpApi session, String path, String form) {
    return session.send(
        "POST",
        path,
        Map.of("Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html"),
        form.getBytes(StandardCharsets.UTF_8),
        false);
  }

  /** The model JSON in the page's textarea, unescaped. */
  private static String textarea(String page) {
    int start = page.indexOf('>', page.indexOf("<textarea id=\"model-json\"")) + 1;
    return page.substring(start, page.indexOf("</textarea>", start))
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
