package dev.retention.workflows.expansion;

import static dev.retention.workflows.PlaybookTestSupport.awaitSignalsHandled;
import static dev.retention.workflows.PlaybookTestSupport.awaitState;
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
import dev.retention.workflows.contract.PlaybookState;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.Upgraded;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Records the history that {@link ExpansionReplayTest} replays: a run with the sending rules on (as
 * in production, where a playbook day is a real day) in which the CSM records that the customer
 * responded, the customer's own reply and a health score arrive as signals, and the customer
 * upgrades, on the time-skipping test server.
 *
 * <p>Not part of the normal build: the committed history must stay the one recorded with the
 * workflow code that was live, so that replaying it catches non-deterministic changes. Re-record
 * only on purpose (for a deliberate, versioned change of the playbook), from {@code workflows/}:
 *
 * <pre>
 * ./mvnw -q -B -pl workflows test -Dtest=ExpansionHistoryRecorder -DrecordHistories=true
 * </pre>
 */
@EnabledIfSystemProperty(
    named = "recordHistories",
    matches = "true",
    disabledReason =
        "generator of src/test/resources/"
            + ExpansionReplayTest.RESPONDED_THEN_UPGRADED
            + "; run with -DrecordHistories=true to re-record on purpose")
class ExpansionHistoryRecorder {

  static final String CUSTOMER = "c-77";
  static final String CSM = "csm-3";
  static final ZoneId ZONE = ZoneId.of("Europe/Amsterdam");

  @Test
  void recordRespondedThenUpgradedRun() throws Exception {
    try (TestWorkflowEnvironment env = RecordedHistories.recordingEnvironment()) {
      Worker worker = env.newWorker(RecordedHistories.TASK_QUEUE);
      worker.registerWorkflowImplementationTypes(ExpansionPlaybookImpl.class);
      worker.registerActivitiesImplementations(
          new RecordingActivities(), new FakeSendingRules(Map.of(CUSTOMER, ZONE)));
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      String workflowId = Playbook.EXPANSION.workflowId(CUSTOMER);

      ExpansionPlaybook run =
          client.newWorkflowStub(
              ExpansionPlaybook.class,
              PlaybookTestSupport.options(worker, Playbook.EXPANSION, CUSTOMER, CSM));
      WorkflowClient.start(
          run::run,
          new ExpansionInput(
              new PlaybookContext(CUSTOMER, CSM, Cadence.REAL_DAYS, true), 86, 0.85));
      awaitState(run, waitingFor("day-7-case-study-email"));

      // Day 9, a Tuesday: the case study was due on Sunday and went out on Monday morning.
      env.sleep(Duration.ofDays(8));
      awaitState(run, waitingFor("day-14-offer-email"));
      PlaybookState followUp =
          run.recordOutcome(
              new CsmOutcome(
                  OutcomeType.CUSTOMER_RESPONDED, "Wants a Pro quote for two teams", CSM));
      assertThat(followUp.stage()).isEqualTo("CSM_FOLLOW_UP");
      // Their email reply arrives too: the run has handed over already.
      run.customerResponded(new CustomerResponse("email-reply"));
      awaitSignalsHandled(client, workflowId, 1);

      env.sleep(Duration.ofDays(2)); // day 11
      run.healthChanged(new HealthChange(74, "HEALTHY"));
      awaitSignalsHandled(client, workflowId, 2);

      env.sleep(Duration.ofDays(1)); // day 12
      run.upgraded(new Upgraded("pro"));
      PlaybookResult result = resultOf(run);

      assertThat(result.outcome()).isEqualTo(RunOutcome.UPGRADED);
      assertThat(stepNames(result.steps()))
          .containsExactly(
              "day-1-usage-email",
              "day-7-case-study-email",
              "customer-interested-task",
              "upgraded");
      RecordedHistories.write(client, workflowId, ExpansionReplayTest.RESPONDED_THEN_UPGRADED);
    }
  }
}
