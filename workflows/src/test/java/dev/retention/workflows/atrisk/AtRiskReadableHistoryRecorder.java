package dev.retention.workflows.atrisk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.RecordingActivities;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.CustomerResponse;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.RunOutcome;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Records the at-risk history of the readable frame ({@code RunVersions.READABLE}) that {@link
 * AtRiskReplayTest} replays: a critical run whose timers and activities are named after its steps
 * and whose ledger writes are folded. Day 1's email and urgent call task, day 3's email, the CSM's
 * {@code CALL_NO_ANSWER}, the customer's reply, then the CSM's {@code SAVED}.
 *
 * <p>Not part of the normal build; re-record only on purpose, from {@code workflows/}:
 *
 * <pre>
 * ./mvnw -q -B -pl workflows test -Dtest=AtRiskReadableHistoryRecorder -DrecordHistories=true
 * </pre>
 */
@EnabledIfSystemProperty(
    named = "recordHistories",
    matches = "true",
    disabledReason = "generator of the readable at-risk history; run with -DrecordHistories=true")
class AtRiskReadableHistoryRecorder {

  @Test
  void recordReadableRun() throws Exception {
    try (TestWorkflowEnvironment env = RecordedHistories.recordingEnvironment()) {
      Worker worker = env.newWorker(RecordedHistories.TASK_QUEUE);
      worker.registerWorkflowImplementationTypes(AtRiskPlaybookImpl.class);
      worker.registerActivitiesImplementations(new RecordingActivities());
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      AtRiskPlaybook run =
          client.newWorkflowStub(
              AtRiskPlaybook.class,
              PlaybookTestSupport.options(worker, Playbook.AT_RISK, "c-53", "csm-7"));
      WorkflowClient.start(
          run::run,
          new AtRiskInput(
              new PlaybookContext("c-53", "csm-7", Cadence.REAL_DAYS), 35, "health fell to 35"));

      env.sleep(Duration.ofDays(3));
      PlaybookTestSupport.awaitState(run, PlaybookTestSupport.waitingFor("day-7-call-task"));
      run.recordOutcome(new CsmOutcome(OutcomeType.CALL_NO_ANSWER, "voicemail", "csm-7"));
      PlaybookTestSupport.awaitState(run, PlaybookTestSupport.hasStep("call-no-answer"));
      env.sleep(Duration.ofHours(12));
      run.customerResponded(new CustomerResponse("email"));
      PlaybookTestSupport.awaitState(run, PlaybookTestSupport.hasStep("customer-responded-task"));
      env.sleep(Duration.ofHours(2));
      run.recordOutcome(new CsmOutcome(OutcomeType.SAVED, "renewed", "csm-7"));
      PlaybookResult result = PlaybookTestSupport.resultOf(run);
      assertThat(result.outcome()).isEqualTo(RunOutcome.SAVED);

      RecordedHistories.write(
          client, Playbook.AT_RISK.workflowId("c-53"), AtRiskReplayTest.READABLE);
    }
  }
}
