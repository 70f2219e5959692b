package dev.retention.activities.sendingrules;

import static dev.retention.activities.testing.Fixtures.GLOBEX;
import static dev.retention.activities.testing.Fixtures.PETRA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.retention.activities.ledger.LedgerActivitiesImpl;
import dev.retention.activities.testing.ActivityHarness;
import dev.retention.activities.testing.Fixtures;
import dev.retention.activities.testing.PostgresExtension;
import dev.retention.data.crm.TaskQueue;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.ledger.RunCancellations;
import dev.retention.data.ledger.RunRecords;
import dev.retention.data.ledger.Timeline;
import dev.retention.workflows.ports.FailureType;
import dev.retention.workflows.ports.LedgerUpdate;
import dev.retention.workflows.ports.RunSnapshot;
import dev.retention.workflows.ports.SendSlot;
import dev.retention.workflows.ports.SendSlotRequest;
import dev.retention.workflows.ports.SendingRulesActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The sending rules against a real PostgreSQL: the first moment inside the customer's business
 * hours (09:00–17:00 Monday to Friday by default, in the customer's own timezone), and one reserved
 * slot per customer per local day, idempotent per run + step. March 2026: Amsterdam is UTC+1 all
 * month here (DST starts on the 29th), New York is UTC-4 from Sunday the 8th.
 */
@ExtendWith(PostgresExtension.class)
class SendingRulesActivitiesTest {

  static final ZoneId AMSTERDAM = ZoneId.of("Europe/Amsterdam");
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  /** A customer in Amsterdam; Globex (a fixture) is in New York. */
  static final Customer INITECH =
      new Customer(
          "c-21",
          "Initech",
          "ops@initech.test",
          PETRA.id(),
          "Growth",
          new BigDecimal("299.00"),
          500,
          "Europe/Amsterdam",
          "nl");

  private static final String RUN_ID = "3c9d0a4e-3333-4c1e-9a53-000000000003";

  private static JdbcClient jdbc;
  private static CustomerDirectory directory;
  private static RunCancellations cancellations;
  private static DataSource dataSource;

  private ActivityHarness harness;
  private SendingRulesActivities rules;

  @BeforeAll
  static void wire(DataSource dataSource) {
    jdbc = JdbcClient.create(dataSource);
    directory = new CustomerDirectory(jdbc);
    cancellations = Fixtures.cancellations(dataSource);
    SendingRulesActivitiesTest.dataSource = dataSource;
  }

  @BeforeEach
  void setUp() {
    Fixtures.petraWithCustomers(directory);
    directory.upsertCustomer(INITECH);
    useRules(SendingRules.defaults());
  }

  @AfterEach
  void tearDown() {
    harness.close();
  }

  // ---- business hours ---------------------------------------------------------------------------

  @Test
  void withinBusinessHours_theSlotIsNow_withNothingToWaitFor() {
    Instant monday11 = amsterdam("2026-03-09T11:00");

    SendSlot slot = reserve("at-risk-c-21", "day-1-email", INITECH, monday11);

    assertThat(slot).isEqualTo(new SendSlot(monday11, null));
    assertThat(reservedDays(INITECH)).containsExactly(LocalDate.parse("2026-03-09"));
  }

  @Test
  void before0900_waitsForTheOpeningThatDay() {
    SendSlot slot = reserve("at-risk-c-21", "day-1-email", INITECH, amsterdam("2026-03-09T08:00"));

    assertThat(slot.at()).isEqualTo(amsterdam("2026-03-09T09:00"));
    assertThat(slot.waitingFor())
        .contains("business hours")
        .contains("09:00-17:00")
        .contains("Europe/Amsterdam");
  }

  @Test
  void theLastMinuteBefore1700_isStillNow_butAt1700ItIsTheNextBusinessDay() {
    Instant beforeClose = amsterdam("2026-03-09T16:59:59");
    assertThat(reserve("at-risk-c-21", "day-1-email", INITECH, beforeClose))
        .isEqualTo(new SendSlot(beforeClose, null));

    SendSlot atClose =
        reserve("expansion-c-7", "day-1-usage-email", GLOBEX, newYork("2026-03-09T17:00"));
    assertThat(atClose.at()).isEqualTo(newYork("2026-03-10T09:00"));
    assertThat(atClose.waitingFor()).contains("business hours");
  }

  @Test
  void fridayEvening_waitsForMonday0900() {
    SendSlot slot = reserve("at-risk-c-21", "day-1-email", INITECH, amsterdam("2026-03-13T18:00"));

    assertThat(slot.at()).isEqualTo(amsterdam("2026-03-16T09:00"));
    assertThat(slot.at().atZone(AMSTERDAM).getDayOfWeek()).isEqualTo(DayOfWeek.MONDAY);
    assertThat(slot.waitingFor()).contains("business hours");
  }

  @Test
  void onSaturday_waitsForMonday0900() {
    SendSlot slot = reserve("at-risk-c-21", "day-1-email", INITECH, amsterdam("2026-03-07T10:00"));

    assertThat(slot.at()).isEqualTo(amsterdam("2026-03-09T09:00"));
    assertThat(slot.waitingFor()).contains("business hours");
    // The day reserved is the day it goes out, in the customer's calendar.
    assertThat(reservedDays(INITECH)).containsExactly(LocalDate.parse("2026-03-09"));
  }

  @Test
  void theCustomersTimezoneDecides_sameInstant_amsterdamAndNewYork() {
    // Monday 12:00 UTC: 13:00 in Amsterdam (open), 08:00 in New York (not yet).
    Instant noonUtc = Instant.parse("2026-03-09T12:00:00Z");
    assertThat(reserve("at-risk-c-21", "day-1-email", INITECH, noonUtc))
        .isEqualTo(new SendSlot(noonUtc, null));
    SendSlot newYork = reserve("at-risk-c-7", "day-1-email", GLOBEX, noonUtc);
    assertThat(newYork.at()).isEqualTo(newYork("2026-03-09T09:00"));
    assertThat(newYork.at()).isEqualTo(Instant.parse("2026-03-09T13:00:00Z"));
    assertThat(newYork.waitingFor()).contains("America/New_York");

    // Tuesday 17:30 UTC: 18:30 in Amsterdam (closed), 13:30 in New York (open).
    Instant evening = Instant.parse("2026-03-10T17:30:00Z");
    SendSlot amsterdam = reserve("expansion-c-21", "day-1-usage-email", INITECH, evening);
    assertThat(amsterdam.at()).isEqualTo(amsterdam("2026-03-11T09:00"));
    assertThat(reserve("expansion-c-7", "day-1-usage-email", GLOBEX, evening))
        .isEqualTo(new SendSlot(evening, null));
  }

  // ---- the daily cap ----------------------------------------------------------------------------

  @Test
  void aSecondEmailTheSameLocalDay_waitsForTheNextBusinessDay_forTheDailyCap() {
    Instant monday10 = amsterdam("2026-03-09T10:00");
    assertThat(reserve("at-risk-c-21", "day-1-email", INITECH, monday10))
        .isEqualTo(new SendSlot(monday10, null));

    SendSlot second =
        reserve("expansion-c-21", "day-1-usage-email", INITECH, amsterdam("2026-03-09T14:00"));

    assertThat(second.at()).isEqualTo(amsterdam("2026-03-10T09:00"));
    assertThat(second.waitingFor()).contains("daily email cap");
    // A third that day goes to Wednesday: Tuesday is taken now too.
    SendSlot third =
        reserve("onboarding-c-21", "day-0-welcome-email", INITECH, amsterdam("2026-03-09T15:00"));
    assertThat(third.at()).isEqualTo(amsterdam("2026-03-11T09:00"));
    assertThat(third.waitingFor()).contains("daily email cap");
    assertThat(reservedDays(INITECH))
        .containsExactly(
            LocalDate.parse("2026-03-09"),
            LocalDate.parse("2026-03-10"),
            LocalDate.parse("2026-03-11"));
  }

  @Test
  void theCapOnAFriday_waitsOverTheWeekendForMonday() {
    reserve("at-risk-c-21", "day-1-email", INITECH, amsterdam("2026-03-13T09:30"));

    SendSlot second =
        reserve("expansion-c-21", "day-1-usage-email", INITECH, amsterdam("2026-03-13T11:00"));

    assertThat(second.at()).isEqualTo(amsterdam("2026-03-16T09:00"));
    assertThat(second.waitingFor()).contains("daily email cap");
  }

  @Test
  void theCapIsPerCustomer_anotherCustomerTheSameDayIsUnaffected() {
    Instant monday10 = amsterdam("2026-03-09T10:00");
    reserve("at-risk-c-21", "day-1-email", INITECH, monday10);
    reserve("at-risk-c-42", "day-1-email", Fixtures.ACME, monday10);

    Instant monday14 = Instant.parse("2026-03-09T14:00:00Z"); // 10:00 in New York
    assertThat(reserve("at-risk-c-7", "day-1-email", GLOBEX, monday14))
        .isEqualTo(new SendSlot(monday14, null));
    assertThat(reservedDays(GLOBEX)).containsExactly(LocalDate.parse("2026-03-09"));
  }

  @Test
  void theSameRunAndStepAskingAgain_getsTheSameSlot_andOneRow() {
    harness.runIds().pin(RUN_ID);
    Instant saturday = amsterdam("2026-03-07T10:00");
    SendSlotRequest request =
        new SendSlotRequest("at-risk-c-21", "day-1-email", INITECH.id(), saturday, true);

    SendSlot first = rules.reserveSendSlot(request);
    SendSlot retry = rules.reserveSendSlot(request);

    assertThat(retry).isEqualTo(first);
    assertThat(first.at()).isEqualTo(amsterdam("2026-03-09T09:00"));
    assertThat(
            jdbc.sql("select count(*) from email_slots where run_id = :r and step = 'day-1-email'")
                .param("r", RUN_ID)
                .query(Integer.class)
                .single())
        .isEqualTo(1);
    assertThat(reservedDays(INITECH)).containsExactly(LocalDate.parse("2026-03-09"));
  }

  @Test
  void aRetryOfACappedReservation_getsTheSameSlotAndTheSameReason() {
    reserve("at-risk-c-21", "day-1-email", INITECH, amsterdam("2026-03-09T10:00"));
    harness.runIds().pin(RUN_ID);
    SendSlotRequest request =
        new SendSlotRequest(
            "expansion-c-21",
            "day-1-usage-email",
            INITECH.id(),
            amsterdam("2026-03-09T14:00"),
            true);

    SendSlot first = rules.reserveSendSlot(request);
    SendSlot retry = rules.reserveSendSlot(request);

    assertThat(first.at()).isEqualTo(amsterdam("2026-03-10T09:00"));
    assertThat(first.waitingFor()).contains("daily email cap");
    assertThat(retry).isEqualTo(first);
    assertThat(reservedDays(INITECH))
        .containsExactly(LocalDate.parse("2026-03-09"), LocalDate.parse("2026-03-10"));
  }

  @Test
  void twoRunsAskingAtOnce_getDifferentDays() throws Exception {
    Instant monday10 = amsterdam("2026-03-09T10:00");
    CountDownLatch go = new CountDownLatch(1);
    CompletableFuture<SendSlot> a =
        CompletableFuture.supplyAsync(
            () -> {
              await(go);
              return reserve("at-risk-c-21", "day-1-email", INITECH, monday10);
            });
    CompletableFuture<SendSlot> b =
        CompletableFuture.supplyAsync(
            () -> {
              await(go);
              return reserve("expansion-c-21", "day-1-usage-email", INITECH, monday10);
            });
    go.countDown();

    List<Instant> slots =
        List.of(a.get(20, TimeUnit.SECONDS).at(), b.get(20, TimeUnit.SECONDS).at());

    assertThat(slots).containsExactlyInAnyOrder(monday10, amsterdam("2026-03-10T09:00"));
    assertThat(reservedDays(INITECH))
        .containsExactly(LocalDate.parse("2026-03-09"), LocalDate.parse("2026-03-10"));
  }

  @Test
  void withoutTheDailyCap_nothingIsReserved_butBusinessHoursStillHold() {
    Instant monday10 = amsterdam("2026-03-09T10:00");
    assertThat(
            rules.reserveSendSlot(request("at-risk-c-21", "day-1-email", INITECH, monday10, false)))
        .isEqualTo(new SendSlot(monday10, null));
    assertThat(reservedDays(INITECH)).isEmpty();

    // A capped email the same day still gets it.
    assertThat(reserve("expansion-c-21", "day-1-usage-email", INITECH, monday10))
        .isEqualTo(new SendSlot(monday10, null));

    SendSlot saturday =
        rules.reserveSendSlot(
            request(
                "nps-follow-up-c-21",
                "thank-you-email",
                INITECH,
                amsterdam("2026-03-14T10:00"),
                false));
    assertThat(saturday.at()).isEqualTo(amsterdam("2026-03-16T09:00"));
    assertThat(saturday.waitingFor()).contains("business hours");
    assertThat(reservedDays(INITECH)).containsExactly(LocalDate.parse("2026-03-09"));
  }

  // ---- a stopped run ----------------------------------------------------------------------------

  @Test
  void aRunStoppedWhileItsEmailWaitsForItsWindow_givesTheDayBack_toTheCustomersNextEmail() {
    // Saturday: the at-risk run's day-1 email waits for Monday 09:00, the day reserved for it.
    harness.runIds().pin(RUN_ID);
    SendSlot held = reserve("at-risk-c-21", "day-1-email", INITECH, amsterdam("2026-03-07T10:00"));
    assertThat(held.at()).isEqualTo(amsterdam("2026-03-09T09:00"));

    // DELETE /api/playbooks/at-risk-c-21 records the stop (before it answers 202).
    cancellations.record("at-risk-c-21", RUN_ID);

    assertThat(reservedDays(INITECH)).isEmpty();
    harness.runIds().unpin();
    Instant monday10 = amsterdam("2026-03-09T10:00");
    assertThat(reserve("expansion-c-21", "day-1-usage-email", INITECH, monday10))
        .isEqualTo(new SendSlot(monday10, null));
  }

  @Test
  void aRunClosingCancelled_givesTheDayBackToo_howeverItWasStopped() {
    harness.runIds().pin(RUN_ID);
    reserve("at-risk-c-21", "day-1-email", INITECH, amsterdam("2026-03-07T10:00"));

    // Stopped from the Temporal UI: nothing recorded the stop until the run's closing write.
    new LedgerActivitiesImpl(
            new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
            new RunRecords(jdbc),
            new Timeline(jdbc),
            new TaskQueue(jdbc, Clock.systemUTC()),
            cancellations)
        .record(
            new LedgerUpdate(
                new RunSnapshot(
                    "at-risk-c-21",
                    RUN_ID,
                    "at-risk",
                    INITECH.id(),
                    PETRA.id(),
                    "CANCELLED",
                    "CLOSED",
                    "CANCELLED",
                    null,
                    null,
                    amsterdam("2026-03-07T10:00"),
                    amsterdam("2026-03-07T11:00"),
                    null,
                    null),
                null));

    assertThat(reservedDays(INITECH)).isEmpty();
  }

  @Test
  void aStoppedRunKeepsTheDayOfAnEmailThatWentOut() {
    harness.runIds().pin(RUN_ID);
    reserve("at-risk-c-21", "day-1-email", INITECH, amsterdam("2026-03-09T10:00"));
    reserve("at-risk-c-21", "day-3-email", INITECH, amsterdam("2026-03-11T10:00"));
    jdbc.sql(
            """
            insert into communications (workflow_id, run_id, step, customer_id, template, subject,
              to_address, from_name, from_address, reply_to, body_text, status, provider)
            values ('at-risk-c-21', :r, 'day-1-email', :c, 'at-risk/day-1', 's', 'to', 'n', 'f',
              'r', 'b', 'SENT', 'log')
            """)
        .param("r", RUN_ID)
        .param("c", INITECH.id())
        .update();

    cancellations.record("at-risk-c-21", RUN_ID);

    // Monday had its email; Wednesday's never went out and is free again.
    assertThat(reservedDays(INITECH)).containsExactly(LocalDate.parse("2026-03-09"));
  }

  @Test
  void aStoppedRunReservesNothing_itsEmailWillNotGoOut() {
    harness.runIds().pin(RUN_ID);
    cancellations.record("at-risk-c-21", RUN_ID);

    SendSlot slot = reserve("at-risk-c-21", "day-1-email", INITECH, amsterdam("2026-03-07T10:00"));

    assertThat(slot.at()).isEqualTo(amsterdam("2026-03-09T09:00"));
    assertThat(reservedDays(INITECH)).isEmpty();
  }

  // ---- configuration ----------------------------------------------------------------------------

  @Test
  void customHours_0800To1200OnSaturdaysOnly() {
    useRules(
        new SendingRules(
            null, LocalTime.of(8, 0), LocalTime.of(12, 0), Set.of(DayOfWeek.SATURDAY)));

    // Saturday 07:00 → 08:00 the same morning.
    SendSlot early = reserve("at-risk-c-21", "day-1-email", INITECH, amsterdam("2026-03-07T07:00"));
    assertThat(early.at()).isEqualTo(amsterdam("2026-03-07T08:00"));
    assertThat(early.waitingFor())
        .contains("business hours")
        .contains("08:00-12:00")
        .contains("Saturday")
        .doesNotContain("weekdays");

    // Saturday 11:00 is open, and Monday 10:00 (closed all week) waits for Saturday 08:00.
    Instant saturday11 = amsterdam("2026-03-14T11:00");
    assertThat(reserve("at-risk-c-7", "day-1-email", GLOBEX, newYork("2026-03-14T11:00")))
        .isEqualTo(new SendSlot(newYork("2026-03-14T11:00"), null));
    assertThat(
            reserve("expansion-c-21", "day-1-usage-email", INITECH, amsterdam("2026-03-09T10:00"))
                .at())
        .isEqualTo(amsterdam("2026-03-14T08:00"));

    // 12:00 is closed: the next Saturday; and the cap moves a second one a week on, too.
    assertThat(
            reserve("expansion-c-7", "day-1-usage-email", GLOBEX, newYork("2026-03-21T12:00")).at())
        .isEqualTo(newYork("2026-03-28T08:00"));
    SendSlot capped = reserve("onboarding-c-21", "day-0-welcome-email", INITECH, saturday11);
    assertThat(capped.at()).isEqualTo(amsterdam("2026-03-21T08:00"));
    assertThat(capped.waitingFor()).contains("daily email cap");
  }

  @Test
  void theDefaultsAre0900To1700MondayToFriday() {
    SendingRules defaults = SendingRules.defaults();

    assertThat(defaults.businessStart()).isEqualTo(LocalTime.of(9, 0));
    assertThat(defaults.businessEnd()).isEqualTo(LocalTime.of(17, 0));
    assertThat(defaults.businessDays())
        .containsExactlyInAnyOrder(
            DayOfWeek.MONDAY,
            DayOfWeek.TUESDAY,
            DayOfWeek.WEDNESDAY,
            DayOfWeek.THURSDAY,
            DayOfWeek.FRIDAY);
  }

  @Test
  void anUnknownCustomerFailsForGood() {
    ActivityFailure failure =
        catchThrowableOfType(
            ActivityFailure.class,
            () ->
                rules.reserveSendSlot(
                    new SendSlotRequest(
                        "at-risk-c-404",
                        "day-1-email",
                        "c-404",
                        Instant.parse("2026-03-09T10:00:00Z"),
                        true)));

    assertThat(failure.getCause()).isInstanceOf(ApplicationFailure.class);
    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertThat(cause.getType()).isEqualTo(FailureType.UNKNOWN_CUSTOMER.name());
    assertThat(cause.isNonRetryable()).isTrue();
    assertThat(jdbc.sql("select count(*) from email_slots").query(Integer.class).single()).isZero();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private void useRules(SendingRules sendingRules) {
    if (harness != null) {
      harness.close();
    }
    harness =
        new ActivityHarness(
            new SendingRulesActivitiesImpl(directory, jdbc, sendingRules, cancellations));
    rules = harness.stub(SendingRulesActivities.class);
  }

  private SendSlot reserve(String workflowId, String step, Customer customer, Instant earliest) {
    return rules.reserveSendSlot(request(workflowId, step, customer, earliest, true));
  }

  private static SendSlotRequest request(
      String workflowId, String step, Customer customer, Instant earliest, boolean dailyCap) {
    return new SendSlotRequest(workflowId, step, customer.id(), earliest, dailyCap);
  }

  /** The local days reserved for the customer, in order. */
  private static List<LocalDate> reservedDays(Customer customer) {
    return jdbc
        .sql("select local_date from email_slots where customer_id = :c order by local_date")
        .param("c", customer.id())
        .query(Date.class)
        .list()
        .stream()
        .map(Date::toLocalDate)
        .toList();
  }

  private static Instant amsterdam(String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(AMSTERDAM).toInstant();
  }

  private static Instant newYork(String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(NEW_YORK).toInstant();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
