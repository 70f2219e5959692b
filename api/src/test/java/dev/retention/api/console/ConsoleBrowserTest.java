package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The console in a real browser (Debian's headless Chromium): log in, work the tasks and the runs
 * that wait on the CSM, see a customer's health, and the lead's dashboard against the reports API.
 * Screenshots land in target/screenshots.
 */
@ApiTest
class ConsoleBrowserTest {

  @LocalServerPort int port;

  /** A manager, one CSM of theirs with a login, and a customer of that CSM. */
  record Team(
      String suffix,
      String managerEmail,
      String csmId,
      String username,
      String password,
      String customerId,
      String customerName) {}

  static Team team(HttpApi admin, String prefix) {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String manager = "lead-" + suffix + "@example.com";
    String csm = "csm-" + suffix;
    String email = "csm-" + suffix + "@example.com";
    assertThat(
            admin
                .put(
                    "/api/csms/" + csm,
                    """
                    {"name":"Petra %s","email":"%s","managerEmail":"%s"}"""
                        .formatted(suffix, email, manager))
                .status())
        .isIn(200, 201);
    String customer = customer(admin, prefix, csm);
    String username = "petra-" + suffix;
    String password = admin.createLogin(username, "CSM", csm, email);
    return new Team(suffix, manager, csm, username, password, customer, "Globex " + customer);
  }

  private static String customer(HttpApi admin, String prefix, String csm) {
    String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    var created =
        admin.put(
            "/api/customers/" + id,
            """
            {"name":"Globex %s","email":"ops-%s@globex.example","csmId":"%s","plan":"Growth",
             "mrr":490,"planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
                .formatted(id, id, csm));
    assertThat(created.status()).isEqualTo(201);
    return id;
  }

  @Test
  void aCsm_logsIn_andCannotReachAnotherCsmsCustomer() {
    HttpApi admin = new HttpApi(port);
    Team mine = team(admin, "mine");
    Team theirs = team(admin, "theirs");
    try (Browser browser = Browser.open(port)) {
      browser.go("/console");
      assertThat(browser.driver.getCurrentUrl()).endsWith("/login");
      browser.find("#username").sendKeys(mine.username());
      browser.find("#password").sendKeys("not the password");
      browser.find("#login-submit").click();
      assertThat(browser.text("#login-error")).contains("wrong");
      browser.screenshot("login-refused");

      browser.login(mine.username(), mine.password());
      assertThat(browser.text("#who")).contains(mine.username());
      assertThat(browser.text("h1")).isEqualTo("My work");

      browser.go("/console/customers");
      assertThat(browser.all("tr[data-customer='" + mine.customerId() + "']")).hasSize(1);
      assertThat(browser.all("tr[data-customer='" + theirs.customerId() + "']")).isEmpty();

      browser.go("/console/customers/" + theirs.customerId());
      assertThat(browser.text("h1")).contains("403");
      assertThat(browser.text("#problem")).contains("not in your portfolio");
      assertThat(browser.driver.getPageSource()).doesNotContain(theirs.customerName());
      browser.go("/console/runs/at-risk-" + theirs.customerId());
      assertThat(browser.text("h1")).contains("403");

      // The lead dashboard is for managers.
      browser.go("/console/lead");
      assertThat(browser.text("h1")).contains("403");

      browser.go("/console");
      browser.find("#logout").click();
      browser.await(d -> d.getCurrentUrl().contains("/login"));
      browser.go("/console/customers");
      assertThat(browser.driver.getCurrentUrl()).endsWith("/login");
    }
  }

  @Test
  void aStaleOutcomeIsRejectedInPlace_andTheFollowUpTaskIsCompletedInOneClick() {
    HttpApi admin = new HttpApi(port);
    Team team = team(admin, "stale");
    String runId = "at-risk-" + team.customerId();
    admin.post(
        "/api/customers/" + team.customerId() + "/metrics", HttpApi.metrics(3, 0, "NEGATIVE"));
    admin.await(
        "/api/playbooks?customerId=" + team.customerId(),
        Duration.ofSeconds(20),
        r -> r.body().size() > 0);
    // The customer answers by email: the run now waits on the CSM's SAVED or CHURNED, so it is
    // one of the runs waiting on them (a run waiting for its next email is not).
    assertThat(
            admin
                .post(
                    "/api/events/customer-replied",
                    "{\"customerId\":\"" + team.customerId() + "\"}")
                .status())
        .isEqualTo(202);
    admin.await(
        "/api/playbooks/" + runId,
        Duration.ofSeconds(20),
        r -> "AWAITING_DECISION".equals(r.text("stage")));
    try (Browser browser = Browser.open(port)) {
      browser.login(team.username(), team.password());
      String card = "#card-" + runId;
      // The runs load after the page; until the projection has the run's wait, reload.
      browser.await(
          d -> {
            if (!d.findElements(By.cssSelector(card)).isEmpty()) {
              return true;
            }
            if (!d.findElements(By.cssSelector("#waiting-list")).isEmpty()) {
              d.navigate().refresh();
            }
            return null;
          });
      assertThat(browser.all(card + " button[data-outcome]"))
          .extracting(b -> b.getAttribute("data-outcome"))
          .containsExactly("SAVED", "CHURNED");
      WebElement stale = browser.find(card + " button[data-outcome='SAVED']");

      // The reply gave the CSM a follow-up task: it is on My work, and one click completes it.
      WebElement task = browser.find(".task-card[data-status='OPEN']");
      browser.screenshot("my-work");
      String taskId = task.getAttribute("data-task");
      browser.find("#task-note-" + taskId).sendKeys("called back, all good");
      browser.find("#task-" + taskId + " button.complete").click();
      browser.await(
          d ->
              d.findElement(By.cssSelector("#task-" + taskId))
                  .getAttribute("data-status")
                  .equals("DONE"));
      assertThat(browser.text("#task-" + taskId + " .notice")).isEqualTo("Task completed.");
      JsonNode done =
          admin
              .get("/api/tasks?customerId=" + team.customerId() + "&status=DONE")
              .body()
              .path("items");
      assertThat(done.findValuesAsText("id")).contains(taskId);
      assertThat(done.findValuesAsText("closeNote")).contains("called back, all good");

      // Meanwhile the customer's churn is recorded elsewhere: the SAVED on screen is stale.
      assertThat(
              admin
                  .post("/api/playbooks/" + runId + "/outcomes", "{\"type\":\"CHURNED\"}")
                  .status())
          .isEqualTo(200);
      stale.click();
      WebElement error = browser.await(d -> d.findElement(By.cssSelector(card + " .error")));
      assertThat(error.getText()).contains("Not recorded");
      assertThat(browser.driver.getCurrentUrl()).endsWith("/console");
      assertThat(browser.all(card + " button[data-outcome]")).isEmpty();
      assertThat(admin.get("/api/playbooks/" + runId).text("outcome")).isEqualTo("CHURNED");
      browser.screenshot("my-work-rejected-outcome");
    }
  }

  @Test
  void theCustomerPage_drawsTheHealthChart_withBandZonesAndEveryScore() {
    HttpApi admin = new HttpApi(port);
    Team team = team(admin, "chart");
    String c = "/api/customers/" + team.customerId() + "/metrics";
    admin.post(c, HttpApi.metrics(60, 6, "POSITIVE"));
    admin.post(c, HttpApi.metrics(20, 3, "NEUTRAL"));
    admin.post(c, HttpApi.metrics(3, 0, "NEGATIVE"));
    try (Browser browser = Browser.open(port)) {
      browser.login(team.username(), team.password());
      browser.go("/console/customers/" + team.customerId());
      WebElement chart = browser.find("#health-chart");
      assertThat(chart.isDisplayed()).isTrue();
      assertThat(chart.getSize().getWidth()).isGreaterThan(300);
      assertThat(browser.all("#health-chart rect.zone")).hasSize(4);
      assertThat(browser.all("#health-chart circle.score-point")).hasSize(3);
      assertThat(browser.find("#health-line").getAttribute("points").trim().split("\\s+"))
          .hasSize(3);
      assertThat(browser.all("#health-chart polyline.component")).hasSize(3);
      assertThat(browser.text("#health-score")).contains("At risk");
      browser.screenshot("customer");
      // The at-risk run started by the last score, and its first email, opened as sent.
      browser.await(
          d -> {
            d.navigate().refresh();
            return d.findElements(By.cssSelector("details.email")).isEmpty() ? null : true;
          });
      WebElement email = browser.find("details.email");
      email.findElement(By.tagName("summary")).click();
      assertThat(email.findElement(By.cssSelector(".mail-body")).getText()).isNotBlank();
      assertThat(email.findElement(By.cssSelector(".mail-head")).getText())
          .contains("ops-" + team.customerId() + "@globex.example");
      browser.screenshot("customer-email");

      browser.go("/console/customers/" + team.customerId() + "?lang=nl");
      assertThat(browser.text("#chart-heading")).isEqualTo("Gezondheid in de tijd");
      browser.go("/console/customers/" + team.customerId());
      assertThat(browser.text("#chart-heading")).isEqualTo("Gezondheid in de tijd");
      browser.phoneWidth();
      browser.go("/console/customers/" + team.customerId() + "?lang=en");
      assertThat(browser.text("#chart-heading")).isEqualTo("Health over time");
      assertThat(browser.find("#health-chart").getSize().getWidth()).isLessThan(400);
      Long scrollWidth =
          (Long)
              ((org.openqa.selenium.JavascriptExecutor) browser.driver)
                  .executeScript("return document.documentElement.scrollWidth");
      assertThat(scrollWidth).isLessThanOrEqualTo(400L);
      browser.screenshot("customer-phone");
    }
  }

  @Test
  void aManagersDashboard_showsTheNumbersOfTheReportsApi() {
    HttpApi admin = new HttpApi(port);
    Team team = team(admin, "lead");
    String manager = "lena-" + team.suffix();
    String password = admin.createLogin(manager, "MANAGER", null, team.managerEmail());
    admin.post(
        "/api/events/nps",
        "{\"customerId\":\"%s\",\"score\":3,\"comment\":\"slow\"}".formatted(team.customerId()));
    String second = customer(admin, "lead2", team.csmId());
    admin.post("/api/events/nps", "{\"customerId\":\"%s\",\"score\":10}".formatted(second));
    admin.post("/api/events/signup", "{\"customerId\":\"%s\"}".formatted(second));
    // No OUTREACH_DONE within a day (2 s): the detractor's run escalates to the manager.
    admin.await(
        "/api/playbooks/nps-follow-up-" + team.customerId(),
        Duration.ofSeconds(30),
        r -> r.body().path("steps").toString().contains("ESCALATED"));
    try (Browser browser = Browser.open(port)) {
      browser.login(manager, password);
      browser.go("/console/lead");
      assertThat(browser.text("#escalations")).contains(team.customerName());
      // The page says whose figures these are: the team's, named.
      assertThat(browser.find("#scope").getAttribute("data-covers")).isEqualTo("TEAM");
      assertThat(browser.find("#scope").getAttribute("data-csm-ids")).isEqualTo(team.csmId());
      assertThat(browser.text("#scope")).contains("Petra " + team.suffix());
      browser.screenshot("lead-dashboard");
      // The page shows what the API answers the same manager: the team's figures. Runs move on
      // meanwhile: compare page and API read at one moment.
      HttpApi lead = admin.login(manager, password);
      String mismatch = null;
      for (int attempt = 0; attempt < 8; attempt++) {
        browser.go("/console/lead");
        String from = browser.find("main").getAttribute("data-from");
        String to = browser.find("main").getAttribute("data-to");
        JsonNode playbooks = lead.get("/api/reports/playbooks?from=" + from + "&to=" + to).body();
        JsonNode nps = lead.get("/api/reports/nps?from=" + from + "&to=" + to).body();
        JsonNode onboarding = lead.get("/api/reports/onboarding?from=" + from + "&to=" + to).body();
        mismatch = compare(browser, playbooks, nps, onboarding);
        if (mismatch == null) {
          break;
        }
      }
      assertThat(mismatch).isNull();
      // Only this team's answers: the detractor and the promoter.
      assertThat(browser.find("#nps").getAttribute("data-responses")).isEqualTo("2");
      assertThat(browser.text("#nps-score")).isEqualTo("0");
    }
  }

  /** Null when every number on the page is the API's; else what differs. */
  private static String compare(
      Browser browser, JsonNode playbooks, JsonNode nps, JsonNode onboarding) {
    for (JsonNode p : playbooks.path("playbooks")) {
      String name = p.path("playbook").asText();
      String row = "#playbook-table tr[data-playbook='" + name + "']";
      String started = browser.find(row + " .started").getText();
      String running = browser.find(row + " .running").getText();
      if (!started.equals(p.path("started").asText())
          || !running.equals(p.path("running").asText())) {
        return name + ": page " + started + "/" + running + ", API " + p;
      }
      Map<String, String> shown = new java.util.HashMap<>();
      for (WebElement chip : browser.all(row + " .outcome")) {
        shown.put(chip.getAttribute("data-outcome"), chip.getAttribute("data-count"));
      }
      Map<String, String> api = new java.util.HashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = p.path("outcomes").properties().iterator();
          it.hasNext(); ) {
        var e = it.next();
        api.put(e.getKey(), e.getValue().asText());
      }
      if (!shown.equals(api)) {
        return name + " outcomes: page " + shown + ", API " + api;
      }
      String saveRate = browser.find(row + " .save-rate").getAttribute("data-rate");
      String apiSave = p.path("saveRate").isNull() ? null : p.path("saveRate").asText();
      if (!java.util.Objects.equals(blank(saveRate), apiSave)
          && !(saveRate != null
              && apiSave != null
              && Double.parseDouble(saveRate) == Double.parseDouble(apiSave))) {
        return name + " save rate: page " + saveRate + ", API " + apiSave;
      }
    }
    WebElement section = browser.find("#nps");
    for (String field : new String[] {"responses", "promoters", "passives", "detractors"}) {
      if (!section.getAttribute("data-" + field).equals(nps.path(field).asText())) {
        return "nps " + field + ": page " + section.getAttribute("data-" + field) + ", API " + nps;
      }
    }
    String score = browser.text("#nps-score");
    String apiScore = nps.path("nps").isNull() ? "–" : nps.path("nps").asText();
    if (!score.equals(apiScore)) {
      return "nps: page " + score + ", API " + apiScore;
    }
    WebElement onboard = browser.find("#onboarding");
    if (!onboard.getAttribute("data-started").equals(onboarding.path("started").asText())
        || !onboard.getAttribute("data-completed").equals(onboarding.path("completed").asText())) {
      return "onboarding: page " + onboard.getAttribute("data-started") + ", API " + onboarding;
    }
    return null;
  }

  private static String blank(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
