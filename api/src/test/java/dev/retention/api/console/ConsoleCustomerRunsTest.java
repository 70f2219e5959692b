package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The customer page lists the customer's runs as the projection reads them (the same record the API
 * lists), each running one with its next step and when it is due.
 */
@ApiTest
class ConsoleCustomerRunsTest {

  @LocalServerPort int port;

  @Test
  void theCustomerPage_listsItsRuns_withTheNextStep() {
    HttpApi admin = new HttpApi(port);
    String customer = admin.newCustomer("console-runs");
    String csm = admin.get("/api/customers/" + customer).text("csmId");
    String username = "cr-" + UUID.randomUUID().toString().substring(0, 8);
    HttpApi petra =
        admin.login(username, admin.createLogin(username, "CSM", csm, username + "@example.com"));
    admin.post("/api/playbooks", "{\"playbook\":\"at-risk\",\"customerId\":\"" + customer + "\"}");
    HttpApi.Response listed =
        admin.await(
            "/api/playbooks?customerId=" + customer,
            Duration.ofSeconds(30),
            r -> !r.body().path(0).path("nextStep").path("step").asText("").isEmpty());
    String nextStep = listed.body().path(0).path("nextStep").path("step").asText();

    HttpApi.Response page = petra.get("/console/customers/" + customer);

    assertThat(page.status()).isEqualTo(200);
    String html = page.body().asText();
    assertThat(html).contains("id=\"customer-runs\"").contains("Next step: ");
    assertThat(html).contains("/console/runs/at-risk-" + customer);
    assertThat(nextStep).isNotBlank();
  }
}
