package dev.retention.workflows.npsfollowup;

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
 * Records the histories that {@link NpsFollowUpReplayTest} replays, on the time-skipping test
 * server with the sending rules on (as in production): a detractor whom the CSM takes through
 * {@code OUTREACH_DONE}, {@code CALL_COMPLETED}, {@code RECOVERY_PLAN} and {@code RESOLVED} (the
 * validated update), and a passive whose email reply is captured as feedback.
 *
 * <p>Not part of the normal build: the committed histories must stay the ones recorded with the
 * workflow code that was live, so that replaying them catches non-deterministic changes. Re-record
 * only on purpose (for a deliberate, versioned change of the playbook), from {@code workflows/}:
 *
 * <pre>
 * ./mvnw -q -B -pl workflows test -Dtest=NpsFollowUpHistoryRecorder -DrecordHistories=true
 * </pre>
 */
@EnabledIfSystemProperty(
    named = "recordHistories",
    matches = "true",
    disabledReason =
        "generator of src/test/resources/histories/nps-follow-up-*.json;"
            + " run with -DrecordHistories=true to re-record on purpose")
class NpsFollowUpHistoryRecorder {

  static final String DETRACTOR = "c-31";
  static final String PASSIVE = "c-32";
  static final String CSM = "csm-3";
  static final ZoneId ZONE = ZoneId.of("Europe/Amsterdam");

  @Test
  void recordDetractorResolvedRun() throws Exception {
    try (TestWorkflowEnvironment env = RecordedHistories.recordingEnvironment()) {
      Worker worker = startWorker(env);
      WorkflowClient client = env.getWorkflowClient();
      String workflowId = Playbook.NPS_FOLLOW_UP.workflowId(DETRACTOR);
      NpsFollowUpPlaybook run = start(client, worker, DETRACTOR, 3, "Exports keep timing out");
      awaitState(run, waitingFor("outreach-sla"));

      env.sleep(Duration.ofHours(5)); // within the 24-hour SLA
      run.recordOutcome(outcome(OutcomeType.OUTREACH_DONE, "Reached them; call on Wednesday"));
      // A detractor's reply and a health score change nothing: the CSM leads.
      run.customerResponded(new CustomerResponse("email-reply"));
      run.healthChanged(new HealthChange(41, "AT_RISK"));
      awaitSignalsHandled(client, workflowId, 2);

      env.sleep(Duration.ofDays(2));
      run.recordOutcome(
          outcome(OutcomeType.CALL_COMPLETED, "Export timeouts confirmed on large workspaces"));
      env.sleep(Duration.ofDays(1));
      run.recordOutcome(
          outcome(OutcomeType.RECOVERY_PLAN, "Fix within 2 weeks; weekly check-ins meanwhile"));
      env.sleep(Duration.ofDays(14));
      run.recordOutcome(outcome(OutcomeType.RESOLVED, "Fix shipped; exports under a minute"));
      PlaybookResult result = resultOf(run);

      assertThat(result.outcome()).isEqualTo(RunOutcome.RESOLVED);
      assertThat(stepNames(result.steps()))
          .containsExactly(
              "detractor-task",
              "csm-alert",
              "outreach-done",
              "call-completed",
              "recovery-plan",
              "resolved");
      RecordedHistories.write(client, workflowId, NpsFollowUpReplayTest.DETRACTOR_RESOLVED);
    }
  }

  @Test
  void recordPassiveWithReplyRun() throws Exception {
    try (TestWorkflowEnvironment env = RecordedHistories.recordingEnvironment()) {
      Worker worker = startWorker(env);
      WorkflowClient client = env.getWorkflowClient();
      String workflowId = Playbook.NPS_FOLLOW_UP.workflowId(PASSIVE);
      NpsFollowUpPlaybook run = start(client, worker, PASSIVE, 7, "Would love a Slack integration");
      awaitState(run, waitingFor("no-reply"));

      env.sleep(Duration.ofDays(1));
      run.healthChanged(new HealthChange(68, "NEUTRAL"));
      awaitSignalsHandled(client, workflowId, 1);

      env.sleep(Duration.ofDays(1)); // day 3: they answer "what would make it a 10?"
      run.customerResponded(new CustomerResponse("email-reply"));
      PlaybookResult result = resultOf(run);

      assertThat(result.outcome()).isEqualTo(RunOutcome.FEEDBACK_CAPTURED);
      assertThat(stepNames(result.steps()))
          .containsExactly("thank-you", "comment-feature-request", "reply-feature-request");
      RecordedHistories.write(client, workflowId, NpsFollowUpReplayTest.PASSIVE_WITH_REPLY);
    }
  }

  private static Worker startWorker(TestWorkflowEnvironment env) {
    Worker worker = env.newWorker(RecordedHistories.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(NpsFollowUpPlaybookImpl.class);
    worker.registerActivitiesImplementations(
        new RecordingActivities(), new FakeSendingRules(Map.of(DETRACTOR, ZONE, PASSIVE, ZONE)));
    env.start();
    return worker;
  }

  private static NpsFollowUpPlaybook start(
      WorkflowClient client, Worker worker, String customer, int score, String comment) {
    NpsFollowUpPlaybook run =
        client.newWorkflowStub(
            NpsFollowUpPlaybook.class,
            PlaybookTestSupport.options(worker, Playbook.NPS_FOLLOW_UP, customer, CSM));
    WorkflowClient.start(
        run::run,
        new NpsFollowUpInput(
            new PlaybookContext(customer, CSM, Cadence.REAL_DAYS, true), score, comment));
    return run;
  }

  private static CsmOutcome outcome(OutcomeType type, String note) {
    return new CsmOutcome(type, note, CSM);
  }
}
