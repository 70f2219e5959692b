package dev.retention.api.security.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * An auditor wants the refusals most: every refused write is in the audit log with who tried (the
 * person, or the key presented), the route, the customer it was about and the status, whichever
 * layer refused it (CSRF, key check, scope, body size, request firewall), and a logout is the
 * person's, not anonymous.
 */
@ApiTest
class AuditRefusalsTest {

  @LocalServerPort int port;
  HttpApi admin;
  String suffix;
  String customer;
  String username;
  String password;

  @BeforeEach
  void setUp() {
    admin = new HttpApi(port);
    suffix = UUID.randomUUID().toString().substring(0, 8);
    customer = admin.newCustomer("audit");
    String csm = admin.get("/api/customers/" + customer).text("csmId");
    username = "petra-" + suffix;
    password = admin.createLogin(username, "CSM", csm, username + "@example.com");
  }

  private List<JsonNode> entries(String query) {
    Response page = admin.get("/api/audit?size=200&" + query);
    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    List<JsonNode> items = new ArrayList<>();
    page.body().path("items").forEach(items::add);
    return items;
  }

  private static JsonNode only(List<JsonNode> entries, String action, int status) {
    List<JsonNode> matching =
        entries.stream()
            .filter(e -> e.path("action").asText().equals(action))
            .filter(e -> e.path("status").asInt() == status)
            .toList();
    assertThat(matching).as("%s %d in %s", action, status, entries).hasSize(1);
    return matching.get(0);
  }

  @Test
  void aWriteRefusedForCsrf_isAuditedAsThePersonsDenial() {
    HttpApi forged = admin.login(username, password).withoutCsrf();
    Response refused =
        forged.post("/api/customers/" + customer + "/metrics", HttpApi.metrics(9, 9, "POSITIVE"));
    assertThat(refused.status()).isEqualTo(403);

    JsonNode entry =
        only(entries("actor=person:" + username), "POST /api/customers/{customerId}/metrics", 403);
    assertThat(entry.path("result").asText()).isEqualTo("DENIED");
    assertThat(entry.path("customerId").asText()).isEqualTo(customer);
  }

  @Test
  void writesWithAMalformedAnUnknownOrARevokedKey_areAuditedWithTheKeyTheyPresented() {
    String revoked = admin.createKey("customers:write");
    String revokedId = revoked.substring(4, 16);
    assertThat(admin.delete("/api/admin/keys/" + revokedId).status()).isBetween(200, 204);
    String unknownId = "zz" + suffix.replaceAll("[^a-z0-9]", "0") + "00";
    String unknown = "rpk_" + unknownId + "_" + "x".repeat(43);
    String body = "{\"name\":\"Globex\"}";

    for (String key : List.of(revoked, unknown, "not-a-key-" + suffix)) {
      Response refused = admin.withKey(key).put("/api/customers/" + customer, body);
      assertThat(refused.status()).as(key).isEqualTo(401);
    }

    JsonNode byRevoked =
        only(entries("actor=key:" + revokedId), "PUT /api/customers/{customerId}", 401);
    assertThat(byRevoked.path("result").asText()).isEqualTo("UNAUTHENTICATED");
    assertThat(byRevoked.path("customerId").asText()).isEqualTo(customer);
    only(entries("actor=key:" + unknownId), "PUT /api/customers/{customerId}", 401);
    List<JsonNode> aboutCustomer = entries("customerId=" + customer);
    assertThat(aboutCustomer)
        .filteredOn(e -> e.path("status").asInt() == 401)
        .extracting(e -> e.path("actorKind").asText())
        .containsExactlyInAnyOrder("KEY", "KEY", "ANONYMOUS");
  }

  @Test
  void aWriteRefusedForAMissingScope_isAuditedWithItsCustomerAndRun() {
    HttpApi reader = admin.withKey(admin.createKey("read"));
    assertThat(
            reader
                .post("/api/customers/" + customer + "/metrics", HttpApi.metrics(9, 9, "POSITIVE"))
                .status())
        .isEqualTo(403);
    assertThat(
            reader
                .post("/api/playbooks/at-risk-" + customer + "/outcomes", "{\"type\":\"SAVED\"}")
                .status())
        .isEqualTo(403);

    List<JsonNode> aboutCustomer = entries("customerId=" + customer);
    only(aboutCustomer, "POST /api/customers/{customerId}/metrics", 403);
    JsonNode outcome = only(aboutCustomer, "POST /api/playbooks/{workflowId}/outcomes", 403);
    assertThat(outcome.path("workflowId").asText()).isEqualTo("at-risk-" + customer);
    assertThat(outcome.path("actorKind").asText()).isEqualTo("KEY");
  }

  @Test
  void aBodyTooLarge_andAFirewallRefusal_areAudited() {
    byte[] large =
        ("{\"name\":\"" + "x".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
    Response tooLarge =
        admin.send(
            "PUT",
            "/api/customers/" + customer,
            Map.of("Content-Type", "application/json"),
            large,
            false);
    assertThat(tooLarge.status()).isEqualTo(413);
    JsonNode entry =
        only(entries("customerId=" + customer), "PUT /api/customers/{customerId}", 413);
    assertThat(entry.path("actorKind").asText()).isEqualTo("KEY");
    assertThat(entry.path("result").asText()).isEqualTo("REFUSED");

    // A path parameter (";") is refused by the request firewall before anything else runs.
    Response firewall =
        admin.sendRaw(
            "POST",
            "/api/customers/" + customer + ";jsessionid=x/metrics",
            Map.of("Content-Type", "application/json", "Content-Length", "0"));
    assertThat(firewall.status()).isEqualTo(400);
    assertThat(entries("actor=key:apitestadmin"))
        .filteredOn(e -> e.path("status").asInt() == 400)
        .filteredOn(e -> e.path("result").asText().equals("REFUSED"))
        .anyMatch(
            e ->
                customer.equals(e.path("customerId").asText())
                    || e.path("action").asText().contains(customer + ";"));
  }

  @Test
  void aLogout_isThePersons() {
    HttpApi session = admin.login(username, password);
    assertThat(session.delete("/api/session").status()).isBetween(200, 204);
    JsonNode logout = only(entries("actor=person:" + username), "DELETE /api/session", 204);
    assertThat(logout.path("actorKind").asText()).isEqualTo("PERSON");
  }
}
