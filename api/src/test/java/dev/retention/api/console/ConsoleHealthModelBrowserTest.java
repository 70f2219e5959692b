package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The health model page in Chromium, as a CS lead and an admin use it: move where at risk starts,
 * preview who changes band, save the draft, publish it with a note; new scores follow it. Leaves
 * the shipped default published.
 */
@ApiTest
class ConsoleHealthModelBrowserTest {

  @LocalServerPort int port;

  @Test
  void anAdminPreviewsSavesAndPublishesAChangeOfBands() {
    HttpApi admin = new HttpApi(port);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String customer = admin.newCustomer("model-browser");
    // 46: at risk with the default, critical once at risk starts at 50.
    admin.post("/api/customers/" + customer + "/metrics", HttpApi.metrics(3, 0, "NEGATIVE"));
    String username = "editor-" + suffix;
    String password = admin.createLogin(username, "ADMIN", null, username + "@example.com");
    try (Browser browser = Browser.open(port)) {
      browser.login(username, password);
      browser.click("a[href='/console/health-model']");
      browser.await(d -> d.getCurrentUrl().endsWith("/console/health-model"));
      assertThat(browser.attribute("#published", "data-version")).isEqualTo("1");

      WebElement atRisk = browser.find("#at-risk-min");
      atRisk.clear();
      atRisk.sendKeys("50");
      browser.click("#model-preview");
      String summary = browser.text("#preview-summary");
      assertThat(summary).startsWith("With this model, ").contains("change band");
      assertThat(Integer.parseInt(browser.attribute("#preview", "data-changed"))).isPositive();
      browser.screenshot("health-model-preview");

      browser.type("#draft-note", "At risk starts at 50");
      browser.click("#model-draft");
      assertThat(browser.textOnce("#model-notice", "saved")).contains("saved");
      int version = admin.get("/api/health-model/versions").body().get(0).path("version").asInt();
      browser.type("#publish-note-" + version, "At risk starts at 50, from today");
      browser.click("#publish-" + version);
      assertThat(browser.textOnce("#model-notice", "Version " + version + " is published"))
          .contains("Version " + version + " is published");
      assertThat(browser.attribute("#published", "data-version")).isEqualTo("" + version);
      assertThat(
              browser
                  .driver
                  .findElement(By.cssSelector("#published-bands tr[data-band='CRITICAL'] td"))
                  .getText())
          .isEqualTo("0");
      browser.screenshot("health-model-published");

      HttpApi.Response rescored =
          admin.post("/api/customers/" + customer + "/metrics", HttpApi.metrics(3, 0, "NEGATIVE"));
      assertThat(rescored.text("band")).isEqualTo("CRITICAL");
      assertThat(rescored.body().path("modelVersion").asInt()).isEqualTo(version);
    } finally {
      admin.post("/api/health-model/versions/1/publish", "{\"note\":\"test: default again\"}");
    }
  }
}
