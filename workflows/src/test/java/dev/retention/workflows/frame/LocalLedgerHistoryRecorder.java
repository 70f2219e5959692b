package dev.retention.workflows.frame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.RecordingActivities;
import dev.retention.workflows.atrisk.AtRiskInput;
import dev.retention.workflows.atrisk.AtRiskPlaybook;
import dev.retention.workflows.atrisk.AtRiskPlaybookImpl;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.CustomerResponse;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookWorkflow;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.engine.PlaybookEngineImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Records the at-risk histories of {@link RunVersions#LOCAL_LEDGER} that {@link
 * LocalLedgerReplayTest} replays: a hand-written run whose customer answers on day 2 and whose CSM
 * records SAVED, and a run on the playbook engine that gets no answer (CHURNING on day 17); and the
 * same SAVED run of {@link RunVersions#FOLDED_START} and of {@link
 * RunVersions#FIRST_STAGE_AT_START} that {@link FoldedStartReplayTest} replays. Each records in the
 * frame's latest version.
 *
 * <p>Not part of the normal build; re-record only on purpose, from {@code workflows/}:
 *
 * <pre>
 * ./mvnw -q -B -pl workflows test -Dtest=LocalLedgerHistoryRecorder -DrecordHistories=true
 * </pre>
 */
@EnabledIfSystemProperty(
    named = "recordHistories",
    matches = "true",
    disabledReason = "generator of the local-ledger histories; run with -DrecordHistories=true")
class LocalLedgerHistoryRecorder {

  static final String CSM = "csm-9";

  @Test
  void recordAtRiskRespondedSaved() throws Exception {
    recordRespondedSaved("c-93", LocalLedgerReplayTest.AT_RISK_SAVED);
  }

  @Test
  void recordFoldedStartRespondedSaved() throws Exception {
    recordRespondedSaved("c-95", FoldedStartReplayTest.AT_RISK_SAVED);
  }

  @Test
  void recordFirstStageAtStartRespondedSaved() throws Exception {
    recordRespondedSaved("c-98", FoldedStartReplayTest.AT_RISK_FIRST_STAGE_SAVED);
  }

  /**
   * An at-risk run whose customer answers on day 2 and whose CSM records SAVED, in the frame's
   * latest version: re-record a version's history only while it is the latest.
   */
  private static void recordRespondedSaved(String customer, String file) throws Exception {
    try (TestWorkflowEnvironment env = RecordedHistories.recordingEnvironment()) {
      Worker worker = worker(env);
      WorkflowClient client = env.getWorkflowClient();
      // Started as the API starts it: with its first stage among the search attributes.
      AtRiskInput input = input(customer);
      AtRiskPlaybook run =
          client.newWorkflowStub(
              AtRiskPlaybook.class,
              PlaybookTestSupport.options(worker, Playbook.AT_RISK, customer, CSM, input));
      WorkflowClient.start(run::run, input);
      // Not queried before its first wait: a query during a workflow task takes one of its own.
      env.sleep(Duration.ofHours(1));
      PlaybookTestSupport.awaitState(run, PlaybookTestSupport.waitingFor("day-3-email"));
      env.sleep(Duration.ofDays(1));
      run.customerResponded(new CustomerResponse("email-reply"));
      PlaybookTestSupport.awaitState(run, PlaybookTestSupport.waitingFor("decision-deadline"));
      run.recordOutcome(new CsmOutcome(OutcomeType.SAVED, "Renewed for a year", CSM));
      assertThat(PlaybookTestSupport.resultOf(run).outcome()).isEqualTo(RunOutcome.SAVED);
      PlaybookTestSupport.awaitSignalsHandled(client, Playbook.AT_RISK.workflowId(customer), 1);

      RecordedHistories.write(client, Playbook.AT_RISK.workflowId(customer), file);
    }
  }

  @Test
  void recordEngineAtRiskNoResponse() throws Exception {
    try (TestWorkflowEnvironment env = RecordedHistories.recordingEnvironment()) {
      Worker worker = worker(env);
      WorkflowClient client = env.getWorkflowClient();
      PlaybookWorkflow run =
          PlaybookTestSupport.startOnEngine(
              client,
              PlaybookTestSupport.options(worker, Playbook.AT_RISK, "c-94", CSM),
              input("c-94"),
              Playbook.AT_RISK.id());
      assertThat(PlaybookTestSupport.resultOf(run).outcome()).isEqualTo(RunOutcome.CHURNING);

      RecordedHistories.write(
          client, Playbook.AT_RISK.workflowId("c-94"), LocalLedgerReplayTest.ENGINE_NO_RESPONSE);
    }
  }

  private static Worker worker(TestWorkflowEnvironment env) {
    Worker worker = env.newWorker(RecordedHistories.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(AtRiskPlaybookImpl.class, PlaybookEngineImpl.class);
    worker.registerActivitiesImplementations(new RecordingActivities());
    env.start();
    return worker;
  }

  private static AtRiskInput input(String customer) {
    return new AtRiskInput(
        new PlaybookContext(customer, CSM, Cadence.REAL_DAYS), 50, "health fell to 50");
  }
}
