package dev.retention.workflows.atrisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.RecordingActivities;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.RunOutcome;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Records the at-risk histories of the reshaped frame that {@link AtRiskReplayTest} replays: a run
 * whose CSM outcomes are answered at once (the customer responded, then SAVED), and a run whose
 * day-1 email is given up (its row marked failed, the CSM tasked) and which is then stopped.
 *
 * <p>Not part of the normal build; re-record only on purpose, from {@code workflows/}:
 *
 * <pre>
 * ./mvnw -q -B -pl workflows test -Dtest=AtRiskReshapedHistoryRecorder -DrecordHistories=true
 * </pre>
 */
@EnabledIfSystemProperty(
    named = "recordHistories",
    matches = "true",
    disabledReason = "generator of the reshaped at-risk histories; run with -DrecordHistories=true")
class AtRiskReshapedHistoryRecorder {

  @Test
  void recordAnsweredAtOnce() throws Exception {
    try (TestWorkflowEnvironment env = RecordedHistories.recordingEnvironment()) {
      Worker worker = env.newWorker(RecordedHistories.TASK_QUEUE);
      worker.registerWorkflowImplementationTypes(AtRiskPlaybookImpl.class);
      worker.registerActivitiesImplementations(new RecordingActivities());
      env.start();
      AtRiskPlaybook run = start(env.getWorkflowClient(), worker, "c-51");

      env.sleep(Duration.ofHours(36));
      run.recordOutcome(new CsmOutcome(OutcomeType.CUSTOMER_RESPONDED, "replied", "csm-7"));
      env.sleep(Duration.ofHours(2));
      run.recordOutcome(new CsmOutcome(OutcomeType.SAVED, "renewed", "csm-7"));
      PlaybookResult result = PlaybookTestSupport.resultOf(run);
      assertThat(result.outcome()).isEqualTo(RunOutcome.SAVED);

      RecordedHistories.write(
          env.getWorkflowClient(), Playbook.AT_RISK.workflowId("c-51"), AtRiskReplayTest.ANSWERED);
    }
  }

  @Test
  void recordEmailFailedThenStopped() throws Exception {
    try (TestWorkflowEnvironment env = RecordedHistories.recordingEnvironment()) {
      Worker worker = env.newWorker(RecordedHistories.TASK_QUEUE);
      worker.registerWorkflowImplementationTypes(AtRiskPlaybookImpl.class);
      RecordingActivities activities = new RecordingActivities();
      activities.rejectSteps("day-1-email");
      worker.registerActivitiesImplementations(activities);
      env.start();
      AtRiskPlaybook run = start(env.getWorkflowClient(), worker, "c-52");

      PlaybookTestSupport.awaitState(run, PlaybookTestSupport.waitingFor("day-3-email"));
      assertThat(activities.failedEmailSteps()).containsExactly("day-1-email");
      WorkflowStub stub = WorkflowStub.fromTyped(run);
      stub.cancel();
      assertThatThrownBy(() -> stub.getResult(PlaybookResult.class));

      RecordedHistories.write(
          env.getWorkflowClient(),
          Playbook.AT_RISK.workflowId("c-52"),
          AtRiskReplayTest.EMAIL_FAILED_THEN_STOPPED,
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
    }
  }

  private static AtRiskPlaybook start(WorkflowClient client, Worker worker, String customer) {
    AtRiskPlaybook run =
        client.newWorkflowStub(
            AtRiskPlaybook.class,
            PlaybookTestSupport.options(worker, Playbook.AT_RISK, customer, "csm-7"));
    WorkflowClient.start(
        run::run,
        new AtRiskInput(
            new PlaybookContext(customer, "csm-7", Cadence.REAL_DAYS), 50, "health sweep"));
    return run;
  }
}
