package dev.retention.activities.email;

import static dev.retention.activities.testing.Fixtures.ACME;
import static dev.retention.activities.testing.Fixtures.PETRA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.retention.activities.email.consent.UnsubscribeLinks;
import dev.retention.activities.email.providers.EmailProvider;
import dev.retention.activities.email.providers.OutgoingEmail;
import dev.retention.activities.email.providers.RetryableEmailFailure;
import dev.retention.activities.email.templates.EmailTemplates;
import dev.retention.activities.email.templates.EmailVariables;
import dev.retention.activities.testing.ActivityHarness;
import dev.retention.activities.testing.Fixtures;
import dev.retention.activities.testing.MutableClock;
import dev.retention.activities.testing.PostgresExtension;
import dev.retention.data.crm.CrmTasks;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.email.Communications;
import dev.retention.data.ledger.RunCancellations;
import dev.retention.workflows.ports.CsmAlert;
import dev.retention.workflows.ports.CustomerEmail;
import dev.retention.workflows.ports.EmailActivities;
import dev.retention.workflows.ports.EmailReceipt;
import dev.retention.workflows.ports.EmailStatus;
import dev.retention.workflows.ports.TaskAssignee;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Unsubscribe links and headers on customer emails, none on alerts; retryable provider failures.
 */
@ExtendWith(PostgresExtension.class)
class EmailConsentTest {

  private static final String WORKFLOW_ID = "at-risk-" + ACME.id();
  private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");
  private static final UnsubscribeLinks LINKS =
      new UnsubscribeLinks(
          "consent-test-secret-0123456789abcdef-xyz", "https://retention.example/");

  private static JdbcClient jdbc;
  private static CustomerDirectory directory;
  private static Communications communications;
  private static RunCancellations cancellations;

  private final List<OutgoingEmail> sent = new CopyOnWriteArrayList<>();
  private volatile Function<OutgoingEmail, String> behaviour = email -> "msg-" + sent.size();
  private ActivityHarness harness;
  private EmailActivities emails;

  @BeforeAll
  static void wire(DataSource dataSource) {
    jdbc = JdbcClient.create(dataSource);
    directory = new CustomerDirectory(jdbc);
    communications = new Communications(jdbc);
    cancellations = Fixtures.cancellations(dataSource);
  }

  @BeforeEach
  void setUp() {
    Fixtures.petraWithCustomers(directory);
    EmailProvider provider =
        new EmailProvider() {
          @Override
          public String name() {
            return "test";
          }

          @Override
          public String send(OutgoingEmail email) {
            sent.add(email);
            return behaviour.apply(email);
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
                new EmailVariables("Insightly"),
                new CrmTasks(jdbc),
                cancellations,
                LINKS));
    emails = harness.stub(EmailActivities.class);
  }

  @AfterEach
  void tearDown() {
    harness.close();
  }

  @Test
  void aCustomerEmailCarriesASignedOneClickUnsubscribeLinkAndTheRfc8058Headers() {
    emails.sendCustomerEmail(dayOne());

    OutgoingEmail email = sent.getFirst();
    String url = email.unsubscribeUrl();
    assertThat(url).startsWith("https://retention.example/api/unsubscribe?c=" + ACME.id() + "&s=");
    assertThat(email.headers())
        .containsEntry("List-Unsubscribe", "<" + url + ">")
        .containsEntry("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    assertThat(email.text()).endsWith("Unsubscribe from these emails: " + url + "\n");
    assertThat(email.html())
        .contains("<a href=\"" + url.replace("&", "&amp;") + "\"")
        .containsIgnoringCase("</body>");
    String signature = URI.create(url).getQuery().replaceFirst(".*&s=", "");
    assertThat(LINKS.verify(ACME.id(), ACME.email(), signature)).isTrue();
    // What was sent is what the communications row keeps.
    assertThat(jdbc.sql("select body_text from communications").query(String.class).single())
        .isEqualTo(email.text());
  }

  @Test
  void anAlertToTheCsmHasNoUnsubscribe_andIsSentEvenIfTheCsmsAddressIsSuppressed() {
    communications.suppress(PETRA.email(), Communications.UNSUBSCRIBED);

    EmailReceipt receipt =
        emails.sendCsmAlert(
            new CsmAlert(
                "nps-follow-up-" + ACME.id(),
                "detractor-alert",
                "nps-follow-up",
                "nps-follow-up/detractor-alert",
                ACME.id(),
                TaskAssignee.CSM,
                Map.of("nps.score", "3", "nps.comment", "slow")));

    assertThat(receipt.status()).isEqualTo(EmailStatus.SENT);
    OutgoingEmail alert = sent.getFirst();
    assertThat(alert.toAddress()).isEqualTo(PETRA.email());
    assertThat(alert.headers()).isEmpty();
    assertThat(alert.unsubscribeUrl()).isNull();
    assertThat(alert.text()).doesNotContain("unsubscribe");
  }

  @Test
  void aRateLimitedSendIsRetriedAfterTheProvidersRetryAfter_andTheRowStaysPending() {
    behaviour =
        email -> {
          throw new RetryableEmailFailure("Resend answered 429: slow down", Duration.ofSeconds(7));
        };

    ActivityFailure failure =
        catchThrowableOfType(ActivityFailure.class, () -> emails.sendCustomerEmail(dayOne()));

    assertThat(failure.getCause())
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            cause -> {
              assertThat(cause.isNonRetryable()).isFalse();
              assertThat(cause.getType()).isEqualTo(RetryableEmailFailure.class.getName());
              assertThat(cause.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(7));
            });
    assertThat(jdbc.sql("select status from communications").query(String.class).single())
        .isEqualTo(Communications.PENDING);
  }

  @Test
  void aVeryLongRetryAfterIsCappedSoRetriesStayBounded() {
    behaviour =
        email -> {
          throw new RetryableEmailFailure("SendGrid answered 429: slow down", Duration.ofHours(3));
        };

    ActivityFailure failure =
        catchThrowableOfType(ActivityFailure.class, () -> emails.sendCustomerEmail(dayOne()));

    assertThat(((ApplicationFailure) failure.getCause()).getNextRetryDelay())
        .isEqualTo(EmailActivitiesImpl.MAX_RETRY_AFTER);
  }

  private static CustomerEmail dayOne() {
    return new CustomerEmail(
        WORKFLOW_ID, "day-1-email", "at-risk", "at-risk/day-1", ACME.id(), Map.of());
  }
}
