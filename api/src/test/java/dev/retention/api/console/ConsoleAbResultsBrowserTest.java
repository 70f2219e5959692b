package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.AbDefinitions;
import dev.retention.api.support.AbRuns;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * In Chromium: the A/B on the at-risk day-1 subject, seen by the CS lead. Runs of the A/B version
 * for the customers of a CSM on the lead's team closed SAVED or CHURNED; the lead follows the lead
 * dashboard's "A/B results" link to the at-risk page, which shows per variant the runs, outcomes
 * and save rate with its interval, the figures the experiments report gives, in English and Dutch.
 * A CSM's page of the same playbook has no A/B section (reports are for leads).
 */
@ApiTest
class ConsoleAbResultsBrowserTest {

  @LocalServerPort int port;

  @Test
  void theLead_followsTheDashboardToTheAbResults_perVariant_inEnglishAndDutch() {
    HttpApi admin = new HttpApi(port);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String lead = "lena-ab-" + suffix;
    String leadEmail = lead + "@example.com";
    String password = admin.createLogin(lead, "MANAGER", null, leadEmail);
    String csm = "csm-ab-" + suffix;
    Response putCsm =
        admin.put(
            "/api/csms/" + csm,
            "{\"name\":\"CSM %s\",\"email\":\"%s@example.com\",\"managerEmail\":\"%s\"}"
                .formatted(csm, csm, leadEmail));
    assertThat(putCsm.status()).as(putCsm.toString()).isIn(200, 201);
    List<AbRuns.Run> runs = AbRuns.closedRuns(admin, csm, 6);
    Map<String, long[]> expected = AbRuns.perVariant(runs);

    try (Browser browser = Browser.open(port)) {
      browser.login(lead, password);
      browser.go("/console/lead");
      browser.click("#ab-link-at-risk");
      browser.await(d -> d.findElement(By.cssSelector("#ab-results")));
      assertThat(browser.driver.getCurrentUrl()).endsWith("/console/playbooks/at-risk#ab-results");
      String table = "#ab-" + AbDefinitions.EXPERIMENT;
      assertThat(browser.attribute(table, "data-rate")).isEqualTo("saveRate");
      assertThat(browser.text(table + " caption")).isEqualTo("Experiment day-1-subject");
      List<WebElement> rows = browser.all(table + " tr.ab-variant");
      assertThat(rows).hasSize(expected.size());
      for (WebElement row : rows) {
        String variant = row.getAttribute("data-variant");
        long[] c = expected.get(variant);
        assertThat(c).as(variant).isNotNull();
        // Only this team's runs: exactly the ones made here.
        assertThat(row.getAttribute("data-runs")).isEqualTo(Long.toString(c[0]));
        assertThat(row.getAttribute("data-successes")).isEqualTo(Long.toString(c[1]));
        assertThat(row.findElement(By.cssSelector(".rate")).getText())
            .contains("(" + c[1] + " of " + c[0] + ")");
        assertThat(row.findElement(By.cssSelector(".interval")).getText()).contains(" to ");
        if (c[1] > 0) {
          assertThat(
                  row.findElement(By.cssSelector(".outcome[data-outcome=SAVED]"))
                      .getAttribute("data-count"))
              .isEqualTo(Long.toString(c[1]));
        }
      }
      browser.screenshot("playbook-ab-results");

      browser.go("/console/playbooks/at-risk?lang=nl");
      assertThat(browser.text("#ab-heading")).isEqualTo("A/B-resultaten");
      assertThat(browser.text(table + " thead")).contains("Behoudpercentage", "95%-interval");
      assertThat(browser.text(table + " tbody")).contains(" van ");
      browser.go("/console/playbooks/at-risk?lang=en");
    }

    // A CSM reads the playbook without the A/B section.
    String csmLogin = "petra-ab-" + suffix;
    String csmPassword = admin.createLogin(csmLogin, "CSM", csm, csmLogin + "@example.com");
    try (Browser browser = Browser.open(port)) {
      browser.login(csmLogin, csmPassword);
      browser.go("/console/playbooks/at-risk");
      browser.await(d -> d.findElement(By.cssSelector("#versions")));
      assertThat(browser.all("#ab-results")).isEmpty();
    }
  }
}
