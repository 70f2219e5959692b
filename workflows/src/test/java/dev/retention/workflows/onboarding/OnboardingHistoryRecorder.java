package dev.retention.workflows.onboarding;

import static dev.retention.workflows.PlaybookTestSupport.awaitSignalsHandled;
import static dev.retention.workflows.PlaybookTestSupport.awaitState;
import static dev.retention.workflows.PlaybookTestSupport.hasStep;
import static dev.retention.workflows.PlaybookTestSupport.resultOf;
import static dev.retention.workflows.PlaybookTestSupport.waitingFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.FakeSendingRules;
import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.RecordingActivities;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.Milestone;
import dev.retention.workflows.contract.MilestoneReached;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.RunOutcome;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Records the history that {@link OnboardingReplayTest} replays: a trial with the sending rules on
 * (as in production) in which the customer connects an integration and asks a first query, stalls
 * for three days, is reached by the CSM ({@code CUSTOMER_RESPONDED}, the validated update), then
 * reaches the other milestones, pays, and closes {@code COMPLETED} on day 30, on the time-skipping
 * test server.
 *
 * <p>Not part of the normal build: the committed history must stay the one recorded with the
 * workflow code that was live, so that replaying it catches non-deterministic changes. Re-record
 * only on purpose (for a deliberate, versioned change of the playbook), from {@code workflows/}:
 *
 * <pre>
 * ./mvnw -q -B -pl workflows test -Dtest=OnboardingHistoryRecorder -DrecordHistories=true
 * </pre>
 */
@EnabledIfSystemProperty(
    named = "recordHistories",
    matches = "true",
    disabledReason =
        "generator of src/test/resources/"
            + OnboardingReplayTest.STALLED_THEN_COMPLETED
            + "; run with -DrecordHistories=true to re-record on purpose")
class OnboardingHistoryRecorder {

  static final String CUSTOMER = "c-12";
  static final String CSM = "csm-3";
  static final ZoneId ZONE = ZoneId.of("Europe/Amsterdam");

  @Test
  void recordStalledThenCompletedRun() throws Exception {
    try (TestWorkflowEnvironment env = RecordedHistories.recordingEnvironment()) {
      Worker worker = env.newWorker(RecordedHistories.TASK_QUEUE);
      worker.registerWorkflowImplementationTypes(OnboardingPlaybookImpl.class);
      worker.registerActivitiesImplementations(
          new RecordingActivities(), new FakeSendingRules(Map.of(CUSTOMER, ZONE)));
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      String workflowId = Playbook.ONBOARDING.workflowId(CUSTOMER);

      OnboardingPlaybook run =
          client.newWorkflowStub(
              OnboardingPlaybook.class,
              PlaybookTestSupport.options(worker, Playbook.ONBOARDING, CUSTOMER, CSM));
      WorkflowClient.start(
          run::run,
          new OnboardingInput(new PlaybookContext(CUSTOMER, CSM, Cadence.REAL_DAYS, true)));
      awaitState(run, waitingFor("day-2-setup-help"));

      // Monday noon: the integration; its celebration waits for Tuesday (one email a day).
      env.sleep(Duration.ofHours(3));
      run.milestone(new MilestoneReached(Milestone.INTEGRATION_CONNECTED));
      awaitSignalsHandled(client, workflowId, 1);

      // Tuesday 14:00: the first query; its celebration waits for Wednesday.
      env.sleep(Duration.ofDays(1).plusHours(2));
      run.milestone(new MilestoneReached(Milestone.FIRST_QUERY));
      awaitSignalsHandled(client, workflowId, 2);

      // No milestone for 3 days: stalled on Friday, with a task for the CSM.
      env.sleep(Duration.ofDays(3).plusHours(1));
      awaitState(run, s -> "STALLED".equals(s.stage()));

      // Monday noon: the day-6 conversion email went out this morning; the CSM reached them.
      env.sleep(Duration.ofDays(2).plusHours(21));
      awaitState(run, hasStep("day-6-conversion-email"));
      run.recordOutcome(
          new CsmOutcome(
              OutcomeType.CUSTOMER_RESPONDED,
              "Stuck on permissions; call booked for Tuesday",
              CSM));

      env.sleep(Duration.ofHours(22)); // Tuesday: moving again
      run.milestone(new MilestoneReached(Milestone.THREE_QUESTIONS));
      awaitState(run, s -> "ONBOARDING".equals(s.stage()));

      env.sleep(Duration.ofDays(2)); // Thursday: paid
      run.milestone(new MilestoneReached(Milestone.PAYMENT_METHOD_ADDED));
      awaitSignalsHandled(client, workflowId, 4);

      env.sleep(Duration.ofDays(1)); // Friday: the last milestone
      run.milestone(new MilestoneReached(Milestone.KEY_WORKFLOW_ESTABLISHED));
      awaitSignalsHandled(client, workflowId, 5);

      PlaybookResult result = resultOf(run);

      assertThat(result.outcome()).isEqualTo(RunOutcome.COMPLETED);
      assertThat(PlaybookTestSupport.stepNames(result.steps()))
          .containsExactly(
              "day-0-welcome-email",
              "milestone-integration-connected",
              "milestone-first-query",
              "stalled-task-1",
              "day-6-conversion-email",
              "customer-responded-task",
              "milestone-three-questions",
              "milestone-payment-method-added",
              "milestone-key-workflow-established",
              "day-14-trial-end",
              "day-30-close");
      RecordedHistories.write(client, workflowId, OnboardingReplayTest.STALLED_THEN_COMPLETED);
    }
  }
}
