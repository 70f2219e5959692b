package dev.retention.api.connectors.hubspot;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.data.connections.Connection;
import dev.retention.data.connections.ConnectionStatus;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * With the built-in CRM (the default), HubSpot is off: its connection says so without calling out,
 * the import is refused with a reason, its webhook refuses every delivery, and only admins may
 * import.
 */
@ApiTest
class HubSpotOffApiTest {

  @LocalServerPort int port;
  @Autowired List<Connection> connections;

  @Test
  void withTheBuiltInCrm_hubspotIsNotConfigured_theImportIsRefused_andWebhooksTooWithoutASecret() {
    HttpApi admin = new HttpApi(port);
    Connection hubspot =
        connections.stream().filter(c -> c.id().equals("hubspot")).findFirst().orElseThrow();
    assertThat(hubspot.name()).isEqualTo("HubSpot");
    assertThat(hubspot.status().state()).isEqualTo(ConnectionStatus.State.NOT_CONFIGURED);
    assertThat(hubspot.test().state()).isEqualTo(ConnectionStatus.State.NOT_CONFIGURED);

    HttpApi.Response refused = admin.call("POST", "/api/connectors/hubspot/import", null);
    assertProblem(refused, 409, null, "retention.crm.provider is builtin");

    HttpApi.Response unsigned =
        admin
            .anonymous()
            .post(
                "/api/webhooks/hubspot",
                "[]",
                Map.of("X-HubSpot-Signature-v3", "c2ln", "X-HubSpot-Request-Timestamp", "1"));
    assertProblem(unsigned, 401, null, "retention.hubspot.client-secret is not set");

    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String csm = "csm-" + suffix;
    admin.put(
        "/api/csms/" + csm,
        """
        {"name":"Petra de Vries","email":"petra@example.com","managerEmail":"lena@example.com"}""");
    String password =
        admin.createLogin("petra-" + suffix, "CSM", csm, "petra-" + suffix + "@example.com");
    HttpApi petra = admin.login("petra-" + suffix, password);
    assertThat(petra.call("POST", "/api/connectors/hubspot/import", null).status()).isEqualTo(403);
  }
}
