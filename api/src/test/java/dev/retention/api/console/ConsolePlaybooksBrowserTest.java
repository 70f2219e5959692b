package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * In Chromium: the CS lead (a manager granted playbook-editor) moves the at-risk day-3 email to day
 * 2 in the YAML editor, checks it, saves the draft with a note and publishes it, and sees the new
 * published version; a CSM sees the playbook without the editor. The test publishes the version
 * that was published before again at the end, so other tests' runs are untouched.
 */
@ApiTest
class ConsolePlaybooksBrowserTest {

  @LocalServerPort int port;

  /**
   * The lead edits the Dutch subject of at-risk/day-3 in the template editor, previews it for a
   * Dutch customer of their team (the email as that customer would get it, Dutch footer included),
   * and saves it as a draft, which holds the new subject; the published version is untouched.
   */
  @Test
  void theLeadEditsTheDutchSubject_previewsItForADutchCustomer_andSavesADraft() {
    HttpApi admin = new HttpApi(port);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String lead = "lotte-" + suffix;
    String password = admin.createLogin(lead, "MANAGER", null, lead + "@example.com");
    assertThat(
            admin
                .put(
                    "/api/admin/people/" + lead,
                    "{\"name\":\"Lotte %s\",\"email\":\"%s@example.com\",\"role\":\"MANAGER\",\"playbookEditor\":true}"
                        .formatted(suffix, lead))
                .status())
        .isEqualTo(200);
    String csm = "csm-nl-" + suffix;
    String customer = "nl-" + suffix;
    assertThat(
            admin
                .put(
                    "/api/csms/" + csm,
                    "{\"name\":\"Petra de Vries\",\"email\":\"petra@example.com\",\"managerEmail\":\"%s@example.com\"}"
                        .formatted(lead))
                .status())
        .isIn(200, 201);
    assertThat(
            admin
                .put(
                    "/api/customers/" + customer,
                    ("{\"name\":\"Bakkerij Jansen\",\"email\":\"info-%s@jansen.example\",\"csmId\":\"%s\","
                            + "\"plan\":\"Growth\",\"mrr\":490,\"planUsageLimit\":10000,"
                            + "\"timezone\":\"Europe/Amsterdam\",\"locale\":\"nl\"}")
                        .formatted(suffix, csm))
                .status())
        .isEqualTo(201);
    int published =
        admin.get("/api/playbook-definitions/at-risk").body().path("publishedVersion").asInt();
    String subject = "Dag 2 al: {{customer.name}}, zullen we even bellen?";

    try (Browser browser = Browser.open(port)) {
      browser.login(lead, password);
      browser.go("/console/playbooks/at-risk");
      browser.click("#templates-" + published);
      browser.await(d -> d.findElement(By.cssSelector("#template-list")));
      browser.click("#template-list a[href*='day-3']");
      browser.await(d -> d.findElement(By.cssSelector("#subject-nl")));
      assertThat(browser.find("#subject-nl").getAttribute("value"))
          .isEqualTo("Wist je dat {{product}} dit kan, {{customer.name}}?");
      assertThat(browser.text("#template-variables")).contains("{{healthScore}}", "{{csm.name}}");

      browser.find("#subject-nl").clear();
      browser.type("#subject-nl", subject);
      browser.find("#preview-customer").clear();
      browser.type("#preview-customer", customer);
      browser.click("#preview-template");
      browser.await(d -> d.findElement(By.cssSelector("#preview-subject")));
      assertThat(browser.text("#preview-subject"))
          .isEqualTo("Dag 2 al: Bakkerij Jansen, zullen we even bellen?");
      assertThat(browser.text("#preview-locale")).isEqualTo("nl");
      assertThat(browser.text("#preview-text")).contains("Afmelden voor deze e-mails:");
      // What the lead typed is still in the form after the preview.
      assertThat(browser.find("#subject-nl").getAttribute("value")).isEqualTo(subject);
      browser.screenshot("playbook-template-preview");

      browser.type("#template-note", "Dutch day-3 subject, warmer");
      browser.click("#save-template");
      browser.await(d -> d.findElement(By.cssSelector("#templates-saved")));
      JsonNode versions = admin.get("/api/playbook-definitions/at-risk").body().path("versions");
      int draft = versions.path(0).path("version").asInt();
      assertThat(draft).isGreaterThan(published);
      assertThat(versions.path(0).path("status").asText()).isEqualTo("DRAFT");
      assertThat(versions.path(0).path("note").asText()).isEqualTo("Dutch day-3 subject, warmer");
      assertThat(browser.find("#subject-nl").getAttribute("value")).isEqualTo(subject);
      assertThat(browser.text("#locale-nl")).contains("written in this version");
      Response stored =
          admin.get("/api/playbook-definitions/at-risk/versions/" + draft + "/templates");
      assertThat(stored.body().toString()).contains("Dag 2 al: {{customer.name}}");
      browser.go("/console/playbooks/at-risk?view=" + draft);
      assertThat(browser.text("#version-yaml")).contains("templates:", "Dag 2 al:");
      assertThat(browser.text("#version-" + draft)).contains("Dutch day-3 subject, warmer");
    }
    assertThat(
            admin.get("/api/playbook-definitions/at-risk").body().path("publishedVersion").asInt())
        .isEqualTo(published);
  }

  @Test
  void theLeadEditsChecksSavesAndPublishes_andACsmOnlyReads() {
    HttpApi admin = new HttpApi(port);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String lead = "lena-" + suffix;
    String password = admin.createLogin(lead, "MANAGER", null, lead + "@example.com");
    Response granted =
        admin.put(
            "/api/admin/people/" + lead,
            "{\"name\":\"Lena %s\",\"email\":\"%s@example.com\",\"role\":\"MANAGER\",\"playbookEditor\":true}"
                .formatted(suffix, lead));
    assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
    int before =
        admin.get("/api/playbook-definitions/at-risk").body().path("publishedVersion").asInt();
    try (Browser browser = Browser.open(port)) {
      browser.login(lead, password);
      browser.click("#nav-playbooks");
      browser.await(d -> d.findElement(By.cssSelector("#playbook-at-risk")));
      browser.click("#playbook-at-risk a");
      browser.await(d -> d.findElement(By.cssSelector("#new-draft")));
      browser.click("#new-draft");
      browser.await(d -> d.findElement(By.cssSelector("#definition-yaml")));
      String yaml = browser.find("#definition-yaml").getAttribute("value");
      assertThat(yaml).contains("id: day-3-email").contains("until: start + P2D");

      // The day-3 email's wait (the first "until: start + P2D") moves to day 2.
      ((JavascriptExecutor) browser.driver)
          .executeScript(
              "var t = document.querySelector('#definition-yaml');"
                  + " t.value = t.value.replace('until: start + P2D', 'until: start + P1D');");
      browser.click("#check");
      assertThat(browser.await(d -> d.findElement(By.cssSelector("#check-ok"))).getText())
          .contains("No problems");
      browser.type("#draft-note", "Day-3 email on day 2 <b>sooner</b>");
      browser.click("#save-draft");
      browser.await(d -> d.findElement(By.cssSelector("#draft-saved")));
      int draft =
          admin
              .get("/api/playbook-definitions/at-risk")
              .body()
              .path("versions")
              .path(0)
              .path("version")
              .asInt();
      assertThat(draft).isGreaterThan(before);
      assertThat(browser.text("#version-yaml")).contains("until: start + P1D");
      assertThat(browser.text("#version-" + draft)).contains("Day-3 email on day 2 <b>sooner</b>");
      browser.screenshot("playbook-draft");

      browser.type("#publish-note-" + draft, "Sooner follow-up, agreed in the CS meeting");
      browser.click("#publish-" + draft + " input[name=confirm]");
      browser.click("#publish-" + draft + " button[type=submit]");
      browser.await(d -> d.findElement(By.cssSelector("#published-notice")));
      assertThat(browser.text("#published-version")).contains("version " + draft);
      assertThat(browser.find("#version-" + draft).getAttribute("data-status"))
          .isEqualTo("PUBLISHED");
      assertThat(browser.text("#publications")).contains("Sooner follow-up");
      assertThat(
              admin
                  .get("/api/playbook-definitions/at-risk")
                  .body()
                  .path("publishedVersion")
                  .asInt())
          .isEqualTo(draft);
      browser.screenshot("playbook-published");
    } finally {
      Response back =
          admin.post(
              "/api/playbook-definitions/at-risk/versions/" + before + "/publish",
              "{\"note\":\"restored by ConsolePlaybooksBrowserTest\"}");
      assertThat(back.status()).as(back.toString()).isIn(200, 409);
    }

    // A CSM reads the playbook: its versions and YAML, no editor and no publish form.
    String customer = admin.newCustomer("pb-csm-" + suffix);
    String csmId = admin.get("/api/customers/" + customer).text("csmId");
    String csm = "petra-" + suffix;
    String csmPassword = admin.createLogin(csm, "CSM", csmId, csm + "@example.com");
    try (Browser browser = Browser.open(port)) {
      browser.login(csm, csmPassword);
      browser.go("/console/playbooks/at-risk?view=1");
      assertThat(browser.text("#version-yaml")).contains("id: at-risk");
      assertThat(browser.all("#new-draft")).isEmpty();
      assertThat(browser.all("form.publish")).isEmpty();
      browser.go("/console/playbooks/at-risk/edit");
      assertThat(browser.all("#definition-yaml")).isEmpty();
    }
  }
}
