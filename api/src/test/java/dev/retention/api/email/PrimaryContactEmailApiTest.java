package dev.retention.api.email;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.AtRiskRuns;
import dev.retention.api.support.HttpApi;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A customer's emails go to its primary contact (its own address without one), and consent stays
 * per address: a primary contact who unsubscribed gets nothing, through their own link.
 */
@ApiTest
class PrimaryContactEmailApiTest {

  @LocalServerPort int port;
  EmailHttp http;
  HttpApi api;

  @BeforeEach
  void setUp() {
    http = new EmailHttp(port);
    api = http.api;
  }

  @Test
  void aPlaybookEmail_goesToThePrimaryContact() {
    EmailHttp.Customer customer = http.newCustomer("primary");
    addContact(customer.id(), "Bo Jansen", "bo@primary.example", false);
    addContact(customer.id(), "Ann de Wit", "ann@primary.example", true);

    JsonNode email = EmailRuns.startAtRiskAndAwaitDayOne(api, customer.id());

    assertThat(email.path("status").asText()).isEqualTo("SENT");
    assertThat(email.path("to").asText()).isEqualTo("ann@primary.example");
  }

  @Test
  void withoutAPrimaryContact_theEmailGoesToTheCustomersOwnAddress() {
    EmailHttp.Customer customer = http.newCustomer("noprimary");
    addContact(customer.id(), "Bo Jansen", "bo@noprimary.example", false);

    JsonNode email = EmailRuns.startAtRiskAndAwaitDayOne(api, customer.id());

    assertThat(email.path("to").asText()).isEqualTo(customer.email());
  }

  @Test
  void aPrimaryContactWhoUnsubscribed_isNotEmailed() {
    EmailHttp.Customer customer = http.newCustomer("unsubcontact");
    String contact = "ann@unsubcontact.example";
    addContact(customer.id(), "Ann de Wit", contact, true);
    String link =
        "/api/unsubscribe?c="
            + customer.id()
            + "&s="
            + URLEncoder.encode(
                EmailHttp.unsubscribeSignature(customer.id(), contact), StandardCharsets.UTF_8);
    EmailHttp.Raw unsubscribed =
        http.post(
            link,
            Map.of(),
            "application/x-www-form-urlencoded",
            "List-Unsubscribe=One-Click".getBytes(StandardCharsets.UTF_8));
    assertThat(unsubscribed.status()).as(unsubscribed.text()).isEqualTo(200);

    api.post(
        "/api/playbooks",
        """
        {"playbook":"at-risk","customerId":"%s"}"""
            .formatted(customer.id()));
    api.await(
        "/api/playbooks/at-risk-" + customer.id(),
        Duration.ofSeconds(30),
        r -> AtRiskRuns.steps(r).contains("day-1-email:SKIPPED_SUPPRESSED"));
    assertThat(EmailRuns.dayOne(api, customer.id()).path("status").asText())
        .isEqualTo("SKIPPED_SUPPRESSED");
  }

  private void addContact(String customerId, String name, String email, boolean primary) {
    HttpApi.Response added =
        api.post(
            "/api/customers/" + customerId + "/contacts",
            """
            {"name":"%s","email":"%s","role":"CFO","primary":%s}"""
                .formatted(name, email, primary));
    assertThat(added.status()).as(added.toString()).isEqualTo(201);
  }
}
