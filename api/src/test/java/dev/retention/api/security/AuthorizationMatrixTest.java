package dev.retention.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every endpoint × no credentials / a key with the wrong scope / another CSM / the right caller.
 * Each row gets its own customer (owned by CSM "mine") and, where it needs one, a running at-risk
 * run; "other" is a CSM of another team. Refusals must be problem+json saying what is missing.
 *
 * <p>The people (the owner CSM, the other CSM, the owner's manager) log in once for the class: a
 * login's password is hashed with the production cost when it is made and checked when it logs in,
 * six hashes that every row repeated before. No row changes them; each row's calls are made with
 * their sessions as before.
 */
@ApiTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixTest {

  /** Who, besides admins, may call: the owning CSM, managers and admins only, or admins only. */
  enum People {
    OWNER,
    LEADS,
    ADMINS
  }

  record Call(String method, String path, String body, String scope, People people, boolean run) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  static Stream<Call> calls() {
    String metrics = HttpApi.metrics(60, 6, "POSITIVE");
    return Stream.of(
        new Call(
            "PUT", "/api/csms/csm-new-{c}", csmBody(), "customers:write", People.ADMINS, false),
        new Call(
            "PUT",
            "/api/customers/{c}",
            customerBody("{csm}"),
            "customers:write",
            People.ADMINS,
            false),
        new Call("GET", "/api/customers/{c}", null, "read", People.OWNER, false),
        new Call("DELETE", "/api/customers/{c}/personal-data", null, "admin", People.ADMINS, false),
        new Call("GET", "/api/customers/{c}/timeline", null, "read", People.OWNER, false),
        new Call("GET", "/api/customers/{c}/communications", null, "read", People.OWNER, false),
        new Call("GET", "/api/customers/{c}/tasks", null, "read", People.OWNER, false),
        new Call("GET", "/api/customers/{c}/notes", null, "read", People.OWNER, false),
        new Call(
            "POST",
            "/api/customers/{c}/notes",
            "{\"kind\":\"CALL\",\"text\":\"Spoke to Ann\",\"withWhom\":\"Ann\"}",
            "playbooks:write",
            People.OWNER,
            false),
        new Call("GET", "/api/customers/{c}/contacts", null, "read", People.OWNER, false),
        new Call(
            "POST",
            "/api/customers/{c}/contacts",
            "{\"name\":\"Ann\",\"email\":\"ann-{c}@example.com\",\"primary\":true}",
            "customers:write",
            People.OWNER,
            false),
        new Call(
            "POST", "/api/customers/{c}/metrics", metrics, "events:write", People.ADMINS, false),
        new Call(
            "POST",
            "/api/customers/{c}/health-score",
            "{\"score\":70}",
            "events:write",
            People.ADMINS,
            false),
        new Call("POST", "/api/events/signup", event(""), "events:write", People.ADMINS, false),
        new Call(
            "POST",
            "/api/events/milestone",
            event(",\"milestone\":\"FIRST_QUERY\""),
            "events:write",
            People.ADMINS,
            false),
        new Call(
            "POST", "/api/events/nps", event(",\"score\":9"), "events:write", People.ADMINS, false),
        new Call(
            "POST",
            "/api/events/cancellation-requested",
            event(",\"reason\":\"NOT_USING\""),
            "events:write",
            People.ADMINS,
            false),
        new Call(
            "POST",
            "/api/events/upgraded",
            event(",\"plan\":\"Business\""),
            "events:write",
            People.ADMINS,
            false),
        new Call(
            "POST", "/api/events/customer-replied", event(""), "events:write", People.OWNER, true),
        new Call(
            "POST",
            "/api/events/meeting-booked",
            event(",\"source\":\"calendly\""),
            "events:write",
            People.OWNER,
            true),
        new Call(
            "POST",
            "/api/playbooks",
            "{\"playbook\":\"expansion\",\"customerId\":\"{c}\"}",
            "playbooks:write",
            People.OWNER,
            false),
        new Call(
            "POST",
            "/api/playbooks/dry-run",
            "{\"playbook\":\"onboarding\",\"customerId\":\"{c}\"}",
            "playbooks:write",
            People.OWNER,
            false),
        new Call(
            "POST",
            "/api/playbook-definitions/at-risk/templates/preview",
            "{\"template\":\"at-risk/day-3\",\"customerId\":\"{c}\"}",
            "read",
            People.OWNER,
            false),
        new Call("GET", "/api/playbooks/at-risk-{c}", null, "read", People.OWNER, true),
        new Call("GET", "/api/playbooks?customerId={c}", null, "read", People.OWNER, true),
        new Call(
            "POST",
            "/api/playbooks/at-risk-{c}/outcomes",
            "{\"type\":\"CUSTOMER_RESPONDED\"}",
            "playbooks:write",
            People.OWNER,
            true),
        new Call(
            "DELETE", "/api/playbooks/at-risk-{c}", null, "playbooks:write", People.OWNER, true),
        new Call("GET", "/api/reports/playbooks", null, "read", People.LEADS, false),
        new Call("GET", "/api/reports/nps", null, "read", People.LEADS, false),
        new Call("GET", "/api/reports/onboarding", null, "read", People.LEADS, false),
        new Call(
            "GET",
            "/api/templates/at-risk/day-1/preview?customerId={c}",
            null,
            "read",
            People.OWNER,
            false),
        new Call(
            "POST",
            "/api/admin/keys",
            "{\"name\":\"k\",\"scopes\":[\"read\"]}",
            "admin",
            People.ADMINS,
            false),
        new Call("GET", "/api/admin/keys", null, "admin", People.ADMINS, false),
        new Call(
            "POST",
            "/api/admin/webhooks/subscriptions",
            "{\"url\":\"https://hooks.example.com/{c}\",\"enabled\":false}",
            "admin",
            People.ADMINS,
            false),
        new Call("GET", "/api/admin/webhooks/subscriptions", null, "admin", People.ADMINS, false),
        new Call(
            "PUT",
            "/api/admin/people/p-{c}",
            "{\"name\":\"P\",\"email\":\"p-{c}@example.com\",\"role\":\"MANAGER\"}",
            "admin",
            People.ADMINS,
            false),
        new Call("GET", "/api/admin/people", null, "admin", People.ADMINS, false),
        new Call(
            "DELETE",
            "/api/admin/people/p-{c}/login-failures",
            null,
            "admin",
            People.ADMINS,
            false),
        new Call("GET", "/api/audit", null, "admin", People.ADMINS, false),
        new Call("GET", "/api/connections", null, "ops", People.LEADS, false),
        new Call("POST", "/api/connections/calendly/test", null, "ops", People.ADMINS, false),
        new Call("GET", "/api/segment/unmatched", null, "admin", People.ADMINS, false),
        new Call("GET", "/actuator/info", null, "ops", People.ADMINS, false));
  }

  private static String csmBody() {
    return "{\"name\":\"New CSM\",\"email\":\"new@example.com\",\"managerEmail\":\"m@example.com\"}";
  }

  private static String customerBody(String csm) {
    return """
        {"name":"Globex","email":"ops@globex.example","csmId":"%s","plan":"Growth","mrr":490,
         "planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
        .formatted(csm);
  }

  private static String event(String rest) {
    return "{\"customerId\":\"{c}\"" + rest + "}";
  }

  @LocalServerPort int port;
  HttpApi admin;

  /** The people every row calls as, and the CSM records they are. */
  record Cast(String mine, HttpApi owner, HttpApi otherCsm, HttpApi lead) {}

  Cast cast;

  @BeforeAll
  void setUp() {
    admin = new HttpApi(port);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String managerEmail = "lead-" + suffix + "@example.com";
    String mine = "csm-mine-" + suffix;
    String other = "csm-other-" + suffix;
    putCsm(mine, managerEmail);
    putCsm(other, "someone-else-" + suffix + "@example.com");
    cast =
        new Cast(
            mine,
            person("mine-" + suffix, "CSM", mine, "mine-" + suffix + "@example.com"),
            person("other-" + suffix, "CSM", other, "other-" + suffix + "@example.com"),
            person("lead-" + suffix, "MANAGER", null, managerEmail));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("calls")
  void everyEndpoint_refusesTheWrongCallers_andServesTheRightOne(Call call) {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String mine = cast.mine();
    String customer = "c-" + suffix;
    assertThat(admin.put("/api/customers/" + customer, customerBody(mine)).status()).isEqualTo(201);
    if (call.run()) {
      Response started =
          admin.post(
              "/api/playbooks", "{\"playbook\":\"at-risk\",\"customerId\":\"" + customer + "\"}");
      assertThat(started.status()).as(started.toString()).isEqualTo(202);
      admin.await(
          "/api/playbooks/at-risk-" + customer,
          Duration.ofSeconds(30),
          r -> r.body().path("steps").size() >= 1);
    }
    String path = call.path().replace("{c}", customer);
    String body =
        call.body() == null ? null : call.body().replace("{c}", customer).replace("{csm}", mine);

    HttpApi owner = cast.owner();
    HttpApi otherCsm = cast.otherCsm();
    HttpApi lead = cast.lead();

    // No credentials: 401, saying what to send.
    Response anonymous = admin.anonymous().call(call.method(), path, body);
    assertRefused(anonymous, 401, "credentials");

    // A key without the scope (and without admin): 403 naming the scope.
    String wrongScope = call.scope().equals("read") ? "events:write" : "read";
    Response wrongKey = admin.withKey(admin.createKey(wrongScope)).call(call.method(), path, body);
    assertRefused(wrongKey, 403, call.scope());

    // Another CSM: 403.
    Response stranger = otherCsm.call(call.method(), path, body);
    assertRefused(stranger, 403, "");

    // The owner CSM is refused where only leads or admins may call.
    if (call.people() != People.OWNER) {
      assertRefused(owner.call(call.method(), path, body), 403, "");
    }
    if (call.people() == People.ADMINS) {
      assertRefused(lead.call(call.method(), path, body), 403, "");
    }

    // Nothing above changed anything: the customer is as it was, and a run is still running.
    if (call.run()) {
      Response run = admin.get("/api/playbooks/at-risk-" + customer);
      assertThat(run.text("status")).isEqualTo("RUNNING");
      assertThat(run.body().path("outcome").isMissingNode() || run.body().path("outcome").isNull())
          .as(run.toString())
          .isTrue();
    }

    // The right caller: a key with exactly the scope, or the owner / their manager.
    Response allowed =
        switch (call.people()) {
          case OWNER -> owner.call(call.method(), path, body);
          case LEADS -> lead.call(call.method(), path, body);
          case ADMINS ->
              admin.withKey(admin.createKey(call.scope())).call(call.method(), path, body);
        };
    assertThat(allowed.status()).as(allowed.toString()).isBetween(200, 299);
  }

  /** The console's pages and forms, for people only. */
  static List<Call> consoleCalls() {
    return List.of(
        new Call("GET", "/console", null, null, People.OWNER, false),
        new Call("GET", "/console/work/runs", null, null, People.OWNER, false),
        new Call("GET", "/console/customers", null, null, People.OWNER, false),
        new Call("GET", "/console/customers/{c}", null, null, People.OWNER, false),
        new Call("GET", "/console/runs/at-risk-{c}", null, null, People.OWNER, true),
        new Call("GET", "/console/runs/at-risk-{c}/panel", null, null, People.OWNER, true),
        new Call("GET", "/console/lead", null, null, People.LEADS, false),
        new Call("GET", "/login", null, null, People.OWNER, false),
        new Call(
            "POST",
            "/console/customers/{c}/playbooks",
            "playbook=expansion&reason=key",
            null,
            People.OWNER,
            false),
        // Encoded, as Spring MVC still maps it to the same form.
        new Call(
            "POST",
            "/%63onsole/customers/{c}/playbooks",
            "playbook=expansion",
            null,
            People.OWNER,
            false),
        new Call("POST", "/console/customers/{c}/replied", "", null, People.OWNER, true),
        new Call(
            "POST",
            "/console/runs/at-risk-{c}/outcome",
            "type=CUSTOMER_RESPONDED",
            null,
            People.OWNER,
            true),
        new Call("POST", "/console/tasks/1/complete", "note=done", null, People.OWNER, false),
        new Call("POST", "/console/tasks/1/snooze", "until=P1D", null, People.OWNER, false),
        new Call("GET", "/console/profile", null, null, People.OWNER, false),
        new Call("GET", "/console/health-model", null, null, People.OWNER, false),
        new Call(
            "POST",
            "/console/health-model",
            "action=draft&model=%7B%7D",
            null,
            People.OWNER,
            false),
        new Call(
            "POST",
            "/console/health-model/versions/1/publish",
            "note=key",
            null,
            People.OWNER,
            false),
        new Call("POST", "/console/profile", "timeZone=UTC", null, People.OWNER, false),
        new Call("POST", "/console/customers/{c}/notes", "text=hi", null, People.OWNER, false),
        new Call(
            "POST",
            "/console/customers/{c}/contacts",
            "name=Ann&email=ann%40example.com",
            null,
            People.OWNER,
            false),
        new Call(
            "POST",
            "/console/bulk/customers",
            "ids={c}&action=start&playbook=expansion",
            null,
            People.OWNER,
            false),
        new Call(
            "POST",
            "/console/bulk/customers",
            "ids={c}&action=assign&csm=x",
            null,
            People.OWNER,
            false),
        new Call("POST", "/console/tasks/snooze", "taskIds=1&until=P1D", null, People.OWNER, false),
        new Call("GET", "/console/playbooks", null, null, People.OWNER, false),
        new Call("GET", "/console/playbooks/at-risk", null, null, People.OWNER, false),
        new Call("GET", "/console/playbooks/at-risk/edit", null, null, People.ADMINS, false),
        new Call("POST", "/console/playbooks/at-risk/check", "yaml=x", null, People.OWNER, false),
        new Call("POST", "/console/playbooks/at-risk/dry-run", "yaml=x", null, People.OWNER, false),
        new Call(
            "POST",
            "/console/playbooks/at-risk/drafts",
            "yaml=x&note=n",
            null,
            People.ADMINS,
            false),
        new Call(
            "POST",
            "/console/playbooks/at-risk/versions/1/publish",
            "note=n&confirm=yes",
            null,
            People.ADMINS,
            false),
        new Call("GET", "/console/webhooks", null, null, People.ADMINS, false),
        new Call(
            "POST",
            "/console/webhooks",
            "url=https%3A%2F%2Fhooks.example.com%2Fk",
            null,
            People.ADMINS,
            false),
        new Call("POST", "/console/webhooks/whs_1/replay", "", null, People.ADMINS, false),
        new Call("POST", "/console/webhooks/whs_1/delete", "", null, People.ADMINS, false),
        new Call("POST", "/console/logout", "", null, People.OWNER, false),
        new Call("POST", "/login", "username=admin&password=x", null, People.OWNER, false));
  }

  /**
   * The console is for people: a key of any scope is refused (401) on every page and form, and
   * nothing it asked for happens.
   */
  @ParameterizedTest(name = "console with a {0} key")
  @ValueSource(
      strings = {"read", "ops", "events:write", "customers:write", "playbooks:write", "admin"})
  void theConsole_refusesKeysOfEveryScope(String scope) {
    String customer = admin.newCustomer("console-key");
    Response started =
        admin.post(
            "/api/playbooks", "{\"playbook\":\"at-risk\",\"customerId\":\"" + customer + "\"}");
    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    admin.await(
        "/api/playbooks/at-risk-" + customer,
        Duration.ofSeconds(30),
        r -> r.body().path("steps").size() >= 1);
    HttpApi key = admin.withKey(admin.createKey(scope));

    for (Call call : consoleCalls()) {
      String path = call.path().replace("{c}", customer);
      Response answer =
          call.method().equals("GET")
              ? key.send("GET", path, Map.of("Accept", "text/html"), null, false)
              : key.send(
                  "POST",
                  path,
                  Map.of(
                      "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html"),
                  call.body().getBytes(StandardCharsets.UTF_8),
                  false);
      assertThat(answer.status()).as("%s with a %s key: %s", call, scope, answer).isEqualTo(401);
      assertThat(answer.contentType()).startsWith("application/problem+json");
      assertThat(answer.text("detail")).contains("console");
    }

    // Nothing happened: no other run started, the run is running without an outcome.
    assertThat(admin.get("/api/playbooks?customerId=" + customer).body().size()).isEqualTo(1);
    Response run = admin.get("/api/playbooks/at-risk-" + customer);
    assertThat(run.text("status")).isEqualTo("RUNNING");
    assertThat(run.body().path("outcome").isMissingNode() || run.body().path("outcome").isNull())
        .as(run.toString())
        .isTrue();
  }

  private HttpApi person(String username, String role, String csmId, String email) {
    return admin.login(username, admin.createLogin(username, role, csmId, email));
  }

  private void putCsm(String id, String managerEmail) {
    Response r =
        admin.put(
            "/api/csms/" + id,
            "{\"name\":\"CSM\",\"email\":\""
                + id
                + "@example.com\",\"managerEmail\":\""
                + managerEmail
                + "\"}");
    assertThat(r.status()).as(r.toString()).isIn(200, 201);
  }

  private static void assertRefused(Response r, int status, String detailPart) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.text("title")).isNotBlank();
    assertThat(r.text("detail")).contains(detailPart);
  }
}
