package dev.retention.workflows.onboarding;

import static dev.retention.workflows.PlaybookTestSupport.SLACK;
import static dev.retention.workflows.PlaybookTestSupport.assertRanAt;
import static dev.retention.workflows.PlaybookTestSupport.awaitState;
import static dev.retention.workflows.PlaybookTestSupport.awaitValue;
import static dev.retention.workflows.PlaybookTestSupport.hasStep;
import static dev.retention.workflows.PlaybookTestSupport.resultOf;
import static dev.retention.workflows.PlaybookTestSupport.started;
import static dev.retention.workflows.PlaybookTestSupport.waitingFor;
import static dev.retention.workflows.contract.Milestone.FIRST_QUERY;
import static dev.retention.workflows.contract.Milestone.INTEGRATION_CONNECTED;
import static dev.retention.workflows.contract.Milestone.PAYMENT_METHOD_ADDED;
import static dev.retention.workflows.contract.Milestone.THREE_QUESTIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.retention.workflows.PlaybookTestBase;
import dev.retention.workflows.PlaybookTestExtension;
import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.RecordingActivities.Call;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.Milestone;
import dev.retention.workflows.contract.MilestoneReached;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.PlaybookState;
import dev.retention.workflows.contract.PlaybookWorkflow;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.RunSearchAttributes;
import dev.retention.workflows.contract.StepRecord;
import dev.retention.workflows.contract.StepResult;
import dev.retention.workflows.contract.Supersede;
import dev.retention.workflows.frame.PlaybookRun;
import dev.retention.workflows.ports.CrmTask;
import dev.retention.workflows.ports.CustomerEmail;
import dev.retention.workflows.ports.RunSnapshot;
import dev.retention.workflows.ports.TaskAssignee;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The onboarding playbook on the time-skipping test server at one day per day: welcome, help where
 * a milestone is missing, conversion by engagement, trial end on day 14, close on day 30, and
 * milestone celebrations and stall detection all along.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OnboardingPlaybookTest extends PlaybookTestBase {

  static final String CUSTOMER = "c-9";
  static final String CSM = "csm-1";
  static final String WORKFLOW_ID = Playbook.ONBOARDING.workflowId(CUSTOMER);

  @RegisterExtension
  static final PlaybookTestExtension temporal =
      PlaybookTestSupport.extension(OnboardingPlaybookImpl.class);

  // ---- no milestone at all ----------------------------------------------------------------------

  @Test
  void noMilestones_helpsOnDays2And3_stalls_lowConversion_reminderDay13_trialExpiresDay14() {
    PlaybookWorkflow run = start();

    PlaybookState day0 = awaitState(run, waitingFor("day-2-setup-help"));
    Instant start = day0.startedAt();
    assertThat(day0.stage()).isEqualTo("ONBOARDING");
    assertThat(day0.facts())
        .containsEntry("trialEndsAt", start.plus(Duration.ofDays(14)).toString());
    assertThat(day0.allowedOutcomes()).containsExactly(OutcomeType.CUSTOMER_RESPONDED);

    testEnv.sleep(Duration.ofDays(4)); // day 4: stalled since day 3
    PlaybookState day4 = awaitState(run, waitingFor("day-6-conversion-email"));
    assertThat(day4.stage()).isEqualTo("STALLED");
    assertThat(day4.facts()).containsEntry("stalled", "true");
    assertThat(
            WorkflowStub.fromTyped(run)
                .describe()
                .getTypedSearchAttributes()
                .get(RunSearchAttributes.STAGE))
        .isEqualTo("STALLED");

    PlaybookResult result = resultOf(run);

    assertThat(result.outcome()).isEqualTo(RunOutcome.TRIAL_EXPIRED);
    assertThat(result.stage()).isEqualTo(PlaybookRun.CLOSED);
    assertThat(activities.emailTemplates())
        .containsExactly(
            "onboarding/welcome",
            "onboarding/setup-help",
            "onboarding/onboarding-call",
            "onboarding/conversion-low",
            "onboarding/trial-ending");
    List<Call<CustomerEmail>> emails = activities.emails();
    assertRanAt(emails.get(0).at(), start, Duration.ZERO);
    assertRanAt(emails.get(1).at(), start, Duration.ofDays(1));
    assertRanAt(emails.get(2).at(), start, Duration.ofDays(3));
    assertRanAt(emails.get(3).at(), start, Duration.ofDays(6));
    assertRanAt(emails.get(4).at(), start, Duration.ofDays(13));

    assertThat(activities.taskSteps())
        .containsExactly("day-3-setup-assistance-task", "stalled-task-1", "trial-expired-task");
    List<Call<CrmTask>> tasks = activities.tasks();
    assertRanAt(tasks.get(0).at(), start, Duration.ofDays(3));
    assertThat(tasks.get(0).request().title()).containsIgnoringCase("setup assistance");
    assertRanAt(tasks.get(1).at(), start, Duration.ofDays(3));
    assertRanAt(tasks.get(2).at(), start, Duration.ofDays(14));
    assertThat(tasks)
        .allSatisfy(t -> assertThat(t.request().assignee()).isEqualTo(TaskAssignee.CSM));

    assertThat(result.steps())
        .extracting(StepRecord::step, StepRecord::result)
        .containsExactly(
            tuple("day-0-welcome-email", StepResult.SENT),
            tuple("day-2-setup-help", StepResult.SENT),
            tuple("day-3-onboarding-call", StepResult.SENT),
            tuple("day-3-setup-assistance-task", StepResult.TASK_CREATED),
            tuple("stalled-task-1", StepResult.TASK_CREATED),
            tuple("day-6-conversion-email", StepResult.SENT),
            tuple("day-13-trial-ending", StepResult.SENT),
            tuple("day-14-trial-end", StepResult.RECORDED),
            tuple("trial-expired-task", StepResult.TASK_CREATED));
    assertThat(run.state().facts()).containsEntry("engagement", "LOW");
    RunSnapshot last = activities.lastSnapshot();
    assertThat(last.status()).isEqualTo("COMPLETED");
    assertThat(last.outcome()).isEqualTo("TRIAL_EXPIRED");
    assertThat(last.firstValueAt()).isNull();
    assertRanAt(last.closedAt(), start, Duration.ofDays(14));
  }

  // ---- milestones -------------------------------------------------------------------------------

  @Test
  void earlyIntegrationAndFirstQuery_skipHelpAndCallOffer_andRecordTimeToFirstValue() {
    PlaybookWorkflow run = start();

    testEnv.sleep(Duration.ofHours(2));
    run.milestone(new MilestoneReached(INTEGRATION_CONNECTED));
    testEnv.sleep(Duration.ofHours(3)); // 5 hours after sign-up
    run.milestone(new MilestoneReached(FIRST_QUERY));

    PlaybookState firstValue = awaitState(run, hasStep("milestone-first-query"));
    Instant start = firstValue.startedAt();
    Duration timeToFirstValue = Duration.parse(firstValue.facts().get("timeToFirstValue"));
    assertThat(timeToFirstValue).isBetween(Duration.ofHours(5), Duration.ofHours(5).plus(SLACK));
    // The ledger write carrying it lands a moment after the step shows in the state.
    Instant firstValueAt = awaitValue(() -> activities.lastSnapshot().firstValueAt());
    assertRanAt(firstValueAt, start, Duration.ofHours(5));
    assertThat(firstValueAt).isEqualTo(start.plus(timeToFirstValue));

    testEnv.sleep(Duration.ofDays(4)); // day 4: past the day-2 and day-3 steps
    awaitState(run, waitingFor("day-6-conversion-email"));
    assertThat(activities.emailTemplates())
        .containsExactly("onboarding/welcome", "onboarding/milestone", "onboarding/milestone");
    assertThat(activities.taskSteps()).doesNotContain("day-3-setup-assistance-task");
    // Every later ledger write still carries the time of first value.
    assertThat(activities.lastSnapshot().firstValueAt()).isEqualTo(firstValueAt);
  }

  @Test
  void eachMilestone_earnsOneCelebrationEmail_duplicatesIgnored() {
    PlaybookWorkflow run = start();

    testEnv.sleep(Duration.ofHours(6));
    run.milestone(new MilestoneReached(INTEGRATION_CONNECTED));
    run.milestone(new MilestoneReached(INTEGRATION_CONNECTED));
    testEnv.sleep(Duration.ofHours(6));
    run.milestone(new MilestoneReached(FIRST_QUERY));
    run.milestone(new MilestoneReached(INTEGRATION_CONNECTED));
    run.milestone(new MilestoneReached(FIRST_QUERY));
    testEnv.sleep(Duration.ofHours(1));

    PlaybookState state = awaitState(run, hasStep("milestone-first-query"));
    assertThat(state.facts()).containsEntry("milestones", "[INTEGRATION_CONNECTED, FIRST_QUERY]");
    List<Call<CustomerEmail>> celebrations =
        activities.emails().stream()
            .filter(e -> e.request().template().equals("onboarding/milestone"))
            .toList();
    assertThat(celebrations)
        .extracting(e -> e.request().step())
        .containsExactly("milestone-integration-connected", "milestone-first-query");
    assertThat(celebrations)
        .extracting(e -> e.request().variables().get("milestone"))
        .containsExactly(INTEGRATION_CONNECTED.name(), FIRST_QUERY.name());
    assertThat(state.steps())
        .filteredOn(s -> s.step().startsWith("milestone-"))
        .extracting(StepRecord::result)
        .containsOnly(StepResult.SENT)
        .hasSize(2);
  }

  @ParameterizedTest(name = "milestones by day 6: [{0}] -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "                                                      | low",
        "INTEGRATION_CONNECTED                                 | medium",
        "INTEGRATION_CONNECTED FIRST_QUERY                     | medium",
        "THREE_QUESTIONS                                       | high",
        "INTEGRATION_CONNECTED FIRST_QUERY PAYMENT_METHOD_ADDED | high",
      })
  void conversionEmailOnDay6_followsEngagement(String milestones, String engagement) {
    PlaybookWorkflow run = start();

    testEnv.sleep(Duration.ofHours(1));
    for (Milestone m : parse(milestones)) {
      run.milestone(new MilestoneReached(m));
    }
    testEnv.sleep(Duration.ofDays(6)); // day 6, one hour in

    PlaybookState day6 = awaitState(run, hasStep("day-6-conversion-email"));
    Instant start = day6.startedAt();
    assertThat(day6.facts()).containsEntry("engagement", engagement.toUpperCase(Locale.ROOT));
    Call<CustomerEmail> conversion =
        activities.emails().stream()
            .filter(e -> e.request().step().equals("day-6-conversion-email"))
            .findFirst()
            .orElseThrow();
    assertThat(conversion.request().template()).isEqualTo("onboarding/conversion-" + engagement);
    assertRanAt(conversion.at(), start, Duration.ofDays(6));
    assertThat(activities.emailTemplates())
        .filteredOn(t -> t.startsWith("onboarding/conversion-"))
        .hasSize(1);
  }

  // ---- trial end and close ----------------------------------------------------------------------

  @Test
  void allMilestonesAndPaid_noReminder_successOnDay14_completedOnDay30() {
    PlaybookWorkflow run = start();

    testEnv.sleep(Duration.ofHours(12));
    for (Milestone m : Milestone.values()) {
      run.milestone(new MilestoneReached(m));
    }

    testEnv.sleep(Duration.ofDays(14)); // day 14, 12 hours in
    PlaybookState day14 = awaitState(run, waitingFor("day-30-close"));
    Instant start = day14.startedAt();
    assertThat(day14.stage()).isEqualTo("SUCCESS");
    assertThat(day14.nextStep().at()).isEqualTo(start.plus(Duration.ofDays(30)));

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.COMPLETED);
    assertThat(run.state().outcomeReason()).isEqualTo("every milestone reached");
    assertThat(activities.emailTemplates())
        .containsExactly(
            "onboarding/welcome",
            "onboarding/milestone",
            "onboarding/milestone",
            "onboarding/milestone",
            "onboarding/milestone",
            "onboarding/milestone",
            "onboarding/conversion-high");
    assertThat(activities.tasks()).isEmpty();
    StepRecord trialEnd = PlaybookTestSupport.step(result, "day-14-trial-end").orElseThrow();
    assertThat(trialEnd.detail()).isEqualTo("converted to paid");
    assertRanAt(trialEnd.ranAt(), start, Duration.ofDays(14));
    StepRecord close = result.steps().getLast();
    assertThat(close.step()).isEqualTo("day-30-close");
    assertRanAt(close.ranAt(), start, Duration.ofDays(30));
    assertThat(activities.lastSnapshot().outcome()).isEqualTo("COMPLETED");
  }

  @Test
  void paidWithMilestonesMissing_successOnDay14_incompleteOnDay30() {
    PlaybookWorkflow run = start();

    testEnv.sleep(Duration.ofDays(10));
    run.milestone(new MilestoneReached(PAYMENT_METHOD_ADDED));
    awaitState(run, hasStep("milestone-payment-method-added"));

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.INCOMPLETE);
    assertThat(run.state().outcomeReason())
        .contains("INTEGRATION_CONNECTED", "FIRST_QUERY", "THREE_QUESTIONS")
        .contains("KEY_WORKFLOW_ESTABLISHED")
        .doesNotContain("PAYMENT_METHOD_ADDED");
    Instant start = run.state().startedAt();
    assertThat(activities.emailTemplates())
        .doesNotContain("onboarding/trial-ending")
        .contains("onboarding/setup-help", "onboarding/onboarding-call");
    assertThat(PlaybookTestSupport.step(result, "day-14-trial-end").orElseThrow().detail())
        .isEqualTo("converted to paid");
    assertThat(activities.taskSteps()).doesNotContain("trial-expired-task");
    assertRanAt(result.steps().getLast().ranAt(), start, Duration.ofDays(30));
  }

  // ---- stalls -----------------------------------------------------------------------------------

  @Test
  void noMilestoneFor3Days_stallsWithCsmTask_aMilestoneResumesOnboarding() {
    PlaybookWorkflow run = start();

    testEnv.sleep(Duration.ofHours(12));
    run.milestone(new MilestoneReached(INTEGRATION_CONNECTED));
    testEnv.sleep(Duration.ofHours(36)); // day 2
    run.milestone(new MilestoneReached(FIRST_QUERY));
    PlaybookState moving = awaitState(run, hasStep("milestone-first-query"));
    Instant start = moving.startedAt();
    Instant lastProgress = start.plus(Duration.parse(moving.facts().get("timeToFirstValue")));

    testEnv.sleep(Duration.ofDays(3).plusHours(1)); // 3 days and an hour without progress
    PlaybookState stalled = awaitState(run, s -> "STALLED".equals(s.stage()));
    assertThat(stalled.facts()).containsEntry("stalled", "true");
    assertThat(activities.taskSteps()).containsExactly("stalled-task-1");
    Call<CrmTask> task = activities.tasks().getFirst();
    assertThat(task.at())
        .isBetween(
            lastProgress.plus(Duration.ofDays(3)),
            lastProgress.plus(Duration.ofDays(3)).plus(SLACK));
    assertThat(task.request().assignee()).isEqualTo(TaskAssignee.CSM);
    assertThat(task.request().title()).containsIgnoringCase("stalled");

    run.milestone(new MilestoneReached(THREE_QUESTIONS));
    PlaybookState resumed = awaitState(run, s -> "ONBOARDING".equals(s.stage()));
    assertThat(resumed.facts()).containsEntry("stalled", "false");

    // Stalled again after three more quiet days: a second task.
    testEnv.sleep(Duration.ofDays(3).plusHours(1));
    awaitState(run, s -> "STALLED".equals(s.stage()));
    assertThat(activities.taskSteps()).containsExactly("stalled-task-1", "stalled-task-2");
    assertThat(activities.emailTemplates())
        .doesNotContain("onboarding/setup-help", "onboarding/onboarding-call")
        .contains("onboarding/conversion-high");
  }

  // ---- the customer answers, or another playbook takes over -------------------------------------

  @Test
  void customerResponds_csmTask_andNoMoreAutomatedEmails() {
    PlaybookWorkflow run = start();
    awaitState(run, waitingFor("day-2-setup-help"));

    PlaybookState after =
        run.recordOutcome(new CsmOutcome(OutcomeType.CUSTOMER_RESPONDED, "asked about SSO", CSM));
    assertThat(after.customerResponded()).isTrue();
    assertThat(after.allowedOutcomes()).isEmpty();
    awaitState(run, hasStep("customer-responded-task"));
    assertThat(activities.taskSteps()).containsExactly("customer-responded-task");

    testEnv.sleep(Duration.ofDays(2)); // day 2
    PlaybookState day2 = awaitState(run, hasStep("day-2-setup-help"));
    assertThat(day2.steps())
        .filteredOn(s -> s.step().equals("day-2-setup-help"))
        .extracting(StepRecord::result)
        .containsExactly(StepResult.SKIPPED_CUSTOMER_RESPONDED);
    assertThat(activities.emailTemplates()).containsExactly("onboarding/welcome");
  }

  @Test
  void supersede_endsSuperseded() {
    PlaybookWorkflow run = start();

    testEnv.sleep(Duration.ofDays(5));
    run.supersede(new Supersede("account closed"));

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.SUPERSEDED);
    assertThat(result.stage()).isEqualTo(PlaybookRun.CLOSED);
    assertThat(activities.lastSnapshot().outcome()).isEqualTo("SUPERSEDED");
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /**
   * Whether the runs start on the engine with the shipped definition ({@link
   * OnboardingEngineTest}).
   */
  boolean onEngine() {
    return false;
  }

  private PlaybookWorkflow start() {
    WorkflowOptions options =
        PlaybookTestSupport.options(worker, Playbook.ONBOARDING, CUSTOMER, CSM);
    var input = new OnboardingInput(new PlaybookContext(CUSTOMER, CSM, Cadence.REAL_DAYS));
    if (onEngine()) {
      return started(
          client, PlaybookTestSupport.startOnEngine(client, options, input, "onboarding"));
    }
    OnboardingPlaybook run = client.newWorkflowStub(OnboardingPlaybook.class, options);
    WorkflowClient.start(run::run, input);
    return started(client, run);
  }

  private static List<Milestone> parse(String milestones) {
    if (milestones == null || milestones.isBlank()) {
      return List.of();
    }
    return Arrays.stream(milestones.trim().split("\\s+")).map(Milestone::valueOf).toList();
  }
}
