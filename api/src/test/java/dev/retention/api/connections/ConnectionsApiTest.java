package dev.retention.api.connections;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.ApiTestKeys;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.Problems;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code /api/connections} and the {@code connections} health component, through the whole app,
 * with Calendly (configured in the tests) as the connector whose deliveries move its state.
 */
@ApiTest
class ConnectionsApiTest {

  @LocalServerPort int port;
  HttpApi admin;

  @BeforeEach
  void setUp() {
    admin = new HttpApi(port);
  }

  @Test
  void aRefusedDeliveryShowsAsAnErrorUntilTheNextAcceptedOne_inTheListAndTheHealth() {
    HttpApi.Response refused =
        admin
            .anonymous()
            .post(
                "/api/webhooks/calendly",
                "{\"event\":\"invitee.created\"}",
                Map.of("Calendly-Webhook-Signature", "t=1,v1=00"));
    assertThat(refused.status()).isEqualTo(401);

    JsonNode calendly = calendly(admin.get("/api/connections"));
    assertThat(calendly.path("name").asText()).isEqualTo("Calendly");
    assertThat(calendly.at("/status/state").asText()).isEqualTo("DEGRADED");
    assertThat(calendly.at("/status/lastError").asText()).startsWith("a delivery was refused");
    assertThat(calendly.at("/status/detail").asText()).contains("/api/webhooks/calendly");
    JsonNode health = admin.get("/actuator/health").body();
    assertThat(health.at("/status").asText()).isEqualTo("UP");
    assertThat(health.at("/components/connections/status").asText()).isEqualTo("UP");
    assertThat(health.at("/components/connections/details/calendly/state").asText())
        .isEqualTo("DEGRADED");
    assertThat(health.at("/components/connections/details/calendly/lastError").asText())
        .startsWith("a delivery was refused");

    byte[] other =
        "{\"event\":\"invitee.canceled\",\"payload\":{}}".getBytes(StandardCharsets.UTF_8);
    String t = String.valueOf(Instant.now().getEpochSecond());
    HttpApi.Response accepted =
        admin
            .anonymous()
            .post(
                "/api/webhooks/calendly",
                new String(other, StandardCharsets.UTF_8),
                Map.of("Calendly-Webhook-Signature", "t=" + t + ",v1=" + sign(t, other)));
    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);

    JsonNode after = calendly(admin.post("/api/connections/calendly/test", ""));
    assertThat(after.at("/status/state").asText()).isEqualTo("OK");
    assertThat(after.at("/status/lastSync").isMissingNode()).isFalse();
    assertThat(
            admin
                .get("/actuator/health")
                .body()
                .at("/components/connections/details/calendly")
                .has("lastError"))
        .isFalse();
  }

  @Test
  void testingAConnectionThatDoesNotExist_is404NamingTheOnesThatDo() {
    HttpApi.Response answer =
        admin.post("/api/connections/nope-" + UUID.randomUUID() + "/test", "");
    Problems.assertProblem(answer, 404, null, "calendly");
  }

  @Test
  void aCsmMayNotSeeConnections_andAManagerMayNotTestThem() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String csmId = admin.get("/api/customers/" + admin.newCustomer("conn")).text("csmId");
    String csm = "csm-" + suffix;
    HttpApi.Response refused =
        admin
            .login(csm, admin.createLogin(csm, "CSM", csmId, csm + "@example.com"))
            .get("/api/connections");
    assertThat(refused.status()).isEqualTo(403);
    String lead = "lead-" + suffix;
    HttpApi manager =
        admin.login(lead, admin.createLogin(lead, "MANAGER", null, lead + "@example.com"));
    assertThat(manager.get("/api/connections").status()).isEqualTo(200);
    assertThat(manager.post("/api/connections/calendly/test", "").status()).isEqualTo(403);
  }

  private static JsonNode calendly(HttpApi.Response answer) {
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    JsonNode body = answer.body();
    if (body.isObject()) {
      return body;
    }
    for (JsonNode c : body) {
      if (c.path("id").asText().equals("calendly")) {
        return c;
      }
    }
    throw new AssertionError("no calendly connection in " + body);
  }

  private static String sign(String t, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(
          new SecretKeySpec(
              ApiTestKeys.CALENDLY_SIGNING_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
