package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The connections page in Chromium: an admin finds it in the menu, sees Calendly's state and tests
 * it (the row is replaced in place); in Dutch, the states and the button read Dutch.
 */
@ApiTest
class ConsoleConnectionsBrowserTest {

  @LocalServerPort int port;

  @Test
  void anAdminSeesEachConnectionsStateAndTestsOne_inEnglishAndDutch() {
    HttpApi admin = new HttpApi(port);
    String username = "ops-" + UUID.randomUUID().toString().substring(0, 8);
    String password = admin.createLogin(username, "ADMIN", null, username + "@example.com");
    try (Browser browser = Browser.open(port)) {
      browser.login(username, password);
      assertThat(browser.text("#nav-connections")).isEqualTo("Connections");
      browser.click("#nav-connections");
      browser.await(d -> d.getCurrentUrl().endsWith("/console/connections"));
      assertThat(browser.text("#connection-calendly th")).startsWith("Calendly");
      String state = browser.attribute("#connection-calendly", "data-state");
      assertThat(state).isIn("OK", "DEGRADED");

      browser.click("#test-calendly");
      assertThat(browser.text("#connection-calendly .notice")).isEqualTo("tested just now");
      assertThat(browser.text("#connection-calendly .state")).isIn("Working", "Partly failing");
      browser.screenshot("connections-tested");

      browser.go("/console/connections?lang=nl");
      assertThat(browser.text("h1")).isEqualTo("Koppelingen");
      assertThat(browser.text("#test-calendly")).isEqualTo("Verbinding testen");
      assertThat(browser.text("#nav-connections")).isEqualTo("Koppelingen");
      assertThat(browser.text("#connection-calendly .state")).isIn("Werkt", "Deels mislukt");
      browser.go("/console/connections?lang=en");
    }
  }
}
