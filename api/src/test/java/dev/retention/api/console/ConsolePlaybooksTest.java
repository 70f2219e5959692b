package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import dev.retention.data.definitions.DefinitionFiles;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The playbooks in the console: everyone logged in reads them; only playbook editors open the
 * editor, store drafts and publish (403 for anyone else, nothing stored); a refused draft keeps the
 * typed text; every stored text is shown escaped. Each test works on a playbook of its own id, so
 * no other test's runs change.
 */
@ApiTest
class ConsolePlaybooksTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;
  HttpApi admin;
  String suffix;
  String id;

  @BeforeEach
  void setUp() throws Exception {
    admin = new HttpApi(port);
    suffix = UUID.randomUUID().toString().substring(0, 8);
    id = "console-pb-" + suffix;
    // The shipped at-risk definition under this test's own id, published as version 1.
    Response stored =
        admin.post(
            "/api/playbook-definitions/" + id + "/versions",
            JSON.writeValueAsString(Map.of("yaml", atRiskAs(id), "note", "first")));
    assertThat(stored.status()).as(stored.toString()).isEqualTo(201);
    assertThat(
            admin
                .post(
                    "/api/playbook-definitions/" + id + "/versions/1/publish",
                    "{\"note\":\"start\"}")
                .status())
        .isEqualTo(200);
  }

  /** The shipped at-risk under {@code id}, started by hand only (no start on others' drops). */
  static String atRiskAs(String id) {
    return DefinitionFiles.yaml(DefinitionFiles.shipped("at-risk").orElseThrow())
        .replace("id: at-risk", "id: " + id)
        .replace("kind: health-band\n  band: AT_RISK", "kind: manual");
  }

  @Test
  void aCsm_readsThePlaybooks_butIsRefusedEveryWrite_andNothingIsStored() {
    String csm = admin.newCustomer("pb-reader-" + suffix);
    String csmId = admin.get("/api/customers/" + csm).text("csmId");
    HttpApi reader =
        admin.login(
            "reader-" + suffix,
            admin.createLogin(
                "reader-" + suffix, "CSM", csmId, "reader-" + suffix + "@example.com"));

    Response list = page(reader, "/console/playbooks");
    assertThat(list.status()).as(list.toString()).isEqualTo(200);
    assertThat(list.body().asText())
        .contains("id=\"nav-playbooks\"")
        .contains("id=\"playbook-" + id + "\"")
        .contains("id=\"playbook-at-risk\"")
        .contains("no runs yet");
    Response detail = page(reader, "/console/playbooks/" + id + "?view=1&from=1&to=1");
    assertThat(detail.status()).as(detail.toString()).isEqualTo(200);
    assertThat(detail.body().asText())
        .contains("id=\"version-yaml\"")
        .contains("id: " + id)
        .doesNotContain("id=\"new-draft\"")
        .doesNotContain("class=\"stack publish\"");

    assertThat(page(reader, "/console/playbooks/" + id + "/edit").status()).isEqualTo(403);
    assertThat(
            form(
                    reader,
                    "/console/playbooks/" + id + "/drafts",
                    Map.of("yaml", atRiskAs(id), "note", "mine"))
                .status())
        .isEqualTo(403);
    assertThat(
            form(
                    reader,
                    "/console/playbooks/" + id + "/versions/1/publish",
                    Map.of("note", "mine", "confirm", "yes"))
                .status())
        .isEqualTo(403);
    // Nothing was stored: still the one version.
    assertThat(admin.get("/api/playbook-definitions/" + id).body().path("versions").size())
        .isEqualTo(1);
  }

  @Test
  void anEditor_checksSavesAndPublishes_withEveryTextEscaped_andARefusedDraftKeepsTheText() {
    HttpApi editor = editor("pb-editor-" + suffix);

    Response edit = page(editor, "/console/playbooks/" + id + "/edit");
    assertThat(edit.status()).as(edit.toString()).isEqualTo(200);
    assertThat(edit.body().asText())
        .contains("id=\"definition-yaml\"")
        .contains("until: start + P2D")
        .contains("id=\"dry-run-panel\"");

    // Check: a step kind the engine does not know, named with its JSON pointer, escaped.
    String broken = atRiskAs(id).replaceFirst("kind: email", "kind: \"<script>alert(1)</script>\"");
    Response checked = form(editor, "/console/playbooks/" + id + "/check", Map.of("yaml", broken));
    assertThat(checked.status()).as(checked.toString()).isEqualTo(200);
    assertThat(checked.body().asText())
        .contains("id=\"check-problems\"")
        .contains("<code>/steps/")
        .doesNotContain("<script>alert(1)</script>")
        .contains("&lt;script&gt;");
    Response fine =
        form(editor, "/console/playbooks/" + id + "/check", Map.of("yaml", atRiskAs(id)));
    assertThat(fine.body().asText()).contains("id=\"check-ok\"");

    // A refused draft: 400, the problems, the text as typed (escaped), nothing stored.
    Response refused =
        form(
            editor,
            "/console/playbooks/" + id + "/drafts",
            Map.of("yaml", broken, "note", "typed-" + suffix));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.body().asText())
        .contains("id=\"draft-error\"")
        .contains("kind: &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;")
        .contains("value=\"typed-" + suffix + "\"")
        .doesNotContain("<script>alert(1)</script>");
    assertThat(admin.get("/api/playbook-definitions/" + id).body().path("versions").size())
        .isEqualTo(1);

    // Saved: a draft with the note, shown escaped.
    String changed = atRiskAs(id).replaceFirst("until: start \\+ P2D", "until: start + P1D");
    Response saved =
        form(
            editor,
            "/console/playbooks/" + id + "/drafts",
            Map.of("yaml", changed, "note", "<script>alert('note')</script>"));
    assertThat(saved.status()).as(saved.toString()).isEqualTo(302);
    Response draft = page(editor, "/console/playbooks/" + id + "?view=2&saved=true");
    assertThat(draft.body().asText())
        .contains("id=\"draft-saved\"")
        .contains("&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;")
        .doesNotContain("<script>alert('note')</script>")
        .contains("until: start + P1D");
    assertThat(admin.get("/api/playbook-definitions/" + id + "/versions/2").text("createdBy"))
        .isEqualTo("person:pb-editor-" + suffix);

    // Publishing needs a note and the confirmation; refused, the form says so and nothing changes.
    Response noNote =
        form(
            editor,
            "/console/playbooks/" + id + "/versions/2/publish",
            Map.of("note", " ", "confirm", "yes"));
    assertThat(noNote.status()).isEqualTo(400);
    assertThat(noNote.body().asText()).contains("id=\"publish-error\"");
    Response unconfirmed =
        form(editor, "/console/playbooks/" + id + "/versions/2/publish", Map.of("note", "sooner"));
    assertThat(unconfirmed.status()).isEqualTo(400);
    assertThat(admin.get("/api/playbook-definitions/" + id).body().path("publishedVersion").asInt())
        .isEqualTo(1);

    Response published =
        form(
            editor,
            "/console/playbooks/" + id + "/versions/2/publish",
            Map.of("note", "day 2 <b>sooner</b>", "confirm", "yes"));
    assertThat(published.status()).as(published.toString()).isEqualTo(302);
    assertThat(admin.get("/api/playbook-definitions/" + id).body().path("publishedVersion").asInt())
        .isEqualTo(2);
    Response after = page(editor, "/console/playbooks/" + id + "?from=1&to=2");
    assertThat(after.body().asText())
        .contains("New runs follow version 2.")
        .contains("day 2 &lt;b&gt;sooner&lt;/b&gt;")
        .contains("<span class=\"line removed\">-  until: start + P2D</span>")
        .contains("<span class=\"line added\">+  until: start + P1D</span>");

    // Rolling back is publishing version 1 again.
    assertThat(
            form(
                    editor,
                    "/console/playbooks/" + id + "/versions/1/publish",
                    Map.of("note", "back", "confirm", "yes"))
                .status())
        .isEqualTo(302);
    assertThat(admin.get("/api/playbook-definitions/" + id).body().path("publishedVersion").asInt())
        .isEqualTo(1);
  }

  @Test
  void theDryRunPanel_playsTheEditorsText_forACustomer_inDutchToo() {
    String customer = admin.newCustomer("dry");
    String username = "pb-dry-" + suffix;
    String password = admin.createLogin(username, "ADMIN", null, username + "@example.com");
    HttpApi session = admin.login(username, password);
    String dayTwo =
        DefinitionFiles.yaml(DefinitionFiles.shipped("at-risk").orElseThrow())
            .replace("until: start + P2D", "until: start + P1D")
            .replace("at: start + P2D", "at: start + P1D");
    Response answer =
        form(
            session,
            "/console/playbooks/at-risk/dry-run?lang=nl",
            Map.of("yaml", dayTwo, "customerId", customer, "events", "P3D customer-responded"));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(answer.body().asText())
        .contains("id=\"dry-run-timeline\"")
        .contains("day-3-email")
        .contains("customer-responded-task")
        .doesNotContain("day-14-email");
    // A text with a problem is refused with the place of the problem, nothing played.
    Response bad =
        form(
            session,
            "/console/playbooks/at-risk/dry-run",
            Map.of(
                "yaml",
                dayTwo.replaceFirst("kind: email", "kind: fax"),
                "customerId",
                customer,
                "events",
                ""));
    assertThat(bad.body().asText()).contains("/steps/0/kind").doesNotContain("dry-run-timeline");
  }

  @Test
  void thePagesSpeakDutch() {
    HttpApi editor = editor("pb-nl-" + suffix);
    assertThat(page(editor, "/console/playbooks?lang=nl").body().asText())
        .contains("Gepubliceerde versie")
        .contains("Concepten");
    assertThat(page(editor, "/console/playbooks/" + id + "/edit?lang=nl").body().asText())
        .contains("Concept opslaan")
        .contains("Controleren")
        .contains("Proefrun");
  }

  private HttpApi editor(String username) {
    String password = admin.createLogin(username, "MANAGER", null, username + "@example.com");
    Response granted =
        admin.put(
            "/api/admin/people/" + username,
            "{\"name\":\"%s\",\"email\":\"%s@example.com\",\"role\":\"MANAGER\",\"playbookEditor\":true}"
                .formatted(username, username));
    assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
    return admin.login(username, password);
  }

  private static Response page(HttpApi session, String path) {
    return session.send("GET", path, Map.of("Accept", "text/html"), null, false);
  }

  private static Response form(HttpApi session, String path, Map<String, String> fields) {
    String body =
        new LinkedHashMap<>(fields)
            .entrySet().stream()
                .map(
                    e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    return session.send(
        "POST",
        path,
        Map.of("Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html"),
        body.getBytes(StandardCharsets.UTF_8),
        false);
  }
}
