package dev.retention.api.security.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import java.io.IOException;
import java.net.CookieManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Brute-force protection over HTTP. Each test calls from its own loopback address (127.0.50.x), so
 * its failed logins count against no other test's client address in the shared context. The
 * window's end is {@link LoginThrottleTest}'s, on a clock it moves.
 */
@ApiTest
class LoginThrottleApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;
  HttpApi admin;
  String suffix;

  @BeforeAll
  static void loopbackAliases() {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress("127.0.50.1", 0));
    } catch (IOException e) {
      Assumptions.abort("this machine cannot call from 127.0.50.x (Linux can): " + e);
    }
  }

  @BeforeEach
  void setUp() {
    admin = new HttpApi(port);
    suffix = UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void fiveWrongPasswords_thenTheRightOne_is429_withoutASession() throws Exception {
    String username = "throttled-" + suffix;
    String password = admin.createLogin(username, "MANAGER", null, username + "@example.com");
    Client client = new Client("127.0.50.1");

    HttpResponse<String> unknown = client.login("nobody-" + suffix, "wrong");
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> wrong = client.login(username, "wrong-" + i);
      assertThat(wrong.statusCode()).isEqualTo(401);
      // An unknown username and a wrong password answer alike.
      assertThat(JSON.readTree(wrong.body())).isEqualTo(JSON.readTree(unknown.body()));
    }

    HttpResponse<String> refused = client.login(username, password);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = JSON.readTree(refused.body());
    assertThat(problem.path("title").asText()).isEqualTo("Too many failed logins");
    assertThat(problem.path("detail").asText())
        .contains("too many failed logins for this username")
        .contains("without checking the password");
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 900L);
    assertThat(refused.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("JSESSION"));
    assertThat(client.get("/api/session").statusCode()).isEqualTo(401);
    // The username in any case, from any address.
    assertThat(
            new Client("127.0.50.2")
                .login(username.toUpperCase(Locale.ROOT), password)
                .statusCode())
        .isEqualTo(429);

    admin.await(
        "/api/audit?actor=" + username + "&size=20",
        Duration.ofSeconds(10),
        r -> {
          JsonNode items = r.body().path("items");
          return items.size() == 6
              && items.get(0).path("status").asInt() == 429
              && items.get(0).path("result").asText().equals("REFUSED")
              && items.get(0).path("action").asText().equals("POST /api/session")
              && items.get(5).path("result").asText().equals("UNAUTHENTICATED");
        });
  }

  @Test
  void anAdmin_unlocksALockedOutUsername() {
    String username = "unlocked-" + suffix;
    String password = admin.createLogin(username, "MANAGER", null, username + "@example.com");
    Client client = new Client("127.0.50.7");
    for (int i = 0; i < 5; i++) {
      assertThat(client.login(username, "wrong").statusCode()).isEqualTo(401);
    }
    assertThat(client.login(username, password).statusCode()).isEqualTo(429);

    assertThat(admin.delete("/api/admin/people/" + username + "/login-failures").status())
        .isEqualTo(204);
    assertThat(client.login(username, password).statusCode()).isEqualTo(200);
    assertThat(
            admin
                .delete(
                    "/api/admin/people/" + username.toUpperCase(Locale.ROOT) + "/login-failures")
                .status())
        .isEqualTo(204);
    // Only an admin may; a bad username is a 400 naming it.
    assertThat(admin.delete("/api/admin/people/a%20b/login-failures").status()).isEqualTo(400);
  }

  @Test
  void aLogin_clearsTheUsernamesCount() {
    String username = "cleared-" + suffix;
    String password = admin.createLogin(username, "MANAGER", null, username + "@example.com");
    Client client = new Client("127.0.50.3");
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 4; i++) {
        assertThat(client.login(username, "wrong").statusCode()).isEqualTo(401);
      }
      assertThat(client.login(username, password).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void oneAddress_isRefusedAfterTwentyFailures_acrossUsernames() throws Exception {
    String username = "crowded-" + suffix;
    String password = admin.createLogin(username, "MANAGER", null, username + "@example.com");
    Client client = new Client("127.0.50.4");
    for (int i = 0; i < 20; i++) {
      assertThat(client.login("guess-" + suffix + "-" + i, "wrong").statusCode()).isEqualTo(401);
    }

    HttpResponse<String> refused = client.login(username, password);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(JSON.readTree(refused.body()).path("detail").asText()).contains("from this address");
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(new Client("127.0.50.5").login(username, password).statusCode()).isEqualTo(200);
  }

  @Test
  void theConsoleForm_isThrottledToo() {
    String username = "console-" + suffix;
    String password = admin.createLogin(username, "MANAGER", null, username + "@example.com");
    Client browser = new Client("127.0.50.6");
    for (int i = 0; i < 5; i++) {
      assertThat(browser.form(username, "wrong").statusCode()).isEqualTo(401);
    }

    HttpResponse<String> refused = browser.form(username, password);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(refused.headers().firstValue("Location")).isEmpty();
    assertThat(refused.body()).contains("Too many failed logins");
    assertThat(browser.get("/api/session").statusCode()).isEqualTo(401);
    admin.await(
        "/api/audit?actor=" + username + "&size=20",
        Duration.ofSeconds(10),
        r ->
            r.body().path("items").size() == 6
                && r.body().path("items").get(0).path("action").asText().equals("POST /login")
                && r.body().path("items").get(0).path("status").asInt() == 429);
  }

  @Test
  void theOpenApiDocument_names429AndRetryAfter() {
    JsonNode refused =
        admin.get("/v3/api-docs").body().at("/paths/~1api~1session/post/responses/429");
    assertThat(refused.at("/headers/Retry-After").isMissingNode()).isFalse();
    assertThat(refused.at("/content/application~1problem+json").isMissingNode()).isFalse();
    assertThat(
            admin
                .get("/v3/api-docs")
                .body()
                .at("/paths/~1api~1session/post/responses/200/content")
                .isMissingNode())
        .isFalse();
  }

  /** A client with its own cookies, calling from the given loopback address. */
  final class Client {

    private final HttpClient http;

    Client(String address) {
      try {
        this.http =
            HttpClient.newBuilder()
                .localAddress(InetAddress.getByName(address))
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }

    HttpResponse<String> login(String username, String password) {
      String body = "{\"username\":\"%s\",\"password\":\"%s\"}".formatted(username, password);
      return send(
          request("/api/session")
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> form(String username, String password) {
      String body =
          "username="
              + URLEncoder.encode(username, StandardCharsets.UTF_8)
              + "&password="
              + URLEncoder.encode(password, StandardCharsets.UTF_8);
      return send(
          request("/login")
              .header("Content-Type", "application/x-www-form-urlencoded")
              .header("Accept", "text/html")
              .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> get(String path) {
      return send(request(path).GET());
    }

    private HttpRequest.Builder request(String path) {
      return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(30));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
      try {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new AssertionError("request failed: " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
