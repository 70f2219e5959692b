package dev.retention.api.email;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.ApiTestKeys;
import dev.retention.api.support.AtRiskRuns;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.WithSkippedClock;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** SendGrid's signed Event Webhook and Inbound Parse, over HTTP through the whole app. */
class SendGridWebhookApiTest extends WithSkippedClock {

  private static final String EVENTS = "/api/webhooks/sendgrid/events";
  private static final PrivateKey SENDGRID = EmailHttp.sendGridTestKey();

  @LocalServerPort int port;
  EmailHttp http;
  HttpApi api;

  @BeforeEach
  void setUp() {
    http = new EmailHttp(port);
    api = http.api;
  }

  @Test
  void signedEvents_updateTheEmailsDeliveryStatusAndTheTimeline() {
    EmailHttp.Customer customer = http.newCustomer("sgev");
    String messageId =
        EmailRuns.startAtRiskAndAwaitDayOne(api, customer.id()).path("providerMessageId").asText();
    byte[] body =
        events(
            event("delivered", messageId, customer.email()),
            event("open", messageId, customer.email()),
            event("deferred", messageId, customer.email()));

    EmailHttp.Raw answer = postSigned(body, SENDGRID);

    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(answer.json().path("applied").asInt()).isEqualTo(2);
    assertThat(answer.json().path("ignored").asInt()).isEqualTo(1);
    JsonNode dayOne = EmailRuns.dayOne(api, customer.id());
    assertThat(dayOne.path("status").asText()).isEqualTo("SENT");
    assertThat(dayOne.path("deliveryStatus").asText()).isEqualTo("OPENED");
    assertThat(EmailRuns.timeline(api, customer.id()))
        .contains("day-1-email: email delivered")
        .contains("day-1-email: email opened");

    // SendGrid retries webhooks: the same events again change nothing.
    EmailHttp.Raw again = postSigned(body, SENDGRID);
    assertThat(again.json().path("alreadySeen").asInt()).isEqualTo(2);
  }

  @Test
  void aTamperedBody_aWrongKey_aMissingHeaderOrAnotherTimestamp_are401AndChangeNothing()
      throws Exception {
    EmailHttp.Customer customer = http.newCustomer("sgbad");
    String messageId =
        EmailRuns.startAtRiskAndAwaitDayOne(api, customer.id()).path("providerMessageId").asText();
    byte[] body = events(event("bounce", messageId, customer.email()));
    String timestamp = String.valueOf(Instant.now().getEpochSecond());
    String signature = EmailHttp.sendGridSignature(SENDGRID, timestamp, body);

    byte[] tampered =
        new String(body, StandardCharsets.UTF_8)
            .replace(customer.email(), "someone-else@example.com")
            .getBytes(StandardCharsets.UTF_8);
    assertUnauthorized(post(tampered, signature, timestamp), "not a valid signature");

    var otherPair = KeyPairGenerator.getInstance("EC");
    otherPair.initialize(new ECGenParameterSpec("secp256r1"));
    PrivateKey wrongKey = otherPair.generateKeyPair().getPrivate();
    assertUnauthorized(
        post(body, EmailHttp.sendGridSignature(wrongKey, timestamp, body), timestamp),
        "not a valid signature");

    assertUnauthorized(
        post(body, signature, String.valueOf(Long.parseLong(timestamp) + 1)),
        "not a valid signature");
    assertUnauthorized(post(body, null, timestamp), "headers are required");
    assertUnauthorized(post(body, signature, null), "headers are required");
    assertUnauthorized(post(body, "bm90IGEgc2lnbmF0dXJl", timestamp), "not a valid signature");
    // Genuinely signed, but ten minutes old (a captured request replayed) or ten minutes ahead.
    for (long skew : new long[] {-600, 600}) {
      String other = String.valueOf(Long.parseLong(timestamp) + skew);
      assertUnauthorized(
          post(body, EmailHttp.sendGridSignature(SENDGRID, other, body), other), "stale");
    }

    JsonNode dayOne = EmailRuns.dayOne(api, customer.id());
    assertThat(dayOne.path("deliveryStatus").isNull()).as(dayOne.toString()).isTrue();
    assertThat(EmailRuns.timeline(api, customer.id())).doesNotContain("bounced");

    // The untouched request with its genuine signature is accepted: the bounce suppresses.
    assertThat(post(body, signature, timestamp).status()).isEqualTo(200);
    assertThat(EmailRuns.dayOne(api, customer.id()).path("deliveryStatus").asText())
        .isEqualTo("BOUNCED");
    assertThat(EmailRuns.timeline(api, customer.id())).contains("Email address suppressed");
  }

  @Test
  void aSignedInboundReplyFromTheCustomer_movesTheRunToTheCsm_andStopsItsAutomatedEmails() {
    EmailHttp.Customer customer = http.newCustomer("sgin");
    EmailRuns.startAtRiskAndAwaitDayOne(api, customer.id());

    EmailHttp.Raw answer =
        inbound(
            ApiTestKeys.SENDGRID_INBOUND_TOKEN,
            "Ops Team <" + customer.email().toUpperCase(Locale.ROOT) + ">",
            "Re: can I help?");

    assertThat(answer.status()).as(answer.text()).isEqualTo(202);
    assertThat(answer.json().path("status").asText()).isEqualTo("matched");
    assertThat(answer.json().path("workflowIds").toString()).contains("at-risk-" + customer.id());
    HttpApi.Response run =
        api.await(
            "/api/playbooks/at-risk-" + customer.id(),
            Duration.ofSeconds(30),
            r -> "AWAITING_DECISION".equals(r.text("stage")));
    assertThat(run.body().path("customerResponded").asBoolean()).isTrue();
    assertThat(EmailRuns.timeline(api, customer.id())).contains("Customer replied by email");

    AtRiskRuns.passDayThree(clock(), api, customer.id());
    assertThat(api.get("/api/customers/" + customer.id() + "/communications").body().size())
        .isEqualTo(1);
    assertThat(AtRiskRuns.steps(api.get("/api/playbooks/at-risk-" + customer.id())))
        .noneMatch(s -> s.startsWith("day-3-email:SENT"));
  }

  /** The emails go to the primary contact, so a reply from any contact is the customer's too. */
  @Test
  void aReplyFromTheCustomersContact_stopsTheAutomation_asTheCustomersOwnWould() {
    EmailHttp.Customer customer = http.newCustomer("sgcontact");
    String contact = "ann-" + customer.id() + "@contact.example";
    HttpApi.Response added =
        api.post(
            "/api/customers/" + customer.id() + "/contacts",
            "{\"name\":\"Ann de Wit\",\"email\":\"%s\",\"primary\":true}".formatted(contact));
    assertThat(added.status()).as(added.toString()).isEqualTo(201);
    EmailRuns.startAtRiskAndAwaitDayOne(api, customer.id());

    EmailHttp.Raw answer =
        inbound(ApiTestKeys.SENDGRID_INBOUND_TOKEN, "Ann <" + contact + ">", "Re: can I help?");

    assertThat(answer.json().path("status").asText()).as(answer.text()).isEqualTo("matched");
    assertThat(answer.json().path("workflowIds").toString()).contains("at-risk-" + customer.id());
    assertThat(
            api.await(
                    "/api/playbooks/at-risk-" + customer.id(),
                    Duration.ofSeconds(30),
                    r -> r.body().path("customerResponded").asBoolean())
                .text("stage"))
        .isEqualTo("AWAITING_DECISION");
  }

  @Test
  void inboundParse_withoutAMessageId_isDeduplicatedOnItsContent() {
    EmailHttp.Customer customer = http.newCustomer("sgdup");
    String from = "Ops <" + customer.email() + ">";
    Map<String, String> form = new LinkedHashMap<>();
    form.put("headers", "Subject: Re: checking in\nDate: Mon, 2 Mar 2026 10:00:00 +0000");
    form.put("from", from);
    form.put("subject", "Re: checking in");
    form.put("text", "Happy to talk.");

    EmailHttp.Raw first = inbound(ApiTestKeys.SENDGRID_INBOUND_TOKEN, form);
    EmailHttp.Raw retry = inbound(ApiTestKeys.SENDGRID_INBOUND_TOKEN, form);
    form.put("text", "Happy to talk. Thursday?");
    EmailHttp.Raw another = inbound(ApiTestKeys.SENDGRID_INBOUND_TOKEN, form);

    assertThat(first.json().path("status").asText()).as(first.text()).isEqualTo("matched");
    assertThat(retry.json().path("status").asText()).as(retry.text()).isEqualTo("duplicate");
    assertThat(another.json().path("status").asText()).as(another.text()).isEqualTo("matched");
    assertThat(EmailRuns.timeline(api, customer.id()).split("Customer replied by email", -1))
        .as("one timeline entry per distinct email")
        .hasSize(3);
  }

  @Test
  void inboundParse_withAWrongToken_is401_andAnUnknownSenderIsIgnored() {
    assertUnauthorized(inbound("not-the-token", "Someone <someone@example.com>", "hello"), "token");

    EmailHttp.Raw unknown =
        inbound(
            ApiTestKeys.SENDGRID_INBOUND_TOKEN,
            "Stranger <nobody-" + UUID.randomUUID() + "@example.com>",
            "hi");
    assertThat(unknown.status()).isEqualTo(202);
    assertThat(unknown.json().path("status").asText()).isEqualTo("ignored");
    assertThat(unknown.json().path("workflowIds").size()).isZero();
  }

  private EmailHttp.Raw postSigned(byte[] body, PrivateKey key) {
    String timestamp = String.valueOf(Instant.now().getEpochSecond());
    return post(body, EmailHttp.sendGridSignature(key, timestamp, body), timestamp);
  }

  private EmailHttp.Raw post(byte[] body, String signature, String timestamp) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (signature != null) {
      headers.put("X-Twilio-Email-Event-Webhook-Signature", signature);
    }
    if (timestamp != null) {
      headers.put("X-Twilio-Email-Event-Webhook-Timestamp", timestamp);
    }
    return http.post(EVENTS, headers, "application/json", body);
  }

  private EmailHttp.Raw inbound(String token, String from, String subject) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put(
        "headers", "Message-ID: <" + UUID.randomUUID() + "@mail.example>\nSubject: " + subject);
    fields.put("from", from);
    fields.put("to", "petra@example.com");
    fields.put("subject", subject);
    fields.put("text", "Yes, let's talk on Thursday.");
    return inbound(token, fields);
  }

  private EmailHttp.Raw inbound(String token, Map<String, String> fields) {
    String boundary = "xYzZY" + UUID.randomUUID().toString().replace("-", "");
    StringBuilder form = new StringBuilder();
    fields.forEach(
        (name, value) ->
            form.append("--")
                .append(boundary)
                .append("\r\nContent-Disposition: form-data; name=\"")
                .append(name)
                .append("\"\r\n\r\n")
                .append(value)
                .append("\r\n"));
    form.append("--").append(boundary).append("--\r\n");
    return http.post(
        "/api/webhooks/sendgrid/inbound/" + token,
        Map.of(),
        "multipart/form-data; boundary=" + boundary,
        form.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] events(String... events) {
    return ("[" + String.join(",", events) + "]").getBytes(StandardCharsets.UTF_8);
  }

  /** An event as SendGrid posts it (found by its message id; custom arguments would sit beside). */
  private static String event(String type, String messageId, String email) {
    return """
        {"email":"%s","timestamp":%d,"event":"%s","type":"bounce","reason":"550 5.1.1 unknown",
         "sg_event_id":"%s","sg_message_id":"%s.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0",
         "smtp-id":"<x@ismtpd0001p1lon1.sendgrid.net>"}"""
        .formatted(email, Instant.now().getEpochSecond(), type, UUID.randomUUID(), messageId);
  }

  private static void assertUnauthorized(EmailHttp.Raw answer, String detail) {
    assertProblem(answer.asApi(), 401, null, detail);
  }
}
