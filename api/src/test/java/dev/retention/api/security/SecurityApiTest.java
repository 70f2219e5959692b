package dev.retention.api.security;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.ApiTestKeys;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.session.Session;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.transaction.support.TransactionTemplate;

@ApiTest
class SecurityApiTest {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  @Autowired DataSource dataSource;
  HttpApi admin;
  String suffix;
  String csm;
  String customer;
  HttpApi petra;

  @BeforeEach
  void setUp() {
    admin = new HttpApi(port);
    suffix = UUID.randomUUID().toString().substring(0, 8);
    customer = admin.newCustomer("sec");
    csm = admin.get("/api/customers/" + customer).text("csmId");
    String password =
        admin.createLogin("petra-" + suffix, "CSM", csm, "petra-" + suffix + "@example.com");
    petra = admin.login("petra-" + suffix, password);
  }

  @Test
  void publicEndpoints_needNoCredentials() {
    HttpApi anonymous = admin.anonymous();
    assertThat(anonymous.get("/actuator/health").status()).isEqualTo(200);
    // Signed links and webhooks check their own signatures: refused for that, not for a login.
    Response unsubscribe = anonymous.get("/api/unsubscribe?token=not-a-token");
    assertThat(unsubscribe.status()).isNotIn(401, 403);
    Response webhook = anonymous.post("/api/webhooks/resend", "{}");
    assertThat(webhook.text("title")).isNotEqualTo("Authentication required");
  }

  @Test
  void unknownPaths_andEverythingElse_needCredentials() {
    assertProblem(admin.anonymous().get("/api/nothing-here"), 401, null, "credentials");
    assertProblem(admin.anonymous().get("/anything"), 401, null, "credentials");
    assertThat(admin.get("/api/nothing-here").status()).isEqualTo(404);
  }

  @Test
  void aWrongOrRevokedKey_is401_andLastUseIsRecorded() {
    assertProblem(
        admin.withKey("rpk_aaaaaaaaaaaa_" + "x".repeat(43)).get("/api/customers/" + customer),
        401,
        null,
        "unknown, revoked or malformed");
    assertProblem(admin.withKey("garbage").get("/api/customers/" + customer), 401, null, "key");

    Response created =
        admin.post("/api/admin/keys", "{\"name\":\"backend\",\"scopes\":[\"read\"]}");
    assertThat(created.status()).isEqualTo(201);
    String key = created.body().path("key").asText();
    String id = created.body().path("info").path("id").asText();
    assertThat(key).startsWith("rpk_" + id + "_");
    assertThat(admin.withKey(key).get("/api/customers/" + customer).status()).isEqualTo(200);

    Response listed = admin.get("/api/admin/keys");
    var row =
        java.util.stream.StreamSupport.stream(listed.body().spliterator(), false)
            .filter(k -> k.path("id").asText().equals(id))
            .findFirst()
            .orElseThrow();
    assertThat(row.path("lastUsedAt").isNull()).isFalse();
    assertThat(row.toString()).doesNotContain(key.substring(17));

    assertThat(admin.delete("/api/admin/keys/" + id).status()).isEqualTo(204);
    assertProblem(admin.withKey(key).get("/api/customers/" + customer), 401, null, "revoked");
  }

  @Test
  void aKey_opensNoSession_andARevokedKeyIsRefusedWhateverCookieCameWithIt() {
    Response created =
        admin.post("/api/admin/keys", "{\"name\":\"stateless\",\"scopes\":[\"admin\"]}");
    String key = created.body().path("key").asText();
    String id = created.body().path("info").path("id").asText();
    Map<String, String> bearer = Map.of("Authorization", "Bearer " + key);

    List<String> cookies = new ArrayList<>();
    HttpResponse<String> read = raw("GET", "/api/customers/" + customer, bearer, null);
    assertThat(read.statusCode()).isEqualTo(200);
    cookies.addAll(sessionCookies(read));
    HttpResponse<String> write =
        raw(
            "PUT",
            "/api/csms/csm-keyed-" + suffix,
            Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json"),
            "{\"name\":\"K\",\"email\":\"k@example.com\",\"managerEmail\":\"m@example.com\"}");
    assertThat(write.statusCode()).isIn(200, 201);
    cookies.addAll(sessionCookies(write));

    assertThat(admin.delete("/api/admin/keys/" + id).status()).isEqualTo(204);
    // Revoked means refused at once: with the key, and with any cookie the key's calls got.
    assertThat(raw("GET", "/api/customers/" + customer, bearer, null).statusCode()).isEqualTo(401);
    for (String cookie : cookies) {
      HttpResponse<String> withCookie =
          raw("GET", "/api/customers/" + customer, Map.of("Cookie", cookie), null);
      assertThat(withCookie.statusCode())
          .as("with %s: %s", cookie, withCookie.body())
          .isEqualTo(401);
    }
    assertThat(cookies).as("a keyed call must not open a session").isEmpty();
    assertThat(
            jdbc.sql("select count(*) from spring_session where principal_name like 'key:%'")
                .query(Long.class)
                .single())
        .isZero();
  }

  @Test
  void aKey_sentWithAPersonsSession_leavesTheSessionThePersons() {
    String password =
        admin.createLogin("sam-" + suffix, "MANAGER", null, "sam-" + suffix + "@example.com");
    HttpResponse<String> login =
        raw(
            "POST",
            "/api/session",
            Map.of("Content-Type", "application/json"),
            "{\"username\":\"sam-%s\",\"password\":\"%s\"}".formatted(suffix, password));
    assertThat(login.statusCode()).isEqualTo(200);
    String session = sessionCookies(login).getFirst();

    HttpResponse<String> keyed =
        raw(
            "GET",
            "/api/session",
            Map.of("Cookie", session, "Authorization", "Bearer " + ApiTestKeys.ADMIN_KEY),
            null);
    assertThat(keyed.body()).contains("\"actor\":\"key:");
    assertThat(sessionCookies(keyed)).isEmpty();
    HttpResponse<String> after = raw("GET", "/api/session", Map.of("Cookie", session), null);
    assertThat(after.body()).contains("\"actor\":\"person:sam-" + suffix + "\"");
  }

  @Test
  void aBasicHeader_doesNotExemptASessionWriteFromCsrf() {
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("petra-" + suffix + ":x").getBytes(StandardCharsets.UTF_8));
    assertProblem(
        petra
            .withoutCsrf()
            .post(
                "/api/playbooks",
                "{\"playbook\":\"at-risk\",\"customerId\":\"" + customer + "\"}",
                Map.of("Authorization", basic)),
        403,
        null,
        "CSRF token");
    assertThat(admin.get("/api/playbooks?customerId=" + customer).body().size()).isZero();
  }

  @Test
  void sessions_areRowsInPostgres_thatAnotherInstanceReadsAndEnds() {
    // Another instance shares nothing with this one but the database.
    JdbcIndexedSessionRepository otherInstance =
        new JdbcIndexedSessionRepository(
            new JdbcTemplate(dataSource),
            new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
    var held = otherInstance.findByPrincipalName("person:petra-" + suffix);
    assertThat(held).hasSize(1);
    Session session = held.values().iterator().next();
    SecurityContext context =
        session.getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY);
    assertThat(Callers.of(context.getAuthentication()).map(Caller::csmId)).hasValue(csm);
    assertThat(session.getMaxInactiveInterval()).isEqualTo(Duration.ofHours(8));

    otherInstance.deleteById(session.getId());
    assertProblem(petra.get("/api/session"), 401, null, "credentials");
  }

  @Test
  void disablingAPerson_endsEveryOneOfTheirSessionsAtOnce() {
    String username = "leaving-" + suffix;
    String password = admin.createLogin(username, "CSM", csm, username + "@example.com");
    HttpApi laptop = admin.login(username, password);
    HttpApi phone = admin.login(username, password);
    assertThat(laptop.get("/api/customers/" + customer).status()).isEqualTo(200);
    assertThat(phone.get("/api/customers/" + customer).status()).isEqualTo(200);

    assertThat(admin.delete("/api/admin/people/" + username).status()).isEqualTo(204);
    assertProblem(laptop.get("/api/customers/" + customer), 401, null, "credentials");
    assertProblem(phone.get("/api/session"), 401, null, "credentials");
    // The others' sessions go on.
    assertThat(petra.get("/api/customers/" + customer).status()).isEqualTo(200);
  }

  @Test
  void aNewPassword_endsTheSessionsOpenedWithTheOldOne() {
    String username = "rotating-" + suffix;
    String old = admin.createLogin(username, "CSM", csm, username + "@example.com");
    HttpApi before = admin.login(username, old);
    assertThat(before.get("/api/session").status()).isEqualTo(200);

    String renewed = admin.createLogin(username, "CSM", csm, username + "@example.com");
    assertProblem(before.get("/api/customers/" + customer), 401, null, "credentials");
    assertThat(admin.login(username, renewed).get("/api/session").text("actor"))
        .isEqualTo("person:" + username);
  }

  @Test
  void unknownScope_isRefusedNamingTheField() {
    assertProblem(
        admin.post("/api/admin/keys", "{\"name\":\"k\",\"scopes\":[\"everything\"]}"),
        400,
        "scopes",
        "unknown scope everything");
  }

  @Test
  void login_session_csrf_andLogout() {
    Response me = petra.get("/api/session");
    assertThat(me.text("actor")).isEqualTo("person:petra-" + suffix);
    assertThat(me.text("role")).isEqualTo("CSM");
    assertThat(me.text("csmId")).isEqualTo(csm);

    assertProblem(
        admin
            .anonymous()
            .post(
                "/api/session",
                "{\"username\":\"petra-" + suffix + "\",\"password\":\"wrong-password\"}"),
        401,
        null,
        "wrong");

    // A session write without the CSRF token is refused; with it, it goes through.
    assertProblem(
        petra
            .withoutCsrf()
            .post(
                "/api/playbooks", "{\"playbook\":\"at-risk\",\"customerId\":\"" + customer + "\"}"),
        403,
        null,
        "CSRF token");
    assertThat(admin.get("/api/playbooks?customerId=" + customer).body().size()).isZero();
    Response start =
        petra.post(
            "/api/playbooks", "{\"playbook\":\"at-risk\",\"customerId\":\"" + customer + "\"}");
    assertThat(start.status()).as(start.toString()).isEqualTo(202);

    assertThat(petra.delete("/api/session").status()).isEqualTo(204);
    assertProblem(petra.get("/api/customers/" + customer), 401, null, "credentials");
  }

  @Test
  void anOutcome_isAttributedToThePerson_andMayNotNameSomeoneElse() {
    admin.post("/api/playbooks", "{\"playbook\":\"at-risk\",\"customerId\":\"" + customer + "\"}");
    String run = "/api/playbooks/at-risk-" + customer;
    admin.await(run, Duration.ofSeconds(30), r -> r.body().path("steps").size() >= 1);

    assertProblem(
        petra.post(run + "/outcomes", "{\"type\":\"SAVED\",\"csmId\":\"csm-someone-else\"}"),
        403,
        "csmId",
        "only name yourself");
    assertThat(admin.get(run).text("status")).isEqualTo("RUNNING");

    Response saved = petra.post(run + "/outcomes", "{\"type\":\"CUSTOMER_RESPONDED\"}");
    assertThat(saved.status()).as(saved.toString()).isEqualTo(200);
    saved = petra.post(run + "/outcomes", "{\"type\":\"SAVED\",\"note\":\"training plan\"}");
    assertThat(saved.text("outcome")).isEqualTo("SAVED");

    Response audit =
        admin.get("/api/audit?customerId=" + customer + "&actor=person:petra-" + suffix);
    assertThat(audit.status()).isEqualTo(200);
    var actions = audit.body().path("items").findValuesAsText("action");
    var results = audit.body().path("items").findValuesAsText("result");
    assertThat(actions).contains("POST /api/playbooks/{workflowId}/outcomes");
    assertThat(results).contains("OK", "DENIED");
    assertThat(audit.body().path("items").findValuesAsText("workflowId"))
        .contains("at-risk-" + customer);
  }

  @Test
  void aCsm_seesOnlyTheirOwnRuns_andAManagerTheirTeams() {
    String others = admin.newCustomer("sec-other");
    admin.post("/api/playbooks", "{\"playbook\":\"at-risk\",\"customerId\":\"" + customer + "\"}");
    admin.post("/api/playbooks", "{\"playbook\":\"at-risk\",\"customerId\":\"" + others + "\"}");
    admin.await(
        "/api/playbooks?customerId=" + others, Duration.ofSeconds(30), r -> r.body().size() == 1);
    admin.await(
        "/api/playbooks?customerId=" + customer, Duration.ofSeconds(30), r -> r.body().size() == 1);

    var mine = petra.get("/api/playbooks").body().findValuesAsText("customerId");
    assertThat(mine).contains(customer).doesNotContain(others);
    assertProblem(petra.get("/api/customers/" + others), 403, null, "not in your portfolio");

    // newCustomer's CSMs report to lena@example.com: her team holds both.
    String password = admin.createLogin("lena-" + suffix, "MANAGER", null, "lena@example.com");
    var team =
        admin
            .login("lena-" + suffix, password)
            .get("/api/playbooks")
            .body()
            .findValuesAsText("customerId");
    assertThat(team).contains(customer, others);
  }

  @Test
  void theAuditLog_isAppendOnly_andPaged() {
    admin.put(
        "/api/csms/csm-audit-" + suffix,
        "{\"name\":\"A\",\"email\":\"a@example.com\",\"managerEmail\":\"m@example.com\"}");
    Response page = admin.get("/api/audit?actor=key:apitestadmin&size=1");
    assertThat(page.body().path("items").size()).isEqualTo(1);
    assertThat(page.body().path("total").asLong()).isGreaterThanOrEqualTo(1);
    assertProblem(admin.get("/api/audit?size=1000"), 400, "size", "between 1 and 200");
  }

  private HttpResponse<String> raw(
      String method, String path, Map<String, String> headers, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The session cookies an answer sets, as {@code name=value} (the CSRF cookie is no session). */
  private static List<String> sessionCookies(HttpResponse<String> answer) {
    return answer.headers().allValues("Set-Cookie").stream()
        .map(c -> c.split(";", 2)[0])
        .filter(c -> !c.startsWith("XSRF-TOKEN=") && !c.endsWith("="))
        .toList();
  }
}
