package dev.retention.data.email;

import static dev.retention.activities.testing.Fixtures.ACME;
import static dev.retention.activities.testing.Fixtures.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.activities.email.EmailActivitiesImpl;
import dev.retention.activities.email.providers.EmailProvider;
import dev.retention.activities.email.providers.OutgoingEmail;
import dev.retention.activities.email.templates.EmailTemplates;
import dev.retention.activities.testing.ActivityHarness;
import dev.retention.activities.testing.Fixtures;
import dev.retention.activities.testing.MutableClock;
import dev.retention.activities.testing.PostgresExtension;
import dev.retention.data.crm.CrmTasks;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.email.DeliveryEvents.Event;
import dev.retention.data.email.DeliveryEvents.Kind;
import dev.retention.data.email.DeliveryEvents.Outcome;
import dev.retention.data.ledger.RunCancellations;
import dev.retention.data.ledger.Timeline;
import dev.retention.workflows.ports.CustomerEmail;
import dev.retention.workflows.ports.EmailActivities;
import dev.retention.workflows.ports.EmailReceipt;
import dev.retention.workflows.ports.EmailStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Provider events applied to our emails, the timeline and the suppression list. */
@ExtendWith(PostgresExtension.class)
class DeliveryEventsTest {

  private static final String WORKFLOW_ID = "at-risk-" + ACME.id();
  private static final String RUN_ID = "6f1c1d7e-3333-4c1e-9a53-000000000003";
  private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");

  private static JdbcClient jdbc;
  private static CustomerDirectory directory;
  private static Communications communications;
  private static DeliveryEvents events;
  private static RunCancellations cancellations;

  private final List<OutgoingEmail> sent = new CopyOnWriteArrayList<>();
  private ActivityHarness harness;
  private EmailActivities emails;

  @BeforeAll
  static void wire(DataSource dataSource) {
    jdbc = JdbcClient.create(dataSource);
    directory = new CustomerDirectory(jdbc);
    communications = new Communications(jdbc);
    cancellations = Fixtures.cancellations(dataSource);
    events =
        new DeliveryEvents(
            jdbc,
            new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
            communications,
            new Timeline(jdbc));
  }

  @BeforeEach
  void setUp() {
    Fixtures.petraWithCustomers(directory);
    EmailProvider provider =
        new EmailProvider() {
          @Override
          public String name() {
            return "resend";
          }

          @Override
          public String send(OutgoingEmail email) {
            sent.add(email);
            return "re-" + sent.size();
          }
        };
    harness =
        new ActivityHarness(
            new EmailActivitiesImpl(
                directory,
                communications,
                new EmailTemplates(),
                provider,
                new MutableClock(NOW),
                "Insightly",
                new CrmTasks(jdbc),
                cancellations));
    harness.runIds().pin(RUN_ID);
    emails = harness.stub(EmailActivities.class);
  }

  @AfterEach
  void tearDown() {
    harness.close();
  }

  @Test
  void deliveryStatusAdvancesWithEachEvent_andNeverGoesBack() {
    emails.sendCustomerEmail(step("day-1-email", "at-risk/day-1"));

    assertThat(events.apply(resend("e1", Kind.DELIVERED))).isEqualTo(Outcome.APPLIED);
    assertThat(deliveryStatus()).isEqualTo("DELIVERED");
    events.apply(resend("e2", Kind.OPENED));
    events.apply(resend("e3", Kind.CLICKED));
    assertThat(deliveryStatus()).isEqualTo("CLICKED");
    // A late or repeated open after the click changes nothing, nor adds to the timeline.
    events.apply(resend("e4", Kind.OPENED));
    events.apply(resend("e5", Kind.DELIVERED));

    assertThat(deliveryStatus()).isEqualTo("CLICKED");
    assertThat(timeline())
        .containsExactly(
            "day-1-email: email delivered",
            "day-1-email: email opened",
            "day-1-email: email clicked");
    assertThat(communications.forCustomer(ACME.id()))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.status()).isEqualTo(Communications.SENT);
              assertThat(c.deliveryStatus()).isEqualTo("CLICKED");
              assertThat(c.deliveryUpdatedAt()).isNotNull();
            });
  }

  @Test
  void anEventTheProviderSendsAgainIsAppliedOnce() {
    emails.sendCustomerEmail(step("day-1-email", "at-risk/day-1"));

    assertThat(events.apply(resend("e1", Kind.BOUNCED))).isEqualTo(Outcome.APPLIED);
    assertThat(events.apply(resend("e1", Kind.BOUNCED))).isEqualTo(Outcome.ALREADY_SEEN);

    assertThat(timeline()).hasSize(2); // bounced + suppressed, once each
    assertThat(jdbc.sql("select count(*) from email_events").query(Long.class).single())
        .isEqualTo(1);
  }

  @Test
  void aHardBounceSuppressesTheAddress_andTheNextStepIsSkippedSuppressed() {
    emails.sendCustomerEmail(step("day-1-email", "at-risk/day-1"));

    events.apply(
        new Event(
            "resend",
            "e1",
            Kind.BOUNCED,
            "re-1",
            null,
            ACME.email(),
            NOW,
            "mailbox does not exist"));

    assertThat(communications.isSuppressed(ACME.email())).isTrue();
    assertThat(suppressionReason(ACME.email())).isEqualTo(Communications.BOUNCED);
    assertThat(timeline())
        .contains("day-1-email: email bounced (hard bounce) (mailbox does not exist)")
        .anySatisfy(s -> assertThat(s).startsWith("Email address suppressed (bounced"));

    EmailReceipt dayThree = emails.sendCustomerEmail(step("day-3-email", "at-risk/day-3"));

    assertThat(dayThree.status()).isEqualTo(EmailStatus.SKIPPED_SUPPRESSED);
    assertThat(sent).hasSize(1);
  }

  @Test
  void aSpamComplaintSuppressesTheAddress() {
    emails.sendCustomerEmail(step("day-1-email", "at-risk/day-1"));

    events.apply(resend("e1", Kind.COMPLAINED));

    assertThat(suppressionReason(ACME.email())).isEqualTo(Communications.COMPLAINED);
    assertThat(deliveryStatus()).isEqualTo("COMPLAINED");
  }

  @Test
  void aBounceOfAnEmailWeDoNotKnowStillSuppressesItsAddress() {
    Outcome outcome =
        events.apply(
            new Event(
                "sendgrid", "x1", Kind.BOUNCED, "sg-unknown", null, GLOBEX.email(), NOW, null));

    assertThat(outcome).isEqualTo(Outcome.UNMATCHED);
    assertThat(communications.isSuppressed(GLOBEX.email())).isTrue();
    assertThat(timeline()).isEmpty();
  }

  @Test
  void deliveredAndOpenedDoNotSuppress() {
    emails.sendCustomerEmail(step("day-1-email", "at-risk/day-1"));

    events.apply(resend("e1", Kind.DELIVERED));
    events.apply(resend("e2", Kind.OPENED));

    assertThat(communications.isSuppressed(ACME.email())).isFalse();
  }

  private static CustomerEmail step(String step, String template) {
    return new CustomerEmail(WORKFLOW_ID, step, "at-risk", template, ACME.id(), Map.of());
  }

  private static Event resend(String id, Kind kind) {
    return new Event("resend", id, kind, "re-1", null, ACME.email(), NOW, null);
  }

  private static String deliveryStatus() {
    return jdbc.sql("select delivery_status from communications where provider_message_id = 're-1'")
        .query(String.class)
        .single();
  }

  private static String suppressionReason(String email) {
    return jdbc.sql("select reason from suppressions where email = lower(:e)")
        .param("e", email)
        .query(String.class)
        .single();
  }

  private static List<String> timeline() {
    return jdbc.sql("select summary from timeline order by id").query(String.class).list();
  }
}
