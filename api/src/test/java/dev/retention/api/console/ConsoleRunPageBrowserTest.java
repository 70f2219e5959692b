package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.WithSkippedClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A run worked on its own page in a real browser (Debian's headless Chromium), through its call
 * stage on day 7: in the skipped-clock context, so the days pass on Temporal's clock instead of
 * being waited out. Screenshots land in target/screenshots.
 */
class ConsoleRunPageBrowserTest extends WithSkippedClock {

  @LocalServerPort int port;

  @Test
  void anAtRiskRun_callCompletedThenSaved_closesOnTheRunPage_withoutAReload() {
    HttpApi admin = new HttpApi(port);
    ConsoleBrowserTest.Team team = ConsoleBrowserTest.team(admin, "call");
    String runId = "at-risk-" + team.customerId();
    admin.post(
        "/api/customers/" + team.customerId() + "/metrics", HttpApi.metrics(3, 0, "NEGATIVE"));
    admin.await("/api/playbooks/" + runId, Duration.ofSeconds(20), r -> r.status() == 200);
    try (Browser browser = Browser.open(port)) {
      browser.login(team.username(), team.password());
      browser.go("/console/runs/" + runId);
      assertThat(browser.attribute("#run-stage", "data-stage")).isEqualTo("OUTREACH");
      // Words, not identifiers: the stage's label.
      assertThat(browser.text("#run-stage")).isEqualTo("Outreach");
      assertThat(browser.all("button[data-outcome='CALL_COMPLETED']")).isEmpty();
      // Day 7, on Temporal's clock (skipped on the embedded runtime; 12 s of the tests' 2-second
      // days on a real server): the call stage arrives on the open page by polling, no reload.
      clock()
          .passUntil(
              admin,
              "/api/playbooks/" + runId,
              Duration.ofSeconds(1),
              Duration.ofSeconds(40),
              r -> "CALL".equals(r.text("stage")));
      new org.openqa.selenium.support.ui.WebDriverWait(
              browser.driver, Duration.ofSeconds(40), Duration.ofMillis(300))
          .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
          .until(d -> d.findElement(By.cssSelector("button[data-outcome='CALL_COMPLETED']")));
      assertThat(browser.attribute("#run-stage", "data-stage")).isEqualTo("CALL");
      browser.type("#run-note", "blockers: SSO setup; plan: weekly check-in");
      browser.click("button[data-outcome='CALL_COMPLETED']");
      browser.await(
          d ->
              d.findElement(By.cssSelector("#run-stage"))
                  .getAttribute("data-stage")
                  .equals("AWAITING_DECISION"));
      browser.await(
          d -> d.findElement(By.cssSelector("#steps")).getText().contains("Call completed"));
      browser.click("button[data-outcome='SAVED']");
      browser.await(
          d ->
              d.findElement(By.cssSelector("#run-status"))
                  .getAttribute("data-status")
                  .equals("COMPLETED"));
      assertThat(browser.text("#run-outcome")).startsWith("Saved");
      // Saved is good news: green.
      assertThat(browser.attribute("#run-outcome", "class")).contains("tone-good");
      assertThat(browser.all("#run-panel[hx-trigger]")).isEmpty();
      assertThat(browser.all("#steps tbody tr")).hasSizeGreaterThan(2);
      browser.screenshot("run-saved");
      assertThat(admin.get("/api/playbooks/" + runId).text("outcome")).isEqualTo("SAVED");
      // The console's writes are audited like the API's (and the login): who, what, which run.
      java.util.List<JsonNode> writes = new java.util.ArrayList<>();
      admin
          .get("/api/audit?actor=person:" + team.username())
          .body()
          .path("items")
          .forEach(writes::add);
      assertThat(writes)
          .extracting(w -> w.path("action").asText())
          .containsExactly(
              "POST /console/runs/{workflowId}/outcome",
              "POST /console/runs/{workflowId}/outcome",
              "POST /login");
      assertThat(writes.subList(0, 2))
          .allSatisfy(
              w -> {
                assertThat(w.path("workflowId").asText()).isEqualTo(runId);
                assertThat(w.path("result").asText()).isEqualTo("OK");
              });
    }
  }
}
