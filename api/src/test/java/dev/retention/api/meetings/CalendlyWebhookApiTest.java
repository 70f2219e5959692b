package dev.retention.api.meetings;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retention.api.support.ApiTestKeys;
import dev.retention.api.support.AtRiskRuns;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.WithSkippedClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Calendly's signed {@code invitee.created} webhook, through the whole app, signed as Calendly's
 * documentation says: {@code Calendly-Webhook-Signature: t=<Unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>">} with the subscription's signing key.
 */
class CalendlyWebhookApiTest extends WithSkippedClock {

  private static final String WEBHOOK = "/api/webhooks/calendly";
  private static final String KEY = ApiTestKeys.CALENDLY_SIGNING_KEY;
  private static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;
  HttpApi api;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() {
    api = new HttpApi(port);
  }

  @Test
  void aBookingByAContactsAddress_stopsTheEmails_andARetriedDeliveryAddsNothing() {
    MeetingRuns.Customer customer = MeetingRuns.newCustomer(api, "calc");
    // The contact's address is at another domain, so only the address itself can match.
    String contact = "ann-" + UUID.randomUUID().toString().substring(0, 8) + "@mail.example";
    HttpApi.Response added =
        api.post(
            "/api/customers/" + customer.id() + "/contacts",
            """
            {"name":"Ann de Wit","email":"%s","role":"CFO"}"""
                .formatted(contact));
    assertThat(added.status()).as(added.toString()).isEqualTo(201);
    AtRiskRuns.start(api, customer.id());
    byte[] body = inviteeCreated(contact.toUpperCase(java.util.Locale.ROOT), inviteeUri());

    HttpApi.Response answer = post(body, now(), KEY);

    assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
    assertThat(answer.text("status")).isEqualTo("matched");
    assertThat(answer.body().path("matched").asBoolean()).isTrue();
    assertThat(answer.text("customerId")).isEqualTo(customer.id());
    assertThat(answer.text("matchedBy")).isEqualTo("address");
    assertThat(answer.body().path("workflowIds").toString()).contains("at-risk-" + customer.id());
    HttpApi.Response run = MeetingRuns.awaitHandedOver(api, customer.id());
    assertThat(run.body().path("customerResponded").asBoolean()).isTrue();
    MeetingRuns.awaitHandOverTask(api, customer.id());

    // Calendly retries a delivery it got no 2xx for: signed anew, the same invitee.
    HttpApi.Response again = post(body, now(), KEY);
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.text("status")).isEqualTo("duplicate");
    assertThat(MeetingRuns.timeline(api, customer.id(), "Meeting booked"))
        .containsExactly("Meeting booked via calendly; automated emails stopped");

    AtRiskRuns.passDayThree(clock(), api, customer.id());
    assertThat(MeetingRuns.emailSteps(api, customer.id())).containsExactly("day-1-email");
  }

  @Test
  void aBookingByAnotherPersonAtTheCustomersDomain_matchesByDomain() {
    MeetingRuns.Customer customer = MeetingRuns.newCustomer(api, "cald");
    AtRiskRuns.start(api, customer.id());

    HttpApi.Response answer =
        post(
            inviteeCreated(
                "Bob@" + customer.domain().toUpperCase(java.util.Locale.ROOT), inviteeUri()),
            now(),
            KEY);

    assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
    assertThat(answer.text("status")).isEqualTo("matched");
    assertThat(answer.text("customerId")).isEqualTo(customer.id());
    assertThat(answer.text("matchedBy")).isEqualTo("domain");
    assertThat(
            MeetingRuns.awaitHandedOver(api, customer.id())
                .body()
                .path("customerResponded")
                .asBoolean())
        .isTrue();
    assertThat(MeetingRuns.timeline(api, customer.id(), "Meeting booked")).hasSize(1);
  }

  @Test
  void anUnknownAnAmbiguousOrAFreeMailInvitee_isAcceptedUnmatched_andChangesNothing() {
    String shared = UUID.randomUUID().toString().substring(0, 8) + ".shared.example";
    MeetingRuns.Customer one = MeetingRuns.newCustomer(api, "calamb", shared);
    MeetingRuns.Customer two = MeetingRuns.newCustomer(api, "calamb", shared);
    AtRiskRuns.start(api, one.id());

    HttpApi.Response unknown =
        post(
            inviteeCreated("eve@" + UUID.randomUUID() + ".nowhere.example", inviteeUri()),
            now(),
            KEY);
    HttpApi.Response ambiguous = post(inviteeCreated("carol@" + shared, inviteeUri()), now(), KEY);
    HttpApi.Response freeMail = post(inviteeCreated("dave@gmail.com", inviteeUri()), now(), KEY);

    for (HttpApi.Response answer : new HttpApi.Response[] {unknown, ambiguous, freeMail}) {
      assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
      assertThat(answer.body().path("matched").asBoolean()).isFalse();
      assertThat(answer.text("status")).isEqualTo("unmatched");
      assertThat(answer.body().path("workflowIds").size()).isZero();
    }
    assertThat(unknown.text("reason")).startsWith("unknown");
    assertThat(ambiguous.text("reason")).startsWith("ambiguous");
    assertThat(freeMail.text("reason")).contains("free email provider");
    // The answers name no address.
    assertThat(unknown.body().toString()).doesNotContain("eve@");
    assertThat(
            api.get("/api/playbooks/at-risk-" + one.id())
                .body()
                .path("customerResponded")
                .asBoolean())
        .isFalse();
    assertThat(MeetingRuns.timeline(api, one.id(), "Meeting booked")).isEmpty();
    assertThat(MeetingRuns.timeline(api, two.id(), "Meeting booked")).isEmpty();
  }

  @Test
  void unsignedStaleFutureWronglySignedOrTamperedDeliveries_are401_andChangeNothing() {
    MeetingRuns.Customer customer = MeetingRuns.newCustomer(api, "calbad");
    AtRiskRuns.start(api, customer.id());
    String uri = inviteeUri();
    byte[] body = inviteeCreated(customer.email(), uri);
    String t = now();

    assertUnauthorized(send(body, null), "header");
    assertUnauthorized(send(body, "v1=" + sign(KEY, t, body)), "t=<timestamp>");
    assertUnauthorized(send(body, "t=" + t), "t=<timestamp>");
    assertUnauthorized(send(body, "t=yesterday,v1=" + sign(KEY, t, body)), "Unix time");
    String stale = String.valueOf(Instant.now().minus(Duration.ofMinutes(4)).getEpochSecond());
    assertUnauthorized(post(body, stale, KEY), "180 seconds old");
    String future = String.valueOf(Instant.now().plus(Duration.ofMinutes(5)).getEpochSecond());
    assertUnauthorized(post(body, future, KEY), "future");
    assertUnauthorized(post(body, t, "not-the-signing-key"), "does not match");
    byte[] tampered = inviteeCreated("mallory@" + customer.domain(), uri);
    assertUnauthorized(send(tampered, "t=" + t + ",v1=" + sign(KEY, t, body)), "does not match");
    // Signed for another timestamp than the one it carries.
    assertUnauthorized(send(body, "t=" + t + ",v1=" + sign(KEY, stale, body)), "does not match");

    assertThat(
            api.get("/api/playbooks/at-risk-" + customer.id())
                .body()
                .path("customerResponded")
                .asBoolean())
        .isFalse();
    assertThat(MeetingRuns.timeline(api, customer.id(), "Meeting booked")).isEmpty();
    // Nothing was recorded either: the same delivery, signed right, is handled as new.
    HttpApi.Response signed = post(body, now(), KEY);
    assertThat(signed.status()).as(signed.toString()).isEqualTo(202);
    assertThat(signed.text("status")).isEqualTo("matched");
  }

  @Test
  void otherEventsAreIgnored_andABodyThatIsNotJsonIs400() {
    byte[] canceled =
        """
        {"event":"invitee.canceled","created_at":"%s","payload":{"email":"ann@example.com"}}"""
            .formatted(Instant.now())
            .getBytes(StandardCharsets.UTF_8);
    HttpApi.Response ignored = post(canceled, now(), KEY);
    assertThat(ignored.status()).isEqualTo(202);
    assertThat(ignored.text("status")).isEqualTo("ignored");
    assertThat(ignored.body().path("matched").asBoolean()).isFalse();

    byte[] notJson = "event=invitee.created".getBytes(StandardCharsets.UTF_8);
    assertProblem(post(notJson, now(), KEY), 400, null, "not JSON");
    byte[] noEmail =
        """
        {"event":"invitee.created","payload":{"name":"Ann"}}"""
            .getBytes(StandardCharsets.UTF_8);
    assertProblem(post(noEmail, now(), KEY), 400, null, "payload.email");
  }

  // ---- Calendly's side ----------------------------------------------------------------------

  private static String inviteeUri() {
    return "https://api.calendly.com/scheduled_events/"
        + UUID.randomUUID()
        + "/invitees/"
        + UUID.randomUUID();
  }

  /** An invitee.created delivery in the shape Calendly documents (webhook payload v2). */
  private static byte[] inviteeCreated(String email, String uri) {
    Instant created = Instant.now();
    return """
        {"created_at":"%s","created_by":"https://api.calendly.com/users/AAAAAAAAAAAAAAAA",
         "event":"invitee.created",
         "payload":{"cancel_url":"https://calendly.com/cancellations/AAAA","created_at":"%s",
          "email":"%s","event":"%s","first_name":null,"last_name":null,"name":"Ann de Wit",
          "new_invitee":null,"old_invitee":null,"questions_and_answers":[],
          "reschedule_url":"https://calendly.com/reschedulings/AAAA","rescheduled":false,
          "status":"active","text_reminder_number":null,"timezone":"Europe/Amsterdam",
          "tracking":{"utm_campaign":null,"utm_source":null},"updated_at":"%s","uri":"%s",
          "scheduled_event":{"uri":"%s","name":"30 Minute Meeting","status":"active",
           "start_time":"%s","end_time":"%s","event_type":"https://api.calendly.com/event_types/AAAA",
           "location":{"type":"zoom"},"invitees_counter":{"total":1,"active":1,"limit":1},
           "created_at":"%s","updated_at":"%s"}}}"""
        .formatted(
            created,
            created,
            email,
            uri.substring(0, uri.indexOf("/invitees/")),
            created,
            uri,
            uri.substring(0, uri.indexOf("/invitees/")),
            created.plus(Duration.ofDays(2)),
            created.plus(Duration.ofDays(2)).plus(Duration.ofMinutes(30)),
            created,
            created)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String sign(String key, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String now() {
    return String.valueOf(Instant.now().getEpochSecond());
  }

  private HttpApi.Response post(byte[] body, String timestamp, String key) {
    return send(body, "t=" + timestamp + ",v1=" + sign(key, timestamp, body));
  }

  /** As Calendly sends it: no credentials of ours, the signature header when given. */
  private HttpApi.Response send(byte[] body, String signature) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + WEBHOOK))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signature != null) {
      request.header("Calendly-Webhook-Signature", signature);
    }
    try {
      HttpResponse<String> answer =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = JSON.readTree(answer.body());
      return new HttpApi.Response(
          answer.statusCode(), answer.headers().firstValue("Content-Type").orElse(""), json);
    } catch (IOException e) {
      throw new AssertionError("request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void assertUnauthorized(HttpApi.Response answer, String detail) {
    assertProblem(answer, 401, null, detail);
  }
}
