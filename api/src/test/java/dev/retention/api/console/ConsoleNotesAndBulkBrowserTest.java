package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * In Chromium: a CSM logs a call on a customer and sees it as typed (escaped, line breaks kept) in
 * the notes and the timeline; a note too long is refused in the form with the text kept; a playbook
 * started for a selection of customers answers per customer, and a customer slipped into the
 * selection that is not theirs is refused.
 */
@ApiTest
class ConsoleNotesAndBulkBrowserTest {

  static final String TYPED = "Spoke to Ann.\n<script>window.pwned = 1</script> & \"next\" steps";

  @LocalServerPort int port;

  @Test
  void aLoggedCall_isShownAsTyped_andATooLongNoteIsRefusedInTheFormWithTheTextKept() {
    HttpApi admin = new HttpApi(port);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String csm = csm(admin, suffix);
    String customer = customer(admin, "notes-" + suffix, csm);
    String password = admin.createLogin("petra-" + suffix, "CSM", csm, csm + "@example.com");
    try (Browser browser = Browser.open(port)) {
      browser.login("petra-" + suffix, password);
      browser.go("/console/customers/" + customer);
      new Select(browser.find("#note-kind")).selectByValue("CALL");
      browser.type("#note-with", "Ann de Wit <CFO>");
      browser.type("#note-text", TYPED);
      browser.click("#note-submit");
      WebElement shown =
          browser.await(
              d ->
                  d.findElement(By.cssSelector("#customer-notes li[data-kind='CALL'] .note-text")));
      assertThat(shown.getText()).isEqualTo(TYPED);
      assertThat(browser.text("#customer-notes li[data-kind='CALL']")).contains("Ann de Wit <CFO>");
      assertThat(((JavascriptExecutor) browser.driver).executeScript("return window.pwned"))
          .isNull();
      // The form is empty again, and a reload shows the call in the timeline too.
      assertThat(browser.find("#note-text").getAttribute("value")).isEmpty();
      browser.go("/console/customers/" + customer);
      assertThat(browser.text("#timeline")).contains(TYPED);
      browser.screenshot("customer-notes");

      // Too long: refused in the form, the text kept to shorten, nothing saved.
      String tooLong = "y".repeat(10_001);
      ((JavascriptExecutor) browser.driver)
          .executeScript("document.querySelector('#note-text').value = arguments[0]", tooLong);
      browser.click("#note-submit");
      assertThat(browser.await(d -> d.findElement(By.cssSelector("#note-error"))).getText())
          .contains("10,000");
      assertThat(browser.find("#note-text").getAttribute("value")).isEqualTo(tooLong);
      assertThat(admin.get("/api/customers/" + customer + "/notes").body().size()).isEqualTo(1);
    }
  }

  @Test
  void theNoteTypedWithAnOutcome_isShownOnTheRunPage_andTheCustomerPage() {
    HttpApi admin = new HttpApi(port);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String csm = csm(admin, suffix);
    String customer = customer(admin, "runnote-" + suffix, csm);
    String run = "at-risk-" + customer;
    assertThat(
            admin
                .post(
                    "/api/playbooks",
                    "{\"playbook\":\"at-risk\",\"customerId\":\"" + customer + "\"}")
                .status())
        .isEqualTo(202);
    admin.await("/api/playbooks/" + run, java.time.Duration.ofSeconds(30), r -> r.status() == 200);
    String password = admin.createLogin("runnote-" + suffix, "CSM", csm, csm + "@example.com");
    String plan = "Plan: two trainings\n<i>then</i> a check-in";
    try (Browser browser = Browser.open(port)) {
      browser.login("runnote-" + suffix, password);
      browser.go("/console/runs/" + run);
      browser.type("#run-note", plan);
      browser.click("button[data-outcome='SAVED']");
      browser.await(
          d ->
              "COMPLETED"
                  .equals(
                      d.findElement(By.cssSelector("#run-status")).getAttribute("data-status")));
      WebElement note = browser.await(d -> d.findElement(By.cssSelector("#run-notes .note-text")));
      assertThat(note.getText()).isEqualTo(plan);
      browser.screenshot("run-notes");
      browser.go("/console/customers/" + customer);
      assertThat(browser.text("#customer-notes")).contains(plan);
      assertThat(browser.text("#timeline")).contains(plan);
    }
  }

  @Test
  void aPlaybookStartedForASelection_answersPerCustomer_andRefusesACustomerNotTheirs() {
    HttpApi admin = new HttpApi(port);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String csm = csm(admin, suffix);
    String other = csm(admin, "o" + suffix);
    String first = customer(admin, "bulk-a-" + suffix, csm);
    String second = customer(admin, "bulk-b-" + suffix, csm);
    String theirs = customer(admin, "bulk-x-" + suffix, other);
    // The first runs the expansion playbook already.
    assertThat(
            admin
                .post(
                    "/api/playbooks",
                    "{\"playbook\":\"expansion\",\"customerId\":\"" + first + "\"}")
                .status())
        .isEqualTo(202);
    String password = admin.createLogin("bulk-" + suffix, "CSM", csm, csm + "@example.com");
    try (Browser browser = Browser.open(port)) {
      browser.login("bulk-" + suffix, password);
      browser.go("/console/customers?q=" + suffix);
      assertThat(browser.all("tr[data-customer]")).hasSize(2);
      browser.click("input.bulk-pick[value='" + first + "']");
      browser.click("input.bulk-pick[value='" + second + "']");
      // A customer of another CSM slipped into the form is refused, as its single start would be.
      ((JavascriptExecutor) browser.driver)
          .executeScript(
              "var i = document.createElement('input'); i.type = 'hidden'; i.name = 'ids';"
                  + " i.value = arguments[0]; document.querySelector('#bulk-form').appendChild(i);",
              theirs);
      new Select(browser.find("#bulk-action")).selectByValue("start");
      new Select(browser.find("#bulk-playbook")).selectByValue("expansion");
      browser.click("#bulk-submit");
      browser.await(d -> d.findElement(By.cssSelector("#bulk-results")));
      browser.screenshot("bulk-start");
      assertThat(result(browser, first)).isEqualTo("ALREADY_RUNNING");
      assertThat(result(browser, second)).isEqualTo("STARTED");
      assertThat(result(browser, theirs)).isEqualTo("REFUSED");
      assertThat(browser.text("tr[data-customer='" + theirs + "']"))
          .contains("not in your portfolio");
    }
    JsonNode started = admin.get("/api/playbooks/expansion-" + second).body();
    assertThat(started.path("status").asText()).isEqualTo("RUNNING");
    assertThat(admin.get("/api/playbooks?customerId=" + theirs).body().size()).isZero();
  }

  private static String result(Browser browser, String customer) {
    return browser.attribute("tr[data-customer='" + customer + "']", "data-result");
  }

  private static String csm(HttpApi admin, String suffix) {
    String csm = "csm-" + suffix;
    assertThat(
            admin
                .put(
                    "/api/csms/" + csm,
                    """
                    {"name":"Petra %s","email":"%s@example.com","managerEmail":"lead@example.com"}"""
                        .formatted(suffix, csm))
                .status())
        .isIn(200, 201);
    return csm;
  }

  private static String customer(HttpApi admin, String id, String csm) {
    var created =
        admin.put(
            "/api/customers/" + id,
            """
            {"name":"Globex %s","email":"ops@%s.example","csmId":"%s","plan":"Growth",
             "mrr":490,"planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
                .formatted(id, id, csm));
    assertThat(created.status()).isEqualTo(201);
    return id;
  }
}
