package dev.retention.workflows.frame;

import static dev.retention.workflows.PlaybookTestSupport.SLACK;
import static dev.retention.workflows.PlaybookTestSupport.assertRanAt;
import static dev.retention.workflows.PlaybookTestSupport.awaitState;
import static dev.retention.workflows.PlaybookTestSupport.hasStep;
import static dev.retention.workflows.PlaybookTestSupport.resultOf;
import static dev.retention.workflows.PlaybookTestSupport.step;
import static dev.retention.workflows.PlaybookTestSupport.waitingFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.retention.workflows.FakeSendingRules;
import dev.retention.workflows.PlaybookTestExtension;
import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.RecordingActivities;
import dev.retention.workflows.RecordingActivities.Call;
import dev.retention.workflows.atrisk.AtRiskInput;
import dev.retention.workflows.atrisk.AtRiskPlaybook;
import dev.retention.workflows.atrisk.AtRiskPlaybookImpl;
import dev.retention.workflows.cancellationsave.CancellationReason;
import dev.retention.workflows.cancellationsave.CancellationSaveInput;
import dev.retention.workflows.cancellationsave.CancellationSavePlaybook;
import dev.retention.workflows.cancellationsave.CancellationSavePlaybookImpl;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.CustomerResponse;
import dev.retention.workflows.contract.HealthChange;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.PlaybookState;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.StepRecord;
import dev.retention.workflows.contract.StepResult;
import dev.retention.workflows.expansion.ExpansionInput;
import dev.retention.workflows.expansion.ExpansionPlaybook;
import dev.retention.workflows.expansion.ExpansionPlaybookImpl;
import dev.retention.workflows.ports.CustomerEmail;
import dev.retention.workflows.ports.SendSlotRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sending rules (business hours in the customer's timezone, one automated email per customer
 * per day) on the time-skipping test server at one day per day, with the rules enabled in the run's
 * context as the time-skipping tests do. The sending-rules activity is an in-memory fake ({@link
 * FakeSendingRules}); its database-backed implementation is tested in the activities module.
 *
 * <p>The customer is in Amsterdam (UTC+1 in March), so 09:00 local is 08:00 UTC.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SendingRulesWorkflowTest {

  static final String CUSTOMER = "c-21";
  static final String CSM = "csm-3";
  static final ZoneId ZONE = ZoneId.of("Europe/Amsterdam");

  /** The test server's clock starts here: Saturday 10:00 in the customer's zone. */
  static final Instant SATURDAY_10 = local("2026-03-07T10:00");

  static final Instant MONDAY_09 = local("2026-03-09T09:00");
  static final Instant MONDAY_10 = local("2026-03-09T10:00");
  static final Instant TUESDAY_09 = local("2026-03-10T09:00");

  @RegisterExtension
  static final PlaybookTestExtension temporal =
      PlaybookTestExtension.of(
          PlaybookTestSupport.extensionBuilder()
              .registerWorkflowImplementationTypes(
                  AtRiskPlaybookImpl.class,
                  ExpansionPlaybookImpl.class,
                  CancellationSavePlaybookImpl.class)
              .setInitialTime(SATURDAY_10)
              .build());

  TestWorkflowEnvironment testEnv;
  WorkflowClient client;
  Worker worker;
  RecordingActivities activities;
  FakeSendingRules rules;

  @BeforeEach
  void startWorker(TestWorkflowEnvironment testEnv, Worker worker) {
    this.testEnv = testEnv;
    this.client = testEnv.getWorkflowClient();
    this.worker = worker;
    this.activities = new RecordingActivities();
    this.rules = new FakeSendingRules(Map.of(CUSTOMER, ZONE));
    worker.registerActivitiesImplementations(activities, rules);
    testEnv.start();
  }

  // ---- business hours ---------------------------------------------------------------------------

  @Test
  void startedOnSaturday_day1EmailWaitsForMonday0900InTheCustomersZone_stateSaysBusinessHours() {
    AtRiskPlaybook run = startAtRisk(true);

    PlaybookState waiting = awaitState(run, waitingFor("day-1-email"));
    Instant start = waiting.startedAt();
    assertThat(start).isBetween(SATURDAY_10, SATURDAY_10.plus(SLACK));
    assertThat(waiting.nextStep().at()).isEqualTo(MONDAY_09);
    assertThat(waiting.waitingFor()).contains("business hours").contains(ZONE.getId());
    assertThat(waiting.stage()).isEqualTo("OUTREACH");
    assertThat(waiting.steps()).isEmpty();
    assertThat(activities.emails()).isEmpty();
    assertThat(rules.requests())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.workflowId()).isEqualTo(Playbook.AT_RISK.workflowId(CUSTOMER));
              assertThat(r.step()).isEqualTo("day-1-email");
              assertThat(r.customerId()).isEqualTo(CUSTOMER);
              assertThat(r.dailyCap()).isTrue();
              assertThat(r.earliest()).isBetween(start, start.plus(SLACK));
            });

    // Sunday passes without an email; Monday 09:00 in Amsterdam it goes out.
    sleepUntil(MONDAY_09.minus(Duration.ofHours(1)));
    assertThat(activities.emails()).isEmpty();
    sleepUntil(MONDAY_09.plus(Duration.ofMinutes(30)));
    PlaybookState sent = awaitState(run, hasStep("day-1-email"));
    assertThat(String.valueOf(sent.waitingFor())).doesNotContain("business hours");
    StepRecord day1 = sent.steps().getFirst();
    assertThat(day1.result()).isEqualTo(StepResult.SENT);
    assertThat(day1.plannedAt()).isEqualTo(start);
    assertRanAt(day1.ranAt(), MONDAY_09, Duration.ZERO);
    assertThat(activities.emails()).singleElement().satisfies(e -> assertSentAt(e, MONDAY_09));

    // The rest of the run: the day-3 email was due Monday 10:00, but Monday already had its
    // email, so it goes Tuesday 09:00; the day-14 email is due on a Friday morning and goes on
    // time.
    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.CHURNING);
    List<Call<CustomerEmail>> emails = activities.emails();
    assertThat(emails)
        .extracting(e -> e.request().step())
        .containsExactly("day-1-email", "day-3-email", "day-14-email");
    assertSentAt(emails.get(0), MONDAY_09);
    assertSentAt(emails.get(1), TUESDAY_09);
    assertRanAt(emails.get(2).at(), start, Duration.ofDays(13));
    assertThat(emails.get(2).at().atZone(ZONE).getDayOfWeek()).isEqualTo(DayOfWeek.FRIDAY);
    StepRecord day3 = step(result, "day-3-email").orElseThrow();
    assertThat(day3.plannedAt()).isEqualTo(start.plus(Duration.ofDays(2)));
    assertRanAt(day3.ranAt(), TUESDAY_09, Duration.ZERO);
    assertThat(rules.requests())
        .extracting(SendSlotRequest::step)
        .containsExactly("day-1-email", "day-3-email", "day-14-email");
  }

  // ---- the daily cap ----------------------------------------------------------------------------

  @Test
  void twoPlaybooksForTheSameCustomerOnTheSameDay_theSecondEmailWaitsForTheNextBusinessDay() {
    sleepUntil(MONDAY_10);
    AtRiskPlaybook atRisk = startAtRisk(true);

    // Inside business hours with no email yet today: at once, nothing to wait for.
    PlaybookState atRiskSent = awaitState(atRisk, hasStep("day-1-email"));
    assertThat(atRiskSent.steps().getFirst().result()).isEqualTo(StepResult.SENT);
    assertThat(activities.emails()).singleElement().satisfies(e -> assertSentAt(e, MONDAY_10));

    ExpansionPlaybook expansion = startExpansion();
    PlaybookState capped = awaitState(expansion, waitingFor("day-1-usage-email"));
    assertThat(capped.nextStep().at()).isEqualTo(TUESDAY_09);
    assertThat(capped.waitingFor()).contains("daily email cap");
    assertThat(capped.steps()).isEmpty();
    assertThat(activities.emailTemplates()).containsExactly("at-risk/day-1");

    sleepUntil(TUESDAY_09.plus(Duration.ofMinutes(30)));
    PlaybookState sent = awaitState(expansion, hasStep("day-1-usage-email"));
    StepRecord usage = sent.steps().getFirst();
    assertThat(usage.result()).isEqualTo(StepResult.SENT);
    assertRanAt(usage.ranAt(), TUESDAY_09, Duration.ZERO);
    assertThat(activities.emailTemplates()).containsExactly("at-risk/day-1", "expansion/usage");
    assertSentAt(activities.emails().get(1), TUESDAY_09);
    // The at-risk run's next email is Wednesday's; nothing else went out.
    assertThat(awaitState(atRisk, waitingFor("day-3-email")).nextStep().at())
        .isEqualTo(atRiskSent.startedAt().plus(Duration.ofDays(2)));
  }

  // ---- while waiting ----------------------------------------------------------------------------

  @Test
  void replyWhileWaitingForBusinessHours_skipsTheEmail_andTheCsmTakesOver() {
    AtRiskPlaybook run = startAtRisk(true);
    awaitState(run, waitingFor("day-1-email"));

    testEnv.sleep(Duration.ofHours(20)); // Sunday morning
    run.customerResponded(new CustomerResponse("inbound-email"));

    PlaybookState handedOver =
        awaitState(run, hasStep("day-1-email").and(waitingFor("decision-deadline")));
    assertThat(handedOver.steps())
        .extracting(StepRecord::step, StepRecord::result)
        .containsExactly(
            tuple("customer-responded-task", StepResult.TASK_CREATED),
            tuple("day-1-email", StepResult.SKIPPED_CUSTOMER_RESPONDED));
    assertThat(handedOver.customerResponded()).isTrue();
    assertThat(handedOver.stage()).isEqualTo("AWAITING_DECISION");
    assertThat(handedOver.waitingFor()).doesNotContain("business hours");

    // Monday's slot comes and goes: no email.
    sleepUntil(TUESDAY_09);
    assertThat(activities.emails()).isEmpty();
    assertThat(activities.taskSteps()).containsExactly("customer-responded-task");
    assertThat(rules.requests()).extracting(SendSlotRequest::step).containsExactly("day-1-email");
    // The unsent email gives the customer's Monday back to the other playbooks.
    assertThat(rules.released()).extracting(SendSlotRequest::step).containsExactly("day-1-email");
  }

  @Test
  void runClosedWhileWaitingForBusinessHours_recordsTheEmailAsSkipped_andSendsNothing() {
    AtRiskPlaybook run = startAtRisk(true);
    awaitState(run, waitingFor("day-1-email"));

    run.healthChanged(new HealthChange(72, "neutral"));
    PlaybookResult result = resultOf(run);

    assertThat(result.outcome()).isEqualTo(RunOutcome.RECOVERED);
    assertThat(result.steps())
        .extracting(StepRecord::step, StepRecord::result)
        .containsExactly(
            tuple("health-recovered", StepResult.RECORDED),
            tuple("day-1-email", StepResult.SKIPPED_RUN_CLOSED));
    assertThat(activities.emails()).isEmpty();
    assertThat(activities.lastSnapshot().status()).isEqualTo("COMPLETED");
  }

  // ---- exempt -----------------------------------------------------------------------------------

  @Test
  void cancellationSave_isExempt_itsEmailsGoOutOnScheduleAtNight_withoutReservingASlot() {
    sleepUntil(local("2026-03-07T22:00")); // Saturday night
    Instant requested = now();
    CancellationSavePlaybook run = startCancellationSave(requested.plus(Duration.ofDays(3)));

    // The offer goes out 4 hours after the request: Sunday 02:00 in the customer's zone.
    testEnv.sleep(Duration.ofHours(5));
    PlaybookState offered = awaitState(run, hasStep("offer-email"));
    Instant start = offered.startedAt();
    assertThat(stepOf(offered, "offer-email").result()).isEqualTo(StepResult.SENT);
    assertThat(activities.emailSteps()).containsExactly("offer-email");
    Call<CustomerEmail> offer = activities.emails().getFirst();
    assertRanAt(offer.at(), start, Duration.ofHours(4));
    ZonedDateTime offerLocal = offer.at().atZone(ZONE);
    assertThat(offerLocal.getDayOfWeek()).isEqualTo(DayOfWeek.SUNDAY);
    assertThat(offerLocal.getHour()).isEqualTo(2);
    // The CSM alert went out at once, at night too.
    assertThat(activities.alerts())
        .singleElement()
        .satisfies(a -> assertRanAt(a.at(), start, Duration.ZERO));

    // Churned at the deadline: the exit survey and win-back emails keep their own schedule.
    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.CHURNED);
    List<Call<CustomerEmail>> emails = activities.emails();
    assertThat(emails)
        .extracting(e -> e.request().step())
        .containsExactly("offer-email", "exit-survey", "win-back-day-30", "win-back-day-90");
    Instant deadline = requested.plus(Duration.ofDays(3));
    assertRanAt(emails.get(1).at(), deadline, Duration.ofDays(1));
    assertRanAt(emails.get(2).at(), deadline, Duration.ofDays(30));
    assertRanAt(emails.get(3).at(), deadline, Duration.ofDays(90));
    assertThat(rules.requests()).isEmpty();
  }

  // ---- rules off --------------------------------------------------------------------------------

  @Test
  void sendingRulesOff_nothingWaits_emailsGoOutAtTheirDayOffsetsEvenOnAWeekend() {
    AtRiskPlaybook run = startAtRisk(false);

    PlaybookState first = awaitState(run, hasStep("day-1-email"));
    Instant start = first.startedAt();
    assertThat(first.steps().getFirst().result()).isEqualTo(StepResult.SENT);

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.CHURNING);
    List<Call<CustomerEmail>> emails = activities.emails();
    assertThat(emails)
        .extracting(e -> e.request().step())
        .containsExactly("day-1-email", "day-3-email", "day-14-email");
    assertRanAt(emails.get(0).at(), start, Duration.ZERO);
    assertThat(emails.get(0).at().atZone(ZONE).getDayOfWeek()).isEqualTo(DayOfWeek.SATURDAY);
    assertRanAt(emails.get(1).at(), start, Duration.ofDays(2));
    assertRanAt(emails.get(2).at(), start, Duration.ofDays(13));
    assertThat(rules.requests()).isEmpty();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private AtRiskPlaybook startAtRisk(boolean sendingRules) {
    AtRiskPlaybook run =
        client.newWorkflowStub(
            AtRiskPlaybook.class,
            PlaybookTestSupport.options(worker, Playbook.AT_RISK, CUSTOMER, CSM));
    WorkflowClient.start(
        run::run,
        new AtRiskInput(
            new PlaybookContext(CUSTOMER, CSM, Cadence.REAL_DAYS, sendingRules),
            50,
            "health sweep"));
    return run;
  }

  private ExpansionPlaybook startExpansion() {
    ExpansionPlaybook run =
        client.newWorkflowStub(
            ExpansionPlaybook.class,
            PlaybookTestSupport.options(worker, Playbook.EXPANSION, CUSTOMER, CSM));
    WorkflowClient.start(
        run::run,
        new ExpansionInput(new PlaybookContext(CUSTOMER, CSM, Cadence.REAL_DAYS, true), 86, 0.85));
    return run;
  }

  private CancellationSavePlaybook startCancellationSave(Instant deadline) {
    CancellationSavePlaybook run =
        client.newWorkflowStub(
            CancellationSavePlaybook.class,
            PlaybookTestSupport.options(worker, Playbook.CANCELLATION_SAVE, CUSTOMER, CSM));
    WorkflowClient.start(
        run::run,
        new CancellationSaveInput(
            new PlaybookContext(CUSTOMER, CSM, Cadence.REAL_DAYS, true),
            CancellationReason.TOO_EXPENSIVE,
            deadline));
    return run;
  }

  private Instant now() {
    return Instant.ofEpochMilli(testEnv.currentTimeMillis());
  }

  /** Skips the test server's clock forward to {@code at}, firing the runs' timers on the way. */
  private void sleepUntil(Instant at) {
    Duration left = Duration.between(now(), at);
    assertThat(left).as("the clock is already past " + at).isPositive();
    testEnv.sleep(left);
  }

  private static StepRecord stepOf(PlaybookState state, String name) {
    return state.steps().stream().filter(s -> s.step().equals(name)).findFirst().orElseThrow();
  }

  private static void assertSentAt(Call<CustomerEmail> email, Instant at) {
    assertRanAt(email.at(), at, Duration.ZERO);
  }

  private static Instant local(String dateTime) {
    return LocalDateTime.parse(dateTime).atZone(ZONE).toInstant();
  }
}
