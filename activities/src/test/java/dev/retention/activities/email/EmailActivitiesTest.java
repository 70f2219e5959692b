package dev.retention.activities.email;

import static dev.retention.activities.testing.Fixtures.ACME;
import static dev.retention.activities.testing.Fixtures.PETRA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.retention.activities.email.providers.EmailProvider;
import dev.retention.activities.email.providers.OutgoingEmail;
import dev.retention.activities.email.providers.PermanentEmailFailure;
import dev.retention.activities.email.templates.EmailTemplates;
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
import dev.retention.workflows.ports.FailureType;
import dev.retention.workflows.ports.TaskAssignee;
import dev.retention.workflows.ports.TemplateText;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;

@ExtendWith(PostgresExtension.class)
class EmailActivitiesTest {

  private static final String WORKFLOW_ID = "at-risk-" + ACME.id();
  private static final String RUN_ID = "6f1c1d7e-1111-4c1e-9a53-000000000001";
  private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");

  private static JdbcClient jdbc;
  private static CustomerDirectory directory;
  private static Communications communications;
  private static RunCancellations cancellations;

  private final CountingProvider provider = new CountingProvider();
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
    EmailActivitiesImpl impl =
        new EmailActivitiesImpl(
            directory,
            communications,
            new EmailTemplates(),
            provider,
            new MutableClock(NOW),
            "Insightly",
            new CrmTasks(jdbc),
            cancellations);
    harness = new ActivityHarness(impl);
    emails = harness.stub(EmailActivities.class);
  }

  @AfterEach
  void tearDown() {
    harness.close();
  }

  @Test
  void sendsTheStepEmailPersonallyFromTheCsm() {
    EmailReceipt receipt = emails.sendCustomerEmail(dayOne(ACME.id()));

    assertThat(receipt.status()).isEqualTo(EmailStatus.SENT);
    assertThat(receipt.subject())
        .isEqualTo("Acme Analytics: can I help you get more out of Insightly?");
    assertThat(receipt.providerMessageId()).isEqualTo("msg-1");

    assertThat(rows())
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.get("workflow_id")).isEqualTo(WORKFLOW_ID);
              assertThat(row.get("run_id")).isEqualTo(harness.runIds().last());
              assertThat(row.get("step")).isEqualTo("day-1");
              assertThat(row.get("customer_id")).isEqualTo(ACME.id());
              assertThat(row.get("template")).isEqualTo("at-risk/day-1");
              assertThat(row.get("status")).isEqualTo(Communications.SENT);
              assertThat(row.get("subject")).isEqualTo(receipt.subject());
              assertThat(row.get("from_name")).isEqualTo(PETRA.name());
              assertThat(row.get("from_address")).isEqualTo(PETRA.email());
              assertThat(row.get("reply_to")).isEqualTo(PETRA.email());
              assertThat(row.get("to_address")).isEqualTo(ACME.email());
              assertThat((String) row.get("body_text"))
                  .contains("Hi Acme Analytics team", "I'm Petra Novak", PETRA.email())
                  .doesNotContain("{{");
              assertThat(row.get("provider")).isEqualTo("counting");
              assertThat(row.get("provider_message_id")).isEqualTo("msg-1");
              assertThat(row.get("sent_at")).isEqualTo(Timestamp.from(NOW));
            });

    OutgoingEmail sent = provider.sent.getFirst();
    assertThat(sent.fromName()).isEqualTo(PETRA.name());
    assertThat(sent.fromAddress()).isEqualTo(PETRA.email());
    assertThat(sent.replyTo()).isEqualTo(PETRA.email());
    assertThat(sent.toName()).isEqualTo(ACME.name());
    assertThat(sent.toAddress()).isEqualTo(ACME.email());
    assertThat(sent.idempotencyKey())
        .isEqualTo(WORKFLOW_ID + "/" + harness.runIds().last() + "/day-1");
  }

  @Test
  void theRunIdComesFromTheActivityContextAndTheWorkflowIdFromTheRequest() {
    // The test environment reports workflow id "test-workflow-id" and a random run id per call.
    emails.sendCustomerEmail(dayOne(ACME.id()));

    String runId = harness.runIds().last();
    assertThat(runId).matches("[0-9a-f-]{36}");
    assertThat(
            jdbc.sql("select run_id, workflow_id from communications")
                .query((rs, i) -> List.of(rs.getString(1), rs.getString(2)))
                .single())
        .containsExactly(runId, WORKFLOW_ID);
  }

  @Test
  void aRetryOfTheSameRunAndStepReturnsTheFirstReceiptAndSendsNothing() {
    harness.runIds().pin(RUN_ID);

    EmailReceipt first = emails.sendCustomerEmail(dayOne(ACME.id()));
    EmailReceipt retry = emails.sendCustomerEmail(dayOne(ACME.id()));

    assertThat(retry).isEqualTo(first);
    assertThat(retry.providerMessageId()).isEqualTo("msg-1");
    assertThat(provider.sent).hasSize(1);
    assertThat(rows())
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.get("run_id")).isEqualTo(RUN_ID);
              assertThat(row.get("status")).isEqualTo(Communications.SENT);
            });
  }

  @Test
  void aLaterRunOfTheSameWorkflowIdSendsItsOwnEmail() {
    // After a run has closed the same playbook may run again with the same workflow id.
    emails.sendCustomerEmail(dayOne(ACME.id()));
    emails.sendCustomerEmail(dayOne(ACME.id()));

    assertThat(harness.runIds().seen()).doesNotHaveDuplicates();
    assertThat(provider.sent).hasSize(2);
    assertThat(rows())
        .extracting(row -> row.get("run_id"))
        .containsExactlyInAnyOrderElementsOf(harness.runIds().seen());
  }

  @Test
  void aSuppressedCustomerIsSkippedWithoutCallingTheProvider() {
    communications.suppress(ACME.email(), "unsubscribed");

    EmailReceipt receipt = emails.sendCustomerEmail(dayOne(ACME.id()));

    assertThat(receipt.status()).isEqualTo(EmailStatus.SKIPPED_SUPPRESSED);
    assertThat(receipt.providerMessageId()).isNull();
    assertThat(provider.sent).isEmpty();
    assertThat(rows())
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.get("status")).isEqualTo(Communications.SKIPPED_SUPPRESSED);
              assertThat(row.get("provider_message_id")).isNull();
            });
  }

  @Test
  void suppressionIgnoresTheCaseOfTheAddress() {
    communications.suppress("OPS@Acme.TEST", "complained");

    assertThat(emails.sendCustomerEmail(dayOne(ACME.id())).status())
        .isEqualTo(EmailStatus.SKIPPED_SUPPRESSED);
    assertThat(provider.sent).isEmpty();
  }

  @Test
  void aNameWithALineBreakStoredBehindTheApisBack_failsForGood_andNothingIsSent() {
    // The API refuses such a name; the email layer must not rely on it.
    directory.upsertCustomer(
        new dev.retention.data.customers.Customer(
            ACME.id(),
            "Acme\r\nBcc: everyone@example.com",
            ACME.email(),
            ACME.csmId(),
            ACME.plan(),
            ACME.mrr(),
            ACME.planUsageLimit(),
            ACME.timezone(),
            ACME.locale()));

    ActivityFailure failure =
        catchThrowableOfType(
            ActivityFailure.class, () -> emails.sendCustomerEmail(dayOne(ACME.id())));

    assertThat(failure.getCause())
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            cause -> {
              assertThat(cause.getType()).isEqualTo(FailureType.EMAIL_REJECTED.name());
              assertThat(cause.isNonRetryable()).isTrue();
              // The name is in the subject too, which is checked first.
              assertThat(cause.getOriginalMessage()).contains("subject", "control character");
            });
    assertThat(provider.attempts).isEmpty();
    assertThat(rows())
        .singleElement()
        .satisfies(row -> assertThat(row.get("status")).isEqualTo(Communications.FAILED));
  }

  @Test
  void anUnknownCustomerFailsForGood() {
    ActivityFailure failure =
        catchThrowableOfType(
            ActivityFailure.class, () -> emails.sendCustomerEmail(dayOne("c-404")));

    assertFailsForGood(failure, FailureType.UNKNOWN_CUSTOMER);
    assertThat(provider.sent).isEmpty();
    assertThat(rows()).isEmpty();
  }

  @Test
  void anUnknownTemplateFailsForGood() {
    CustomerEmail unknownTemplate =
        new CustomerEmail(WORKFLOW_ID, "day-1", "at-risk", "at-risk/day-99", ACME.id(), Map.of());

    ActivityFailure failure =
        catchThrowableOfType(
            ActivityFailure.class, () -> emails.sendCustomerEmail(unknownTemplate));

    assertFailsForGood(failure, FailureType.TEMPLATE_ERROR);
    assertThat(rows()).isEmpty();
  }

  @Test
  void aPermanentProviderFailureMarksTheRowFailedAndIsNotRetried() {
    harness.runIds().pin(RUN_ID);
    provider.failure =
        email -> {
          throw new PermanentEmailFailure("mailbox ops@acme.test does not exist");
        };

    ActivityFailure failure =
        catchThrowableOfType(
            ActivityFailure.class, () -> emails.sendCustomerEmail(dayOne(ACME.id())));

    assertThat(failure.getCause())
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            cause -> {
              assertThat(cause.getType()).isEqualTo(FailureType.EMAIL_REJECTED.name());
              assertThat(cause.isNonRetryable()).isTrue();
              assertThat(cause.getOriginalMessage()).contains("does not exist");
            });
    assertThat(rows())
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.get("status")).isEqualTo(Communications.FAILED);
              assertThat(row.get("detail")).isEqualTo("mailbox ops@acme.test does not exist");
              assertThat(row.get("provider_message_id")).isNull();
            });

    // Called again for the same run + step, it stays rejected without asking the provider again.
    ActivityFailure again =
        catchThrowableOfType(
            ActivityFailure.class, () -> emails.sendCustomerEmail(dayOne(ACME.id())));
    assertThat(((ApplicationFailure) again.getCause()).getType())
        .isEqualTo(FailureType.EMAIL_REJECTED.name());
    assertThat(provider.attempts).hasSize(1);
  }

  @Test
  void aTransientProviderFailureLeavesTheRowPendingUntilARetrySendsIt() {
    harness.runIds().pin(RUN_ID);
    provider.failure =
        email -> {
          throw new IllegalStateException("provider timed out");
        };

    ActivityFailure failure =
        catchThrowableOfType(
            ActivityFailure.class, () -> emails.sendCustomerEmail(dayOne(ACME.id())));

    assertThat(failure.getCause())
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            cause -> {
              assertThat(cause.getType()).isEqualTo(IllegalStateException.class.getName());
              assertThat(cause.isNonRetryable()).isFalse();
            });
    assertThat(rows())
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.get("status")).isEqualTo(Communications.PENDING);
              assertThat(row.get("sent_at")).isNull();
            });

    provider.failure = null;
    EmailReceipt retry = emails.sendCustomerEmail(dayOne(ACME.id()));

    assertThat(retry.status()).isEqualTo(EmailStatus.SENT);
    assertThat(provider.attempts).hasSize(2);
    // The retry hands the provider the same idempotency key as the failed attempt.
    assertThat(provider.attempts)
        .extracting(OutgoingEmail::idempotencyKey)
        .containsOnly(WORKFLOW_ID + "/" + RUN_ID + "/day-1");
    assertThat(rows())
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.get("status")).isEqualTo(Communications.SENT);
              assertThat(row.get("provider_message_id")).isEqualTo(retry.providerMessageId());
            });
  }

  @Test
  void aCustomerWhoUnsubscribesBeforeTheRetryIsSkippedAndTheRowSaysSo() {
    harness.runIds().pin(RUN_ID);
    provider.failure =
        email -> {
          throw new IllegalStateException("provider timed out");
        };
    assertThatThrownBy(() -> emails.sendCustomerEmail(dayOne(ACME.id())))
        .isInstanceOf(ActivityFailure.class);
    communications.suppress(ACME.email(), "unsubscribed");
    provider.failure = null;

    EmailReceipt retry = emails.sendCustomerEmail(dayOne(ACME.id()));

    assertThat(retry.status()).isEqualTo(EmailStatus.SKIPPED_SUPPRESSED);
    assertThat(provider.attempts).hasSize(1);
    assertThat(provider.sent).isEmpty();
    assertThat(rows())
        .singleElement()
        .satisfies(
            row -> assertThat(row.get("status")).isEqualTo(Communications.SKIPPED_SUPPRESSED));
  }

  // ---- a stopped run ----------------------------------------------------------------------------

  @Test
  void aRunStoppedBeforeItsEmailWasClaimed_sendsNothing_andTheStepFailsForGood() {
    harness.runIds().pin(RUN_ID);
    // What DELETE /api/playbooks/{id} records before it answers 202.
    cancellations.record(WORKFLOW_ID, RUN_ID);

    ActivityFailure email =
        catchThrowableOfType(
            ActivityFailure.class, () -> emails.sendCustomerEmail(dayOne(ACME.id())));
    ActivityFailure alert =
        catchThrowableOfType(
            ActivityFailure.class,
            () ->
                emails.sendCsmAlert(
                    new CsmAlert(
                        WORKFLOW_ID,
                        "csm-alert",
                        "nps-follow-up",
                        "nps-follow-up/detractor-alert",
                        ACME.id(),
                        TaskAssignee.CSM,
                        Map.of("nps.score", "3", "nps.comment", "slow"))));

    for (ActivityFailure failure : List.of(email, alert)) {
      assertFailsForGood(failure, FailureType.RUN_CANCELLED);
    }
    assertThat(provider.attempts).isEmpty();
    assertThat(rows()).isEmpty();
  }

  @Test
  void anEmailClaimedBeforeTheStop_isInFlight_andItsRetryStillSendsIt() {
    harness.runIds().pin(RUN_ID);
    provider.failure =
        email -> {
          throw new IllegalStateException("provider timed out");
        };
    assertThatThrownBy(() -> emails.sendCustomerEmail(dayOne(ACME.id())))
        .isInstanceOf(ActivityFailure.class);
    assertThat(rows())
        .singleElement()
        .satisfies(row -> assertThat(row.get("status")).isEqualTo(Communications.PENDING));

    // Stopped while the email was at the provider: the one exception, it goes out.
    cancellations.record(WORKFLOW_ID, RUN_ID);
    provider.failure = null;
    EmailReceipt retry = emails.sendCustomerEmail(dayOne(ACME.id()));

    assertThat(retry.status()).isEqualTo(EmailStatus.SENT);
    assertThat(provider.sent).hasSize(1);
    assertThat(rows())
        .singleElement()
        .satisfies(row -> assertThat(row.get("status")).isEqualTo(Communications.SENT));
  }

  @Test
  void anotherRunOfTheSameWorkflowId_isNotStoppedByAnEarlierRunsStop() {
    cancellations.record(WORKFLOW_ID, "an-earlier-run");

    EmailReceipt receipt = emails.sendCustomerEmail(dayOne(ACME.id()));

    assertThat(receipt.status()).isEqualTo(EmailStatus.SENT);
    assertThat(provider.sent).hasSize(1);
  }

  @Test
  void aDefinitionsOwnText_goesOutWithTheLinkFooterAndHeadersItCannotDrop_andSuppressionHolds() {
    Map<String, TemplateText> written =
        Map.of(
            "en",
            new TemplateText(
                "Day 2 already, {{customer.name}}",
                "Hi {{customer.name}} & team,\n\nA new text.\n{{csm.name}}",
                null));
    EmailReceipt receipt =
        emails.sendCustomerEmail(
            new CustomerEmail(
                WORKFLOW_ID,
                "day-3",
                "at-risk",
                "at-risk/day-3",
                ACME.id(),
                Map.of("healthScore", "52"),
                written));

    assertThat(receipt.status()).isEqualTo(EmailStatus.SENT);
    assertThat(receipt.subject()).isEqualTo("Day 2 already, Acme Analytics");
    OutgoingEmail sent = provider.sent.getFirst();
    assertThat(sent.text())
        .startsWith("Hi Acme Analytics & team,\n\nA new text.\n" + PETRA.name())
        .endsWith("\n--\nUnsubscribe from these emails: " + sent.unsubscribeUrl() + "\n");
    // The HTML is the text, escaped, in the layout, with the footer's link.
    assertThat(sent.html())
        .contains("<p>Hi Acme Analytics &amp; team,</p>")
        .contains("<a href=\"" + sent.unsubscribeUrl().replace("&", "&amp;") + "\"");
    assertThat(sent.headers())
        .containsEntry("List-Unsubscribe", "<" + sent.unsubscribeUrl() + ">")
        .containsKey("List-Unsubscribe-Post");
    assertThat(rows().getFirst().get("template")).isEqualTo("at-risk/day-3");

    // A text that tries to place the link itself is not given it: it fails, nothing is sent.
    Map<String, TemplateText> placing =
        Map.of("en", new TemplateText("Hi", "Leave: {{unsubscribe.url}}", null));
    assertThatThrownBy(
            () ->
                emails.sendCustomerEmail(
                    new CustomerEmail(
                        WORKFLOW_ID,
                        "day-4",
                        "at-risk",
                        "at-risk/day-3",
                        ACME.id(),
                        Map.of(),
                        placing)))
        .hasStackTraceContaining("needs variable unsubscribe.url");
    assertThat(provider.sent).hasSize(1);

    // Suppression is the activity's: a suppressed address gets no override either.
    communications.suppress(ACME.email(), "unsubscribed");
    assertThat(
            emails
                .sendCustomerEmail(
                    new CustomerEmail(
                        WORKFLOW_ID,
                        "day-5",
                        "at-risk",
                        "at-risk/day-3",
                        ACME.id(),
                        Map.of(),
                        written))
                .status())
        .isEqualTo(EmailStatus.SKIPPED_SUPPRESSED);
    assertThat(provider.sent).hasSize(1);
  }

  @Test
  void anAlertsOwnText_isRenderedInEnglish_andCarriesNoUnsubscribeLink() {
    EmailReceipt receipt =
        emails.sendCsmAlert(
            new CsmAlert(
                WORKFLOW_ID,
                "csm-alert",
                "nps-follow-up",
                "nps-follow-up/detractor-alert",
                ACME.id(),
                TaskAssignee.CSM,
                Map.of("nps.score", "3"),
                Map.of(
                    "en",
                    new TemplateText(
                        "Detractor: {{customer.name}} scored {{nps.score}}", "Call them.", null),
                    "nl",
                    new TemplateText("Criticus: {{customer.name}}", "Bel ze.", null))));
    assertThat(receipt.subject()).isEqualTo("Detractor: Acme Analytics scored 3");
    OutgoingEmail sent = provider.sent.getFirst();
    assertThat(sent.toAddress()).isEqualTo(PETRA.email());
    assertThat(sent.text()).isEqualTo("Call them.\n");
    assertThat(sent.headers()).doesNotContainKey("List-Unsubscribe");
  }

  private static CustomerEmail dayOne(String customerId) {
    return new CustomerEmail(
        WORKFLOW_ID, "day-1", "at-risk", "at-risk/day-1", customerId, Map.of());
  }

  private static List<Map<String, Object>> rows() {
    return jdbc.sql("select * from communications order by id").query().listOfRows();
  }

  /** Accepts every email unless the test sets a failure, and records every call. */
  static final class CountingProvider implements EmailProvider {

    final List<OutgoingEmail> attempts = new CopyOnWriteArrayList<>();
    final List<OutgoingEmail> sent = new CopyOnWriteArrayList<>();
    volatile Consumer<OutgoingEmail> failure;

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public String send(OutgoingEmail email) {
      attempts.add(email);
      if (failure != null) {
        failure.accept(email);
      }
      sent.add(email);
      return "msg-" + attempts.size();
    }
  }

  /** The activity failed for good (non-retryable), with the failure type the workflow acts on. */
  private static void assertFailsForGood(ActivityFailure failure, FailureType type) {
    assertThat(failure.getCause())
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            cause -> {
              assertThat(cause.getType()).isEqualTo(type.name());
              assertThat(cause.isNonRetryable()).isTrue();
            });
  }
}
