package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.WithSkippedClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every console page in Dutch, in Chromium, with data in every state (open, snoozed, done and
 * obsolete tasks; runs of all five playbooks, running and closed; timeline entries of every kind):
 * no English word and no raw identifier (step ids, enum names, CSM ids) in what a person sees.
 * Times follow the person's time zone, with the customer's beside the next step.
 */
class ConsoleDutchBrowserTest extends WithSkippedClock {

  /** English words and phrases that no Dutch screen would hold (case as shown). */
  static final List<String> ENGLISH =
      List.of(
          "the",
          "The",
          "task",
          "Task",
          "tasks",
          "overdue",
          "waiting",
          "Waiting",
          "Due",
          "due",
          "Priority",
          "noted",
          "step",
          "Step",
          "steps",
          "Steps",
          "Customer",
          "customers",
          "Customers",
          "call",
          "Call",
          "recorded",
          "Recorded",
          "sent",
          "Sent",
          "Running",
          "running",
          "Completed",
          "Saved",
          "Churned",
          "Urgent",
          "High",
          "Normal",
          "Outreach",
          "Stage",
          "Next",
          "planned",
          "Unsubscribe",
          "and",
          "with",
          "within",
          "follow up",
          "reach out",
          "hours",
          "days",
          "day",
          "Health",
          "health",
          "Log out",
          "Logged in",
          "Snooze",
          "Complete",
          "Note",
          "Timeline",
          "your",
          "you",
          "not",
          "from",
          "Opened",
          "Delivered",
          "Escalated",
          "escalated",
          "Milestone",
          "milestone",
          "Reason",
          "Offer",
          "offer",
          "Plan",
          "Playbook started",
          "Start",
          "Record",
          "Nothing",
          "Trial",
          "trial",
          "Dec",
          "Jan",
          "Oct",
          "Mar",
          "May",
          "Profile",
          "Time zone",
          "Save",
          "Tag",
          "Alert",
          "Outcome",
          "outcome",
          "Legend",
          "Closed",
          "Cancelled",
          "Declined",
          "Usage",
          "Engagement",
          "Action",
          "action plan",
          "Follow-up",
          "Setup",
          "Review",
          "Referral",
          "Welcome",
          "Thank-you");

  /** Raw identifiers: step ids, enum names, CSM ids. */
  static final List<Pattern> IDENTIFIERS =
      List.of(
          Pattern.compile("\\b[a-z]+(-[a-z0-9]+)+\\b"),
          Pattern.compile("\\b[A-Z]+(_[A-Z]+)+\\b"),
          Pattern.compile("csm-[a-z]+"));

  @LocalServerPort int port;

  private final List<String> findings = new ArrayList<>();

  @Test
  void everyConsolePageInDutch_holdsNoEnglishAndNoIdentifiers() {
    HttpApi admin = new HttpApi(port);
    String sfx = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    String csm = "csm-petra" + sfx;
    String manager = "lena" + sfx + "@example.com";
    assertThat(
            admin
                .put(
                    "/api/csms/" + csm,
                    """
                    {"name":"Petra Jansen","email":"petra%s@example.com","managerEmail":"%s"}"""
                        .formatted(sfx, manager))
                .status())
        .isIn(200, 201);
    String username = "petra" + sfx;
    String password = admin.createLogin(username, "CSM", csm, "petra" + sfx + "@example.com");
    String lead = "lena" + sfx;
    String leadPassword = admin.createLogin(lead, "MANAGER", null, manager);

    // Runs of all five playbooks, in different stages.
    String atRisk = customer(admin, sfx, 1, csm);
    admin.post("/api/customers/" + atRisk + "/metrics", HttpApi.metrics(3, 0, "NEGATIVE"));
    String saved = customer(admin, sfx, 2, csm);
    admin.post("/api/customers/" + saved + "/metrics", HttpApi.metrics(3, 0, "NEGATIVE"));
    String detractor = customer(admin, sfx, 3, csm);
    admin.post(
        "/api/events/nps",
        "{\"customerId\":\"%s\",\"score\":3,\"comment\":\"traag\"}".formatted(detractor));
    String promoter = customer(admin, sfx, 4, csm);
    admin.post("/api/events/nps", "{\"customerId\":\"%s\",\"score\":10}".formatted(promoter));
    String trial = customer(admin, sfx, 5, csm);
    admin.post("/api/events/signup", "{\"customerId\":\"%s\"}".formatted(trial));
    admin.post(
        "/api/events/milestone",
        "{\"customerId\":\"%s\",\"milestone\":\"FIRST_QUERY\"}".formatted(trial));
    String cancelling = customer(admin, sfx, 6, csm);
    admin.post(
        "/api/events/cancellation-requested",
        "{\"customerId\":\"%s\",\"reason\":\"TOO_EXPENSIVE\"}".formatted(cancelling));
    // Its save-call task, done with a note at once (the run's deadline is 6 s away here).
    JsonNode open =
        admin
            .await(
                "/api/tasks?customerId=" + cancelling + "&status=OPEN",
                Duration.ofSeconds(20),
                r -> r.body().path("items").size() > 0)
            .body()
            .path("items");
    admin.post(
        "/api/tasks/" + open.get(0).path("id").asText() + "/complete",
        "{\"note\":\"gebeld, alles goed\"}");
    String expanding = customer(admin, sfx, 7, csm);
    admin.post(
        "/api/playbooks",
        "{\"playbook\":\"expansion\",\"customerId\":\"%s\"}".formatted(expanding));
    String stopped = customer(admin, sfx, 8, csm);
    admin.post("/api/customers/" + stopped + "/metrics", HttpApi.metrics(3, 0, "NEGATIVE"));

    // Closed runs: saved, declined, cancelled (its open tasks become obsolete).
    String savedRun = "at-risk-" + saved;
    admin.await("/api/playbooks/" + savedRun, Duration.ofSeconds(20), r -> r.status() == 200);
    outcome(admin, savedRun, "CUSTOMER_RESPONDED");
    assertThat(
            admin
                .post(
                    "/api/playbooks/" + savedRun + "/outcomes",
                    "{\"type\":\"SAVED\",\"note\":\"trainingsplan afgesproken\"}")
                .status())
        .isEqualTo(200);
    String expansionRun = "expansion-" + expanding;
    admin.await("/api/playbooks/" + expansionRun, Duration.ofSeconds(20), r -> r.status() == 200);
    outcome(admin, expansionRun, "DECLINED");
    String stoppedRun = "at-risk-" + stopped;
    // Its first task is the day-7 call (a day is 2 s here): Temporal's clock is skipped to it on
    // the embedded runtime instead of waited out.
    clock()
        .passUntil(
            admin,
            "/api/tasks?customerId=" + stopped + "&status=OPEN",
            Duration.ofSeconds(1),
            Duration.ofSeconds(20),
            r -> r.body().path("items").size() > 0);
    assertThat(admin.delete("/api/playbooks/" + stoppedRun).status()).isEqualTo(202);

    // Tasks in every state: done, snoozed, open, obsolete.
    JsonNode detractorTasks =
        admin
            .await(
                "/api/tasks?customerId=" + detractor + "&status=OPEN",
                Duration.ofSeconds(20),
                r -> r.body().path("items").size() > 0)
            .body()
            .path("items");
    admin.post(
        "/api/tasks/" + detractorTasks.get(0).path("id").asText() + "/snooze",
        "{\"until\":\"%s\"}".formatted(Instant.now().plus(Duration.ofDays(2))));
    admin.await(
        "/api/tasks?customerId=" + stopped + "&status=OBSOLETE",
        Duration.ofSeconds(20),
        r -> r.body().path("items").size() > 0);
    // The detractor's escalation (a day is 2 s here) and the at-risk call stage (day 7), on
    // Temporal's clock (skipped on the embedded runtime).
    clock()
        .passUntil(
            admin,
            "/api/playbooks/nps-follow-up-" + detractor,
            Duration.ofSeconds(1),
            Duration.ofSeconds(30),
            r -> r.body().path("steps").toString().contains("ESCALATED"));
    clock()
        .passUntil(
            admin,
            "/api/playbooks/at-risk-" + atRisk,
            Duration.ofSeconds(1),
            Duration.ofSeconds(40),
            r -> "CALL".equals(r.text("stage")));

    // What a CSM types on a customer: a note, a call and a meeting, a contact, renewal and ARR.
    String notes = "/api/customers/" + saved + "/notes";
    assertThat(admin.post(notes, "{\"kind\":\"NOTE\",\"text\":\"wil korting\"}").status())
        .isEqualTo(201);
    assertThat(
            admin
                .post(
                    notes,
                    "{\"kind\":\"CALL\",\"text\":\"verlenging loopt goed\","
                        + "\"withWhom\":\"Anna de Wit\"}")
                .status())
        .isEqualTo(201);
    assertThat(admin.post(notes, "{\"kind\":\"MEETING\",\"text\":\"kwartaaloverleg\"}").status())
        .isEqualTo(201);
    assertThat(
            admin
                .post(
                    "/api/customers/" + saved + "/contacts",
                    "{\"name\":\"Anna de Wit\",\"email\":\"anna%s@globex.example\",".formatted(sfx)
                        + "\"role\":\"CFO\",\"primary\":true}")
                .status())
        .isEqualTo(201);
    // A detractor contacted at once: the run closes its task with a note of its own.
    String contacted = customer(admin, sfx, 9, csm);
    admin.post("/api/events/nps", "{\"customerId\":\"%s\",\"score\":2}".formatted(contacted));
    admin.await(
        "/api/tasks?customerId=" + contacted + "&status=OPEN",
        Duration.ofSeconds(20),
        r -> r.body().path("items").size() > 0);
    outcome(admin, "nps-follow-up-" + contacted, "OUTREACH_DONE");
    admin.await(
        "/api/tasks?customerId=" + contacted + "&status=DONE",
        Duration.ofSeconds(20),
        r -> r.body().path("items").size() > 0);
    List<String> customers =
        List.of(
            atRisk, saved, detractor, promoter, trial, cancelling, expanding, stopped, contacted);

    Set<String> runs = new LinkedHashSet<>();
    for (String c : customers) {
      admin
          .get("/api/playbooks?customerId=" + c)
          .body()
          .forEach(r -> runs.add(r.path("workflowId").asText()));
    }
    assertThat(runs).hasSizeGreaterThanOrEqualTo(8);

    try (Browser browser = Browser.open(port)) {
      browser.go("/login?lang=nl");
      check(browser, "/login", Set.of());
      browser.login(username, password);
      // The person's zone (their profile): Tokyo, far from the customers' Amsterdam.
      browser.go("/console/profile");
      // A zone that does not exist is refused in place, saying which.
      browser.find("#time-zone").clear();
      browser.find("#time-zone").sendKeys("Mars/Olympus");
      browser.find("#profile-save").click();
      assertThat(browser.text("#profile-error"))
          .contains("Deze tijdzone bestaat niet")
          .contains("Mars/Olympus");
      browser.find("#time-zone").clear();
      browser.find("#time-zone").sendKeys("Asia/Tokyo");
      browser.find("#profile-save").click();
      browser.await(d -> d.findElement(By.cssSelector("#profile-notice")));
      assertThat(browser.text("#shown-zone")).isEqualTo("Asia/Tokyo");
      Set<String> own = new LinkedHashSet<>(customers);
      own.add(username);
      check(browser, "/console/profile", own);

      browser.go("/console");
      browser.await(d -> d.findElement(By.cssSelector("#waiting-list")));
      check(browser, "/console", own);
      browser.go("/console/customers");
      check(browser, "/console/customers", own);
      for (String c : customers) {
        browser.go("/console/customers/" + c);
        check(browser, "/console/customers/" + c, own);
      }
      for (String run : runs) {
        browser.go("/console/runs/" + run);
        check(browser, "/console/runs/" + run, own);
      }
      // Times in the person's zone, the customer's own clock beside the next step.
      // A refusal reads Dutch too: another CSM's customer, or none.
      browser.go("/console/customers/nobodyhere" + sfx);
      assertThat(browser.text("h1")).doesNotContain("Forbidden").doesNotContain("not found");
      check(browser, "/console/customers/nobodyhere", own);
      // The cancellation-save run waits for its win-back email (a month: a minute here).
      browser.go("/console/runs/cancellation-save-" + cancelling);
      assertThat(browser.text("#run-next")).contains("JST").contains("Europe/Amsterdam");
      assertThat(browser.text("#run-panel")).contains("JST");
      browser.screenshot("run-dutch");

      // Words, not identifiers, in English too.
      browser.go("/console?lang=en");
      browser.await(d -> d.findElement(By.cssSelector("#waiting-list")));
      checkIdentifiers(browser, "/console (en)", own);
      for (String c : customers) {
        browser.go("/console/customers/" + c);
        checkIdentifiers(browser, "/console/customers/" + c + " (en)", own);
      }
      for (String run : runs) {
        browser.go("/console/runs/" + run);
        checkIdentifiers(browser, "/console/runs/" + run + " (en)", own);
      }
    }
    try (Browser browser = Browser.open(port)) {
      browser.go("/login?lang=nl");
      browser.login(lead, leadPassword);
      browser.go("/console/lead");
      check(browser, "/console/lead", Set.copyOf(customers));
      assertThat(browser.text("#scope")).contains("Petra Jansen");
      browser.screenshot("lead-dutch");
    }
    assertThat(findings).as("English or identifiers on the Dutch console").isEmpty();
  }

  /**
   * What a person sees on the page, checked: with every details element opened, and without the
   * emails' own content (subject, addresses, body), which is what was sent (a Dutch customer's is
   * Dutch, see DutchEmailFooterTest; alerts to the CSM are English by design).
   */
  private void check(Browser browser, String page, Set<String> ownIds) {
    JavascriptExecutor js = (JavascriptExecutor) browser.driver;
    js.executeScript(
        "document.querySelectorAll('details').forEach(function (d) { d.open = true; });"
            + "document.querySelectorAll('.mail, .mail-body, .mail-head, .mail-subject')"
            + ".forEach(function (m) { m.style.display = 'none'; });");
    String text = browser.find("body").getText();
    assertThat(browser.find("html").getAttribute("lang")).as(page + ": " + text).isEqualTo("nl");
    for (String id : ownIds) {
      text = text.replace(id, " ");
    }
    // Dutch writes e-mail with a hyphen; it is a word, not an identifier.
    String words = text.replaceAll("(?i)e-mail", "email");
    for (String english : ENGLISH) {
      Matcher m =
          Pattern.compile("(?<![\\p{L}-])" + Pattern.quote(english) + "(?![\\p{L}-])")
              .matcher(words);
      if (m.find()) {
        findings.add(page + ": English \"" + english + "\" in …" + around(words, m) + "…");
      }
    }
    for (Pattern identifier : IDENTIFIERS) {
      Matcher m = identifier.matcher(words);
      if (m.find()) {
        findings.add(page + ": identifier \"" + m.group() + "\" in …" + around(words, m) + "…");
      }
    }
  }

  /** The English console: no raw identifier either. */
  private void checkIdentifiers(Browser browser, String page, Set<String> ownIds) {
    assertThat(browser.find("html").getAttribute("lang")).isEqualTo("en");
    // English words written with a hyphen are words, not identifiers.
    String text =
        visible(browser, ownIds)
            .replaceAll("\\b(follow-up|win-back|thank-you|one-click|hand-over)\\b", "word");
    for (Pattern identifier : IDENTIFIERS) {
      Matcher m = identifier.matcher(text);
      if (m.find()) {
        findings.add(page + ": identifier \"" + m.group() + "\" in …" + around(text, m) + "…");
      }
    }
  }

  private static String visible(Browser browser, Set<String> ownIds) {
    ((JavascriptExecutor) browser.driver)
        .executeScript(
            "document.querySelectorAll('details').forEach(function (d) { d.open = true; });"
                + "document.querySelectorAll('.mail, .mail-body, .mail-head, .mail-subject')"
                + ".forEach(function (m) { m.style.display = 'none'; });");
    String text = browser.find("body").getText();
    for (String id : ownIds) {
      text = text.replace(id, " ");
    }
    return text.replaceAll("(?i)e-mail", "email");
  }

  private static String around(String text, Matcher m) {
    return text.substring(Math.max(0, m.start() - 40), Math.min(text.length(), m.end() + 40))
        .replace('\n', ' ');
  }

  private static void outcome(HttpApi admin, String run, String type) {
    HttpApi.Response r =
        admin.post("/api/playbooks/" + run + "/outcomes", "{\"type\":\"" + type + "\"}");
    assertThat(r.status()).as(run + " " + type + ": " + r.body()).isEqualTo(200);
  }

  /** A Dutch customer in Amsterdam; ids without hyphens, so they are not taken for step ids. */
  private static String customer(HttpApi admin, String sfx, int n, String csm) {
    String id = "nl" + sfx + "k" + n;
    var created =
        admin.put(
            "/api/customers/" + id,
            """
            {"name":"Bakkerij %s","email":"info%s@bakkerij.example","csmId":"%s","plan":"Growth",
             "mrr":490,"planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"nl"}"""
                .formatted(n + " " + sfx, id, csm));
    assertThat(created.status()).isEqualTo(201);
    return id;
  }
}
