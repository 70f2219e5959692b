package dev.retention.workflows.cancellationsave;

import static dev.retention.workflows.PlaybookTestSupport.awaitSignalsHandled;
import static dev.retention.workflows.PlaybookTestSupport.awaitState;
import static dev.retention.workflows.PlaybookTestSupport.hasStep;
import static dev.retention.workflows.PlaybookTestSupport.resultOf;
import static dev.retention.workflows.PlaybookTestSupport.stepNames;
import static dev.retention.workflows.PlaybookTestSupport.waitingFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.FakeSendingRules;
import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.RecordingActivities;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.CustomerResponse;
import dev.retention.workflows.contract.HealthChange;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.RunOutcome;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Records the histories that {@link CancellationSaveReplayTest} replays, on the time-skipping test
 * server with the sending rules on as in production (this playbook is exempt from them): a run with
 * no save call that escalates, emails the offer, has it rejected, churns at the decision deadline
 * and sends the exit survey and both win-back emails; and a run the CSM saves through the validated
 * update ({@code SAVE_CALL_DONE}, {@code OFFER_PRESENTED}, {@code OFFER_ACCEPTED}).
 *
 * <p>Not part of the normal build: the committed histories must stay the ones recorded with the
 * workflow code that was live, so that replaying them catches non-deterministic changes. Re-record
 * only on purpose (for a deliberate, versioned change of the playbook), from {@code workflows/}:
 *
 * <pre>
 * ./mvnw -q -B -pl workflows test -Dtest=CancellationSaveHistoryRecorder -DrecordHistories=true
 * </pre>
 */
@EnabledIfSystemProperty(
    named = "recordHistories",
    matches = "true",
    disabledReason =
        "generator of src/test/resources/histories/cancellation-save-*.json;"
            + " run with -DrecordHistories=true to re-record on purpose")
class CancellationSaveHistoryRecorder {

  static final String CHURNING = "c-51";
  static final String SAVED = "c-52";
  static final String CSM = "csm-3";
  static final ZoneId ZONE = ZoneId.of("Europe/Amsterdam");

  /**
   * The API holds a cancellation for 3 days ({@code
   * retention.playbooks.cancellation-decision-days}).
   */
  static final Instant DEADLINE = PlaybookTestSupport.T0.plus(Duration.ofDays(3));

  @Test
  void recordChurnedWithWinBackRun() throws Exception {
    try (TestWorkflowEnvironment env = RecordedHistories.recordingEnvironment()) {
      Worker worker = startWorker(env);
      WorkflowClient client = env.getWorkflowClient();
      String workflowId = Playbook.CANCELLATION_SAVE.workflowId(CHURNING);
      CancellationSavePlaybook run =
          start(client, worker, CHURNING, CancellationReason.TOO_EXPENSIVE);
      awaitState(run, waitingFor("save-call-sla"));

      // No save call: the manager is escalated to after 2 hours, the offer emailed after 4.
      env.sleep(Duration.ofHours(5));
      awaitState(run, hasStep("offer-email"));
      run.healthChanged(new HealthChange(35, "AT_RISK"));
      awaitSignalsHandled(client, workflowId, 1);

      env.sleep(Duration.ofDays(1));
      run.recordOutcome(
          new CsmOutcome(OutcomeType.OFFER_REJECTED, "Budget cut; a discount is not enough", CSM));
      PlaybookResult result = resultOf(run); // the deadline, the survey, and win-back to day 90

      assertThat(result.outcome()).isEqualTo(RunOutcome.CHURNED);
      assertThat(stepNames(result.steps()))
          .containsExactly(
              "save-call-task",
              "csm-alert",
              "save-call-sla-escalation",
              "offer-email",
              "executive-task",
              "decision-deadline",
              "exit-survey",
              "win-back-day-30",
              "win-back-day-90");
      RecordedHistories.write(client, workflowId, CancellationSaveReplayTest.CHURNED_WIN_BACK);
    }
  }

  @Test
  void recordSavedByOfferAcceptedRun() throws Exception {
    try (TestWorkflowEnvironment env = RecordedHistories.recordingEnvironment()) {
      Worker worker = startWorker(env);
      WorkflowClient client = env.getWorkflowClient();
      String workflowId = Playbook.CANCELLATION_SAVE.workflowId(SAVED);
      CancellationSavePlaybook run = start(client, worker, SAVED, CancellationReason.NOT_USING);
      awaitState(run, waitingFor("save-call-sla"));

      env.sleep(Duration.ofHours(1));
      run.recordOutcome(
          new CsmOutcome(OutcomeType.SAVE_CALL_DONE, "They barely use it over the summer", CSM));
      env.sleep(Duration.ofMinutes(30));
      run.recordOutcome(
          new CsmOutcome(OutcomeType.OFFER_PRESENTED, "Offered a 3-month billing pause", CSM));

      env.sleep(Duration.ofHours(3));
      run.customerResponded(new CustomerResponse("email-reply"));
      awaitSignalsHandled(client, workflowId, 1);

      env.sleep(Duration.ofDays(1));
      run.recordOutcome(
          new CsmOutcome(OutcomeType.OFFER_ACCEPTED, "Pausing billing until September", CSM));
      PlaybookResult result = resultOf(run);

      assertThat(result.outcome()).isEqualTo(RunOutcome.SAVED);
      assertThat(stepNames(result.steps()))
          .containsExactly(
              "save-call-task",
              "csm-alert",
              "save-call-done",
              "offer-email",
              "customer-responded-task",
              "offer-accepted",
              "cancellation-withdrawn");
      RecordedHistories.write(client, workflowId, CancellationSaveReplayTest.SAVED_BY_OFFER);
    }
  }

  private static Worker startWorker(TestWorkflowEnvironment env) {
    Worker worker = env.newWorker(RecordedHistories.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(CancellationSavePlaybookImpl.class);
    worker.registerActivitiesImplementations(
        new RecordingActivities(), new FakeSendingRules(Map.of(CHURNING, ZONE, SAVED, ZONE)));
    env.start();
    return worker;
  }

  private static CancellationSavePlaybook start(
      WorkflowClient client, Worker worker, String customer, CancellationReason reason) {
    CancellationSavePlaybook run =
        client.newWorkflowStub(
            CancellationSavePlaybook.class,
            PlaybookTestSupport.options(worker, Playbook.CANCELLATION_SAVE, customer, CSM));
    WorkflowClient.start(
        run::run,
        new CancellationSaveInput(
            new PlaybookContext(customer, CSM, Cadence.REAL_DAYS, true), reason, DEADLINE));
    return run;
  }
}
