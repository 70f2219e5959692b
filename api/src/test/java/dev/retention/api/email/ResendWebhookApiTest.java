package dev.retention.api.email;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.ApiTestKeys;
import dev.retention.api.support.AtRiskRuns;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.WithSkippedClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Resend's Svix-signed webhook: delivery events and inbound email, through the whole app. */
class ResendWebhookApiTest extends WithSkippedClock {

  private static final String WEBHOOK = "/api/webhooks/resend";
  private static final String SECRET = ApiTestKeys.RESEND_WEBHOOK_SECRET;

  @LocalServerPort int port;
  EmailHttp http;
  HttpApi api;

  @BeforeEach
  void setUp() {
    http = new EmailHttp(port);
    api = http.api;
  }

  @Test
  void aSignedDeliveryEvent_updatesTheEmail_once() {
    EmailHttp.Customer customer = http.newCustomer("rsev");
    String emailId =
        EmailRuns.startAtRiskAndAwaitDayOne(api, customer.id()).path("providerMessageId").asText();
    byte[] body = delivered(emailId, customer.email());
    String id = "msg_" + UUID.randomUUID();

    EmailHttp.Raw answer = post(body, id, now(), SECRET);

    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(answer.json().path("result").asText()).isEqualTo("APPLIED");
    assertThat(EmailRuns.dayOne(api, customer.id()).path("deliveryStatus").asText())
        .isEqualTo("DELIVERED");
    assertThat(EmailRuns.timeline(api, customer.id())).contains("day-1-email: email delivered");
    // Svix retries with the same svix-id: applied once.
    assertThat(post(body, id, now(), SECRET).json().path("result").asText())
        .isEqualTo("ALREADY_SEEN");
  }

  @Test
  void aTamperedBody_aWrongSecret_aMissingHeaderOrAStaleTimestamp_are401AndChangeNothing() {
    EmailHttp.Customer customer = http.newCustomer("rsbad");
    String emailId =
        EmailRuns.startAtRiskAndAwaitDayOne(api, customer.id()).path("providerMessageId").asText();
    byte[] body = delivered(emailId, customer.email());
    String id = "msg_" + UUID.randomUUID();
    String timestamp = now();
    String signature = EmailHttp.svixSignature(SECRET, id, timestamp, body);

    byte[] tampered =
        new String(body, StandardCharsets.UTF_8)
            .replace("email.delivered", "email.complained")
            .getBytes(StandardCharsets.UTF_8);
    assertUnauthorized(send(tampered, id, timestamp, signature), "does not match");
    assertUnauthorized(
        post(
            body,
            id,
            timestamp,
            "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24])),
        "does not match");
    assertUnauthorized(send(body, "msg_other", timestamp, signature), "does not match");
    assertUnauthorized(send(body, id, null, signature), "headers are required");
    assertUnauthorized(send(body, id, timestamp, null), "headers are required");
    String stale = String.valueOf(Instant.now().minus(Duration.ofMinutes(6)).getEpochSecond());
    assertUnauthorized(post(body, id, stale, SECRET), "more than 5 minutes");
    String future = String.valueOf(Instant.now().plus(Duration.ofMinutes(6)).getEpochSecond());
    assertUnauthorized(post(body, id, future, SECRET), "more than 5 minutes");

    assertThat(EmailRuns.dayOne(api, customer.id()).path("deliveryStatus").isNull()).isTrue();
    assertThat(EmailRuns.timeline(api, customer.id())).doesNotContain("email delivered");

    // Several signatures (a secret being rotated): one valid v1 is enough.
    assertThat(send(body, id, timestamp, "v1,bm90LXRoaXMtb25l " + signature).status())
        .isEqualTo(200);
  }

  @Test
  void aHardBounce_suppressesTheCustomer_soTheNextStepIsSkippedSuppressedWithACsmTask() {
    EmailHttp.Customer customer = http.newCustomer("rsbounce");
    String emailId =
        EmailRuns.startAtRiskAndAwaitDayOne(api, customer.id()).path("providerMessageId").asText();
    byte[] body =
        """
        {"type":"email.bounced","created_at":"%s","data":{"email_id":"%s","to":["%s"],
         "from":"Petra de Vries <petra@example.com>","subject":"can I help?",
         "bounce":{"type":"Permanent","subType":"General","message":"mailbox does not exist"}}}"""
            .formatted(Instant.now(), emailId, customer.email())
            .getBytes(StandardCharsets.UTF_8);

    assertThat(post(body, "msg_" + UUID.randomUUID(), now(), SECRET).status()).isEqualTo(200);

    // Day 3 (a day is 2 s here): Temporal's clock skipped to it on the embedded runtime.
    HttpApi.Response run =
        clock()
            .passUntil(
                api,
                "/api/playbooks/at-risk-" + customer.id(),
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                r -> AtRiskRuns.steps(r).contains("day-3-email:SKIPPED_SUPPRESSED"));
    assertThat(AtRiskRuns.steps(run)).contains("day-1-email:SENT");
    assertThat(api.get("/api/customers/" + customer.id() + "/tasks").body().toString())
        .contains("cannot be emailed");
    assertThat(EmailRuns.dayOne(api, customer.id()).path("deliveryStatus").asText())
        .isEqualTo("BOUNCED");
  }

  @Test
  void aSignedInboundEmailFromTheCustomer_movesTheRunToTheCsm_andStopsItsAutomatedEmails() {
    EmailHttp.Customer customer = http.newCustomer("rsin");
    EmailRuns.startAtRiskAndAwaitDayOne(api, customer.id());
    byte[] body =
        """
        {"type":"email.received","created_at":"%s","data":{"email_id":"%s",
         "from":"Ops <%s>","to":["petra@inbound.example"],"subject":"Re: can I help?",
         "message_id":"<%s@mail.example>","attachments":[]}}"""
            .formatted(Instant.now(), UUID.randomUUID(), customer.email(), UUID.randomUUID())
            .getBytes(StandardCharsets.UTF_8);
    String id = "msg_" + UUID.randomUUID();

    EmailHttp.Raw answer = post(body, id, now(), SECRET);

    assertThat(answer.status()).as(answer.text()).isEqualTo(202);
    assertThat(answer.json().path("workflowIds").toString()).contains("at-risk-" + customer.id());
    HttpApi.Response run =
        api.await(
            "/api/playbooks/at-risk-" + customer.id(),
            Duration.ofSeconds(30),
            r -> "AWAITING_DECISION".equals(r.text("stage")));
    assertThat(run.body().path("customerResponded").asBoolean()).isTrue();
    assertThat(post(body, id, now(), SECRET).json().path("status").asText()).isEqualTo("duplicate");

    AtRiskRuns.passDayThree(clock(), api, customer.id());
    JsonNode communications = api.get("/api/customers/" + customer.id() + "/communications").body();
    assertThat(communications.size()).as(communications.toString()).isEqualTo(1);
  }

  private EmailHttp.Raw post(byte[] body, String id, String timestamp, String secret) {
    return send(body, id, timestamp, EmailHttp.svixSignature(secret, id, timestamp, body));
  }

  private EmailHttp.Raw send(byte[] body, String id, String timestamp, String signature) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (id != null) {
      headers.put("svix-id", id);
    }
    if (timestamp != null) {
      headers.put("svix-timestamp", timestamp);
    }
    if (signature != null) {
      headers.put("svix-signature", signature);
    }
    return http.post(WEBHOOK, headers, "application/json", body);
  }

  private static byte[] delivered(String emailId, String to) {
    return """
        {"type":"email.delivered","created_at":"%s","data":{"email_id":"%s","to":["%s"],
         "from":"Petra de Vries <petra@example.com>","subject":"can I help?"}}"""
        .formatted(Instant.now(), emailId, to)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String now() {
    return String.valueOf(Instant.now().getEpochSecond());
  }

  private static void assertUnauthorized(EmailHttp.Raw answer, String detail) {
    assertProblem(answer.asApi(), 401, null, detail);
  }
}
