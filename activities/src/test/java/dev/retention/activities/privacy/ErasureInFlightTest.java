package dev.retention.activities.privacy;

import static dev.retention.activities.testing.Fixtures.GLOBEX;
import static dev.retention.activities.testing.Fixtures.PETRA;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.activities.crm.CrmActivitiesImpl;
import dev.retention.activities.email.EmailActivitiesImpl;
import dev.retention.activities.email.providers.EmailProvider;
import dev.retention.activities.email.providers.OutgoingEmail;
import dev.retention.activities.email.templates.EmailTemplates;
import dev.retention.activities.ledger.LedgerActivitiesImpl;
import dev.retention.activities.testing.ActivityHarness;
import dev.retention.activities.testing.Fixtures;
import dev.retention.activities.testing.PostgresExtension;
import dev.retention.data.crm.CrmTasks;
import dev.retention.data.crm.TaskQueue;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.email.Communications;
import dev.retention.data.ledger.RunCancellations;
import dev.retention.data.ledger.RunRecords;
import dev.retention.data.ledger.Timeline;
import dev.retention.data.privacy.PersonalData;
import dev.retention.workflows.ports.CrmActivities;
import dev.retention.workflows.ports.CrmNote;
import dev.retention.workflows.ports.CrmTask;
import dev.retention.workflows.ports.CustomerEmail;
import dev.retention.workflows.ports.EmailActivities;
import dev.retention.workflows.ports.EmailReceipt;
import dev.retention.workflows.ports.EmailStatus;
import dev.retention.workflows.ports.LedgerUpdate;
import dev.retention.workflows.ports.RunSnapshot;
import dev.retention.workflows.ports.TaskAssignee;
import dev.retention.workflows.ports.TaskPriority;
import dev.retention.workflows.ports.TimelineEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An erasure holds against the steps of a run that are in flight while it runs: a timeline entry, a
 * CRM note or task, or an email that lands after the erasure writes {@code [erased]} instead of the
 * name or note it carries, and the email is not sent. Both orders of a write racing the erasure are
 * forced here (each side holding its transaction open), and then raced freely.
 */
@ExtendWith(PostgresExtension.class)
class ErasureInFlightTest {

  private static final String NOTE = "Globex's CFO Ilse Brandt says the invoices are wrong";
  private static final String SUMMARY = "day-1-email: SENT \"Globex: can I help?\"";

  private static JdbcClient jdbc;
  private static TransactionTemplate tx;
  private static PersonalData personalData;
  private static LedgerActivitiesImpl ledger;
  private static CustomerDirectory directory;

  @BeforeAll
  static void wire(DataSource dataSource) {
    jdbc = JdbcClient.create(dataSource);
    tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    personalData = new PersonalData(jdbc, new Timeline(jdbc));
    ledger =
        new LedgerActivitiesImpl(
            tx,
            new RunRecords(jdbc),
            new Timeline(jdbc),
            new TaskQueue(jdbc, Clock.systemUTC()),
            new RunCancellations(jdbc, tx));
    directory = new CustomerDirectory(jdbc);
  }

  @BeforeEach
  void setUp() {
    Fixtures.petraWithCustomers(directory);
  }

  @Test
  void aStepLandingAfterTheErasure_writesErasedOnTheTimeline_aRunStartedSinceWritesItsOwn() {
    Instant before = Instant.now().minus(Duration.ofHours(1));
    Instant erasedAt = erase(GLOBEX.id());

    ledger.record(update(GLOBEX.id(), "run-before", before, SUMMARY));
    // The customer was added again after the erasure: a new run's data is theirs to keep.
    ledger.record(update(GLOBEX.id(), "run-after", erasedAt.plusSeconds(1), SUMMARY));

    assertThat(summary("run-before")).isEqualTo(PersonalData.ERASED);
    assertThat(summary("run-after")).isEqualTo(SUMMARY);
  }

  @Test
  void aWriteWaitingOnAnErasureInProgress_writesErased() throws Exception {
    CountDownLatch erased = new CountDownLatch(1);
    CountDownLatch commit = new CountDownLatch(1);
    try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
      Future<?> erasure =
          threads.submit(
              () ->
                  tx.executeWithoutResult(
                      status -> {
                        personalData.erase(GLOBEX.id());
                        erased.countDown();
                        await(commit);
                      }));
      assertThat(erased.await(10, TimeUnit.SECONDS)).isTrue();
      Future<?> write =
          threads.submit(
              () ->
                  ledger.record(
                      update(GLOBEX.id(), "run-1", Instant.now().minusSeconds(60), SUMMARY)));
      // The write waits for the erasure's lock on the customer ...
      awaitBlockedOnALock();
      assertThat(write.isDone()).isFalse();
      commit.countDown();
      erasure.get(10, TimeUnit.SECONDS);
      write.get(10, TimeUnit.SECONDS);
    }
    // ... and then sees its tombstone.
    assertThat(summary("run-1")).isEqualTo(PersonalData.ERASED);
  }

  @Test
  void anErasureWaitingOnAWriteInProgress_erasesWhatItWrote() throws Exception {
    CountDownLatch written = new CountDownLatch(1);
    CountDownLatch commit = new CountDownLatch(1);
    try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
      Future<?> write =
          threads.submit(
              () ->
                  tx.executeWithoutResult(
                      status -> {
                        ledger.record(
                            update(GLOBEX.id(), "run-1", Instant.now().minusSeconds(60), SUMMARY));
                        written.countDown();
                        await(commit);
                      }));
      assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
      Future<?> erasure =
          threads.submit(() -> tx.executeWithoutResult(status -> personalData.erase(GLOBEX.id())));
      awaitBlockedOnALock();
      assertThat(erasure.isDone()).isFalse();
      commit.countDown();
      write.get(10, TimeUnit.SECONDS);
      erasure.get(10, TimeUnit.SECONDS);
    }
    assertThat(summary("run-1")).isEqualTo(PersonalData.ERASED);
  }

  @Test
  void writesRacingErasures_neverLeaveTheNameBehind() throws Exception {
    int tries = 20;
    try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
      for (int i = 0; i < tries; i++) {
        int n = i;
        String customer = "race-" + i;
        directory.upsertCustomer(
            new Customer(
                customer,
                "Globex " + i,
                "race-" + i + "@globex.test",
                PETRA.id(),
                "Starter",
                GLOBEX.mrr(),
                200,
                "UTC",
                "en"));
        Instant started = Instant.now().minusSeconds(5);
        CyclicBarrier go = new CyclicBarrier(2);
        CompletableFuture<Void> erasure =
            CompletableFuture.runAsync(
                () -> {
                  await(go);
                  tx.executeWithoutResult(status -> personalData.erase(customer));
                },
                threads);
        CompletableFuture<Void> write =
            CompletableFuture.runAsync(
                () -> {
                  await(go);
                  for (int step = 0; step < 5; step++) {
                    ledger.record(
                        update(
                            customer,
                            "run-" + n + "-" + step,
                            started,
                            "Globex " + n + " " + NOTE));
                  }
                },
                threads);
        CompletableFuture.allOf(erasure, write).get(20, TimeUnit.SECONDS);
        assertThat(
                jdbc.sql("select summary from timeline where customer_id = :c")
                    .param("c", customer)
                    .query(String.class)
                    .list())
            .as("try " + i)
            .hasSize(5)
            .allSatisfy(s -> assertThat(s).doesNotContain("Globex").doesNotContain(NOTE));
      }
    }
  }

  @Test
  void aNoteOrTaskLandingAfterTheErasure_isWrittenErased() {
    try (ActivityHarness harness =
        new ActivityHarness(new CrmActivitiesImpl(new CrmTasks(jdbc), jdbc))) {
      CrmActivities crm = harness.stub(CrmActivities.class);
      erase(GLOBEX.id());

      crm.addNote(
          new CrmNote("at-risk-" + GLOBEX.id(), "call-completed#3", GLOBEX.id(), "csm", NOTE));
      crm.createTask(
          new CrmTask(
              "at-risk-" + GLOBEX.id(),
              "day-1-task",
              GLOBEX.id(),
              TaskAssignee.CSM,
              "Call Globex's CFO Ilse Brandt",
              NOTE,
              Instant.now().plus(Duration.ofDays(1)),
              TaskPriority.HIGH));
    }
    assertThat(jdbc.sql("select body from crm_notes").query(String.class).list())
        .containsExactly(PersonalData.ERASED);
    assertThat(jdbc.sql("select title || '|' || body from crm_tasks").query(String.class).list())
        .containsExactly(PersonalData.ERASED + "|" + PersonalData.ERASED);
  }

  @Test
  void anEmailWhoseCustomerIsErasedWhileItIsComposed_isNotSent_andItsRowHoldsNoPersonalData() {
    List<OutgoingEmail> sent = new CopyOnWriteArrayList<>();
    EmailProvider provider =
        new EmailProvider() {
          @Override
          public String name() {
            return "counting";
          }

          @Override
          public String send(OutgoingEmail email) {
            sent.add(email);
            return "msg-" + sent.size();
          }
        };
    // The step read the customer, then the erasure committed, then the step claims its email.
    CustomerDirectory erasedWhileComposing =
        new CustomerDirectory(jdbc) {
          @Override
          public Optional<Customer> findCustomer(String id) {
            Optional<Customer> read = super.findCustomer(id);
            erase(id);
            return read;
          }
        };
    EmailReceipt receipt;
    try (ActivityHarness harness =
        new ActivityHarness(
            new EmailActivitiesImpl(
                erasedWhileComposing,
                new Communications(jdbc),
                new EmailTemplates(),
                provider,
                Clock.systemUTC(),
                "Insightly",
                new CrmTasks(jdbc),
                new RunCancellations(jdbc, tx)))) {
      receipt =
          harness
              .stub(EmailActivities.class)
              .sendCustomerEmail(
                  new CustomerEmail(
                      "at-risk-" + GLOBEX.id(),
                      "day-1",
                      "at-risk",
                      "at-risk/day-1",
                      GLOBEX.id(),
                      Map.of()));
    }
    assertThat(sent).isEmpty();
    assertThat(receipt.status()).isEqualTo(EmailStatus.SKIPPED_SUPPRESSED);
    assertThat(receipt.subject()).isEqualTo(PersonalData.ERASED);
    assertThat(
            jdbc.sql(
                    "select concat_ws('|', subject, to_address, body_text, status) from"
                        + " communications")
                .query(String.class)
                .single())
        .doesNotContain("Globex")
        .doesNotContain(GLOBEX.email())
        .endsWith(Communications.SKIPPED_SUPPRESSED);
  }

  private static Instant erase(String customerId) {
    return tx.execute(status -> personalData.erase(customerId).orElseThrow().erasedAt());
  }

  private static LedgerUpdate update(
      String customerId, String runId, Instant startedAt, String summary) {
    return new LedgerUpdate(
        new RunSnapshot(
            "at-risk-" + customerId,
            runId,
            "at-risk",
            customerId,
            PETRA.id(),
            "RUNNING",
            "OUTREACH",
            null,
            null,
            null,
            startedAt,
            null,
            null,
            null),
        new TimelineEntry("day-1-email#1", Instant.now(), "EMAIL", summary));
  }

  private static String summary(String runId) {
    return jdbc.sql("select summary from timeline where run_id = :r")
        .param("r", runId)
        .query(String.class)
        .single();
  }

  /**
   * Until a transaction on this class's database waits for a lock another holds: the second side of
   * a forced race is blocked, not merely slow (10 s at most).
   */
  private static void awaitBlockedOnALock() throws InterruptedException {
    Instant until = Instant.now().plusSeconds(10);
    while (jdbc.sql(
                "select count(*) from pg_stat_activity"
                    + " where datname = current_database() and wait_event_type = 'Lock'")
            .query(Integer.class)
            .single()
        == 0) {
      assertThat(Instant.now()).as("a transaction waits for the other's lock").isBefore(until);
      Thread.sleep(10);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
