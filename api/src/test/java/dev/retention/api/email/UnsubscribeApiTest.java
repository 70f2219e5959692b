package dev.retention.api.email;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.AtRiskRuns;
import dev.retention.api.support.HttpApi;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The signed one-click unsubscribe link (RFC 8058), over HTTP through the whole app. */
@ApiTest
class UnsubscribeApiTest {

  private static final byte[] ONE_CLICK =
      "List-Unsubscribe=One-Click".getBytes(StandardCharsets.UTF_8);
  private static final String FORM = "application/x-www-form-urlencoded";

  @LocalServerPort int port;
  EmailHttp http;
  HttpApi api;

  @BeforeEach
  void setUp() {
    http = new EmailHttp(port);
    api = http.api;
  }

  @Test
  void theOneClickPostWithAValidSignature_suppressesTheCustomer_whoseNextRunIsSkippedSuppressed() {
    EmailHttp.Customer customer = http.newCustomer("unsub");
    String link =
        link(customer.id(), EmailHttp.unsubscribeSignature(customer.id(), customer.email()));

    // GET only shows the confirmation page: link scanners must not unsubscribe anybody.
    EmailHttp.Raw page = http.get(link, Map.of("Accept", "text/html"));
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.text()).contains("<form method=\"post\"").contains("Unsubscribe");
    assertThat(EmailRuns.timeline(api, customer.id())).doesNotContain("Unsubscribed");

    EmailHttp.Raw unsubscribed = http.post(link, Map.of(), FORM, ONE_CLICK);

    assertThat(unsubscribed.status()).as(unsubscribed.text()).isEqualTo(200);
    assertThat(unsubscribed.json().path("unsubscribed").asBoolean()).isTrue();
    assertThat(unsubscribed.json().path("alreadyUnsubscribed").asBoolean()).isFalse();
    assertThat(EmailRuns.timeline(api, customer.id()))
        .contains("Unsubscribed from automated emails");
    // Again: still unsubscribed, one timeline entry.
    assertThat(
            http.post(link, Map.of(), FORM, ONE_CLICK)
                .json()
                .path("alreadyUnsubscribed")
                .asBoolean())
        .isTrue();

    api.post(
        "/api/playbooks",
        """
        {"playbook":"at-risk","customerId":"%s"}"""
            .formatted(customer.id()));
    HttpApi.Response run =
        api.await(
            "/api/playbooks/at-risk-" + customer.id(),
            Duration.ofSeconds(30),
            r -> AtRiskRuns.steps(r).contains("day-1-email:SKIPPED_SUPPRESSED"));
    assertThat(run.text("status")).isEqualTo("RUNNING");
    assertThat(api.get("/api/customers/" + customer.id() + "/tasks").body().toString())
        .contains("cannot be emailed");
    assertThat(EmailRuns.dayOne(api, customer.id()).path("status").asText())
        .isEqualTo("SKIPPED_SUPPRESSED");
  }

  @Test
  void aPersonClickingTheButtonGetsAPage() {
    EmailHttp.Customer customer = http.newCustomer("unsubpage");
    String link =
        link(customer.id(), EmailHttp.unsubscribeSignature(customer.id(), customer.email()));

    EmailHttp.Raw done = http.post(link, Map.of("Accept", "text/html"), FORM, new byte[0]);

    assertThat(done.status()).isEqualTo(200);
    assertThat(done.contentType()).startsWith("text/html");
    assertThat(done.text()).contains("You are unsubscribed");
  }

  @Test
  void anInvalidSignature_is401_andChangesNothing() {
    EmailHttp.Customer customer = http.newCustomer("unsubbad");
    String valid = EmailHttp.unsubscribeSignature(customer.id(), customer.email());
    String otherCustomers = EmailHttp.unsubscribeSignature("someone-else", customer.email());
    String tampered = (valid.charAt(0) == 'A' ? "B" : "A") + valid.substring(1);

    for (String signature : new String[] {otherCustomers, tampered, "x"}) {
      assertProblem(
          http.post(link(customer.id(), signature), Map.of(), FORM, ONE_CLICK).asApi(),
          401,
          null,
          "not valid");
      assertProblem(
          http.get(link(customer.id(), signature), Map.of()).asApi(), 401, null, "not valid");
    }
    assertProblem(
        http.post(link("c-nobody", valid), Map.of(), FORM, ONE_CLICK).asApi(),
        401,
        null,
        "not valid");
    assertProblem(
        http.post("/api/unsubscribe?c=" + customer.id(), Map.of(), FORM, ONE_CLICK).asApi(),
        400,
        "s",
        "required");
    assertProblem(
        http.post("/api/unsubscribe?s=" + valid, Map.of(), FORM, ONE_CLICK).asApi(),
        400,
        "c",
        "required");

    assertThat(EmailRuns.timeline(api, customer.id())).doesNotContain("Unsubscribed");
    assertThat(EmailRuns.startAtRiskAndAwaitDayOne(api, customer.id()).path("status").asText())
        .isEqualTo("SENT");
  }

  private static String link(String customerId, String signature) {
    return "/api/unsubscribe?c=" + customerId + "&s=" + signature;
  }
}
