package dev.retention.activities.email;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.retention.activities.testing.Fixtures.ACME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.retention.activities.email.consent.UnsubscribeLinks;
import dev.retention.activities.email.providers.EmailProvider;
import dev.retention.activities.email.providers.OutgoingEmail;
import dev.retention.activities.email.providers.ResendEmailProvider;
import dev.retention.activities.email.providers.SendGridEmailProvider;
import dev.retention.activities.email.templates.EmailTemplates;
import dev.retention.activities.email.templates.EmailVariables;
import dev.retention.activities.testing.ActivityHarness;
import dev.retention.activities.testing.Fixtures;
import dev.retention.activities.testing.MutableClock;
import dev.retention.activities.testing.PostgresExtension;
import dev.retention.data.crm.CrmTasks;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.email.Communications;
import dev.retention.data.email.DeliveryEvents;
import dev.retention.data.ledger.RunCancellations;
import dev.retention.data.ledger.Timeline;
import dev.retention.workflows.ports.CustomerEmail;
import dev.retention.workflows.ports.EmailActivities;
import dev.retention.workflows.ports.EmailReceipt;
import dev.retention.workflows.ports.EmailStatus;
import io.temporal.failure.ActivityFailure;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The window between the provider's accept and our commit: the real clients send to local fakes,
 * the "worker" dies right after the client returned (the row stays PENDING, as after a kill), and
 * Temporal's retry of the same run and step runs the activity again.
 *
 * <p>Resend dedups by Idempotency-Key (24 hours, same payload): the fake models that, and exactly
 * one message is delivered. SendGrid has no idempotency: the retry is a second message, which the
 * key in custom_args lets the event webhook spot and record; if SendGrid's event arrives before the
 * retry, the row is completed from it and the retry sends nothing.
 */
@ExtendWith(PostgresExtension.class)
class EmailCrashWindowTest {

  private static final String WORKFLOW_ID = "at-risk-" + ACME.id();
  private static final String RUN_ID = "6f1c1d7e-2222-4c1e-9a53-000000000002";
  private static final String KEY = WORKFLOW_ID + "/" + RUN_ID + "/day-1-email";
  private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");

  private static JdbcClient jdbc;
  private static CustomerDirectory directory;
  private static Communications communications;
  private static RunCancellations cancellations;
  private static DeliveryEvents deliveryEvents;

  private static final ResendFake resendFake = new ResendFake();
  private static final SendGridFake sendGridFake = new SendGridFake();
  private static WireMockServer fakes;

  private ActivityHarness harness;

  @BeforeAll
  static void wire(DataSource dataSource) {
    jdbc = JdbcClient.create(dataSource);
    directory = new CustomerDirectory(jdbc);
    communications = new Communications(jdbc);
    cancellations = Fixtures.cancellations(dataSource);
    deliveryEvents =
        new DeliveryEvents(
            jdbc,
            new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
            communications,
            new Timeline(jdbc));
    fakes = new WireMockServer(options().dynamicPort().extensions(resendFake, sendGridFake));
    fakes.start();
  }

  @AfterAll
  static void stopFakes() {
    fakes.stop();
  }

  @BeforeEach
  void setUp() {
    Fixtures.petraWithCustomers(directory);
    fakes.resetAll();
    resendFake.reset();
    sendGridFake.reset();
    fakes.stubFor(post("/emails").willReturn(aResponse().withTransformers(ResendFake.NAME)));
    fakes.stubFor(
        post("/v3/mail/send").willReturn(aResponse().withTransformers(SendGridFake.NAME)));
  }

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void resend_aRetryAfterACrashPastTheAcceptSendsTheSameKeyAndOneEmailIsDelivered() {
    CrashAfterAccept provider = new CrashAfterAccept(resend(), 1);
    EmailActivities emails = activities(provider);

    assertThatThrownBy(() -> emails.sendCustomerEmail(dayOne()))
        .isInstanceOf(ActivityFailure.class)
        .rootCause()
        .hasMessageContaining("worker died");
    assertThat(row().get("status")).isEqualTo(Communications.PENDING);
    assertThat(resendFake.delivered).hasSize(1);

    EmailReceipt retry = emails.sendCustomerEmail(dayOne());

    assertThat(retry.status()).isEqualTo(EmailStatus.SENT);
    List<LoggedRequest> requests = fakes.findAll(postRequestedFor(urlEqualTo("/emails")));
    assertThat(requests).hasSize(2);
    assertThat(requests).extracting(r -> r.getHeader("Idempotency-Key")).containsExactly(KEY, KEY);
    // Both attempts carried the same payload (Resend would refuse a different one with 409).
    assertThat(requests.get(1).getBodyAsString()).isEqualTo(requests.get(0).getBodyAsString());
    assertThat(resendFake.delivered).hasSize(1);
    assertThat(retry.providerMessageId()).isEqualTo(resendFake.delivered.getFirst());
    assertThat(row())
        .containsEntry("status", Communications.SENT)
        .containsEntry("provider_message_id", resendFake.delivered.getFirst())
        .containsEntry("idempotency_key", KEY);
  }

  @Test
  void sendGrid_aRetryAfterACrashPastTheAcceptIsASecondMessage_whichItsWebhookSpots() {
    CrashAfterAccept provider = new CrashAfterAccept(sendGrid(), 1);
    EmailActivities emails = activities(provider);

    assertThatThrownBy(() -> emails.sendCustomerEmail(dayOne()))
        .isInstanceOf(ActivityFailure.class);
    assertThat(row().get("status")).isEqualTo(Communications.PENDING);
    EmailReceipt retry = emails.sendCustomerEmail(dayOne());

    // At least once: SendGrid took both attempts, each with the step's key as custom argument.
    assertThat(sendGridFake.accepted).containsExactly("sg-1", "sg-2");
    fakes.verify(
        2,
        postRequestedFor(urlEqualTo("/v3/mail/send"))
            .withRequestBody(matchingJsonPath("$.custom_args.retention_key", equalTo(KEY))));
    assertThat(retry.providerMessageId()).isEqualTo("sg-2");

    // SendGrid's events for the first message carry the key: the duplicate is recorded once.
    deliveryEvents.apply(event("ev-1", DeliveryEvents.Kind.ACCEPTED, "sg-1"));
    deliveryEvents.apply(event("ev-2", DeliveryEvents.Kind.DELIVERED, "sg-1"));
    deliveryEvents.apply(event("ev-3", DeliveryEvents.Kind.DELIVERED, "sg-2"));

    assertThat(row())
        .containsEntry("status", Communications.SENT)
        .containsEntry("provider_message_id", "sg-2")
        .containsEntry("duplicate_message_id", "sg-1")
        .containsEntry("delivery_status", "DELIVERED");
    assertThat(timeline()).filteredOn(s -> s.contains("twice")).hasSize(1);
    assertThat(timeline().stream().filter(s -> s.contains("twice")).findFirst().orElseThrow())
        .contains("sg-1", "sg-2");
  }

  @Test
  void sendGrid_anEventBeforeTheRetryCompletesTheRow_andTheRetrySendsNothing() {
    CrashAfterAccept provider = new CrashAfterAccept(sendGrid(), 1);
    EmailActivities emails = activities(provider);

    assertThatThrownBy(() -> emails.sendCustomerEmail(dayOne()))
        .isInstanceOf(ActivityFailure.class);
    // SendGrid's "processed" event (key in custom_args) reaches the webhook before the retry.
    deliveryEvents.apply(event("ev-1", DeliveryEvents.Kind.ACCEPTED, "sg-1"));
    assertThat(row()).containsEntry("status", Communications.SENT);

    EmailReceipt retry = emails.sendCustomerEmail(dayOne());

    assertThat(retry.status()).isEqualTo(EmailStatus.SENT);
    assertThat(retry.providerMessageId()).isEqualTo("sg-1");
    assertThat(sendGridFake.accepted).containsExactly("sg-1");
    assertThat(row())
        .containsEntry("provider_message_id", "sg-1")
        .containsEntry("duplicate_message_id", null);
  }

  private EmailActivities activities(EmailProvider provider) {
    harness =
        new ActivityHarness(
            new EmailActivitiesImpl(
                directory,
                communications,
                new EmailTemplates(),
                provider,
                new MutableClock(NOW),
                new EmailVariables("Insightly"),
                new CrmTasks(jdbc),
                cancellations,
                new UnsubscribeLinks(
                    "crash-window-test-secret-0123456789abcdef", "https://app.test")));
    harness.runIds().pin(RUN_ID);
    return harness.stub(EmailActivities.class);
  }

  private static ResendEmailProvider resend() {
    return new ResendEmailProvider(
        "re_test", URI.create(fakes.baseUrl()), Duration.ofSeconds(5), Clock.systemUTC());
  }

  private static SendGridEmailProvider sendGrid() {
    return new SendGridEmailProvider(
        "SG.test", URI.create(fakes.baseUrl()), Duration.ofSeconds(5), Clock.systemUTC());
  }

  private static CustomerEmail dayOne() {
    return new CustomerEmail(
        WORKFLOW_ID, "day-1-email", "at-risk", "at-risk/day-1", ACME.id(), Map.of());
  }

  private static DeliveryEvents.Event event(String id, DeliveryEvents.Kind kind, String messageId) {
    return new DeliveryEvents.Event(
        "sendgrid", id, kind, messageId, KEY, ACME.email(), NOW.plusSeconds(5), null);
  }

  private static Map<String, Object> row() {
    return jdbc.sql("select * from communications").query().singleRow();
  }

  private static List<String> timeline() {
    return jdbc.sql("select summary from timeline order by id").query(String.class).list();
  }

  /** The real provider, then the worker dies before our commit: {@code crashes} times. */
  static final class CrashAfterAccept implements EmailProvider {
    private final EmailProvider real;
    private final AtomicInteger crashes;

    CrashAfterAccept(EmailProvider real, int crashes) {
      this.real = real;
      this.crashes = new AtomicInteger(crashes);
    }

    @Override
    public String name() {
      return real.name();
    }

    @Override
    public String send(OutgoingEmail email) {
      String id = real.send(email);
      if (crashes.getAndDecrement() > 0) {
        throw new IllegalStateException("worker died after the provider accepted " + id);
      }
      return id;
    }
  }

  /**
   * Resend's idempotency as documented: a new key sends a message; the same key with the same
   * payload answers the first message's id and sends nothing; with another payload, 409.
   */
  static final class ResendFake implements ResponseDefinitionTransformerV2 {
    static final String NAME = "resend-idempotency";
    final List<String> delivered = new CopyOnWriteArrayList<>();
    private final Map<String, String[]> byKey = new ConcurrentHashMap<>();

    void reset() {
      delivered.clear();
      byKey.clear();
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
      String key = event.getRequest().getHeader("Idempotency-Key");
      String body = event.getRequest().getBodyAsString();
      String[] first =
          key == null
              ? new String[] {send(), body}
              : byKey.computeIfAbsent(key, k -> new String[] {send(), body});
      if (!first[1].equals(body)) {
        return ResponseDefinitionBuilder.responseDefinition()
            .withStatus(409)
            .withBody(
                "{\"statusCode\":409,\"name\":\"invalid_idempotent_request\","
                    + "\"message\":\"Same idempotency key used with a different request payload.\"}")
            .build();
      }
      return ResponseDefinitionBuilder.responseDefinition()
          .withStatus(200)
          .withHeader("Content-Type", "application/json")
          .withBody("{\"id\":\"" + first[0] + "\"}")
          .build();
    }

    private String send() {
      String id = "re-" + (delivered.size() + 1);
      delivered.add(id);
      return id;
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }

    @Override
    public String getName() {
      return NAME;
    }
  }

  /** SendGrid: every accepted request is a message of its own, whatever it carries. */
  static final class SendGridFake implements ResponseDefinitionTransformerV2 {
    static final String NAME = "sendgrid-accepts";
    final List<String> accepted = new CopyOnWriteArrayList<>();

    void reset() {
      accepted.clear();
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
      String id = "sg-" + (accepted.size() + 1);
      accepted.add(id);
      return ResponseDefinitionBuilder.responseDefinition()
          .withStatus(202)
          .withHeader("X-Message-Id", id)
          .build();
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }

    @Override
    public String getName() {
      return NAME;
    }
  }
}
