package dev.retention.workflows.engine;

import static dev.retention.workflows.PlaybookTestSupport.awaitSignalsHandled;
import static dev.retention.workflows.PlaybookTestSupport.awaitState;
import static dev.retention.workflows.PlaybookTestSupport.hasStep;
import static dev.retention.workflows.PlaybookTestSupport.resultOf;
import static dev.retention.workflows.PlaybookTestSupport.waitingFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.Definitions;
import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.RecordingActivities;
import dev.retention.workflows.atrisk.AtRiskInput;
import dev.retention.workflows.cancellationsave.CancellationReason;
import dev.retention.workflows.cancellationsave.CancellationSaveInput;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.CustomerResponse;
import dev.retention.workflows.contract.Milestone;
import dev.retention.workflows.contract.MilestoneReached;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookIds;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.RunInput;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.Upgraded;
import dev.retention.workflows.expansion.ExpansionInput;
import dev.retention.workflows.onboarding.OnboardingInput;
import dev.retention.workflows.ports.UsageFigures;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Records the engine histories that {@link EngineReplayTest} replays: runs of the shipped
 * definitions on the playbook engine that between them take every step kind.
 *
 * <p>Not part of the normal build: a committed history must stay the one recorded with the engine
 * code that was live, so that replaying it catches a change that is not replay-safe. Re-record only
 * on purpose, from {@code workflows/}:
 *
 * <pre>
 * ./mvnw -q -B -pl workflows test -Dtest=EngineHistoryRecorder -DrecordHistories=true
 * </pre>
 */
@EnabledIfSystemProperty(
    named = "recordHistories",
    matches = "true",
    disabledReason =
        "generator of src/test/resources/histories/engine-*.json; run with"
            + " -DrecordHistories=true to re-record on purpose")
class EngineHistoryRecorder {

  static final String CSM = "csm-3";

  @Test
  void recordAtRiskCriticalRespondedSaved() throws Exception {
    record(
        Playbook.AT_RISK,
        "c-81",
        new AtRiskInput(context("c-81"), 35, "health fell to 35"),
        EngineReplayTest.AT_RISK_RESPONDED_SAVED,
        (env, run) -> {
          env.sleep(Duration.ofDays(3));
          awaitState(run, waitingFor("day-7-call-task"));
          run.customerResponded(new CustomerResponse("email-reply"));
          awaitState(run, waitingFor("decision-deadline"));
          run.recordOutcome(new CsmOutcome(OutcomeType.SAVED, "Renewed for a year", CSM));
        },
        RunOutcome.SAVED);
  }

  @Test
  void recordAtRiskNoResponse() throws Exception {
    record(
        Playbook.AT_RISK,
        "c-82",
        new AtRiskInput(context("c-82"), 52, "health fell to 52"),
        EngineReplayTest.AT_RISK_NO_RESPONSE,
        (env, run) -> {},
        RunOutcome.CHURNING);
  }

  @Test
  void recordCancellationSaveChurnedCameBack() throws Exception {
    record(
        Playbook.CANCELLATION_SAVE,
        "c-83",
        new CancellationSaveInput(
            context("c-83"),
            CancellationReason.TOO_EXPENSIVE,
            PlaybookTestSupport.T0.plus(Duration.ofDays(5))),
        EngineReplayTest.CANCELLATION_CHURNED_CAME_BACK,
        (env, run) -> {
          awaitState(run, waitingFor("save-call-sla"));
          run.recordOutcome(new CsmOutcome(OutcomeType.CHURNED, "Moving to a cheaper tool", CSM));
          awaitState(run, waitingFor("exit-survey"));
          env.sleep(Duration.ofDays(2));
          awaitState(run, waitingFor("win-back-day-30"));
          run.upgraded(new Upgraded("starter"));
        },
        RunOutcome.CHURNED);
  }

  @Test
  void recordCancellationSaveOfferAccepted() throws Exception {
    record(
        Playbook.CANCELLATION_SAVE,
        "c-84",
        new CancellationSaveInput(
            context("c-84"),
            CancellationReason.NOT_USING,
            PlaybookTestSupport.T0.plus(Duration.ofDays(5))),
        EngineReplayTest.CANCELLATION_OFFER_ACCEPTED,
        (env, run) -> {
          awaitState(run, waitingFor("save-call-sla"));
          run.recordOutcome(new CsmOutcome(OutcomeType.SAVE_CALL_DONE, "Talked it through", CSM));
          awaitState(run, hasStep("save-call-done"));
          run.recordOutcome(new CsmOutcome(OutcomeType.OFFER_PRESENTED, null, CSM));
          awaitState(run, hasStep("offer-email"));
          run.customerResponded(new CustomerResponse("email-reply"));
          awaitState(run, s -> s.customerResponded());
          run.recordOutcome(new CsmOutcome(OutcomeType.OFFER_ACCEPTED, "Pausing billing", CSM));
        },
        RunOutcome.SAVED);
  }

  @Test
  void recordExpansionRespondedUpgraded() throws Exception {
    record(
        Playbook.EXPANSION,
        "c-85",
        new ExpansionInput(context("c-85"), 86, 0.85),
        EngineReplayTest.EXPANSION_RESPONDED_UPGRADED,
        (env, run) -> {
          awaitState(run, waitingFor("day-7-case-study-email"));
          run.recordOutcome(
              new CsmOutcome(OutcomeType.CUSTOMER_RESPONDED, "Wants a Pro quote", CSM));
          awaitState(run, waitingFor("offer-expiry"));
          env.sleep(Duration.ofDays(2));
          run.upgraded(new Upgraded("pro"));
        },
        RunOutcome.UPGRADED);
  }

  @Test
  void recordOnboardingMilestonesStalledTrialExpired() throws Exception {
    record(
        Playbook.ONBOARDING,
        "c-86",
        new OnboardingInput(context("c-86")),
        EngineReplayTest.ONBOARDING_STALLED_EXPIRED,
        (env, run) -> {
          awaitState(run, waitingFor("day-2-setup-help"));
          run.milestone(new MilestoneReached(Milestone.FIRST_QUERY));
          awaitState(run, hasStep("milestone-first-query"));
          env.sleep(Duration.ofDays(4));
          awaitState(run, s -> "STALLED".equals(s.stage()));
          run.milestone(new MilestoneReached(Milestone.INTEGRATION_CONNECTED));
          awaitState(run, hasStep("milestone-integration-connected"));
        },
        RunOutcome.TRIAL_EXPIRED);
  }

  /**
   * The sixth playbook, which has no hand-written twin: low usage on day 6 brings the demo-call
   * task, the CSM records the call, and the customer upgrades.
   */
  @Test
  void recordTrialConversionDemoThenUpgraded() throws Exception {
    String customer = "c-87";
    String workflowId = PlaybookIds.workflowId("trial-conversion", customer);
    try (TestWorkflowEnvironment env = RecordedHistories.recordingEnvironment()) {
      Worker worker = env.newWorker(RecordedHistories.TASK_QUEUE);
      worker.registerWorkflowImplementationTypes(PlaybookEngineImpl.class);
      RecordingActivities activities = new RecordingActivities();
      activities.usage(new UsageFigures(true, 1, 2, 1, 0.1, PlaybookTestSupport.T0));
      worker.registerActivitiesImplementations(activities);
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      PlaybookEngine run =
          client.newWorkflowStub(
              PlaybookEngine.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(workflowId)
                  .setTaskQueue(worker.getTaskQueue())
                  .build());
      WorkflowClient.start(
          run::run,
          new EngineInput(
              context(customer), Map.of(), "trial started", Definitions.load("trial-conversion")));
      env.sleep(Duration.ofDays(6));
      awaitState(run, hasStep("day-6-demo-call-task"));
      run.recordOutcome(new CsmOutcome(OutcomeType.OUTREACH_DONE, "Demo held", CSM));
      awaitState(run, hasStep("outreach-done"));
      run.upgraded(new Upgraded("pro"));
      assertThat(resultOf(run).outcome()).isEqualTo(RunOutcome.UPGRADED);
      awaitSignalsHandled(client, workflowId, 0);
      RecordedHistories.write(client, workflowId, EngineReplayTest.TRIAL_CONVERSION_DEMO_UPGRADED);
    }
  }

  @Test
  void recordAtRiskDay1SubjectSplitVariantB() throws Exception {
    String customer = SplitEngineTest.customerIn("B");
    record(
        Playbook.AT_RISK,
        customer,
        new AtRiskInput(context(customer), 55, "health fell to 55"),
        Definitions.atRiskWithDay1SubjectSplit(),
        EngineReplayTest.AT_RISK_DAY_1_SPLIT,
        (env, run) -> {
          env.sleep(Duration.ofDays(3));
          awaitState(run, waitingFor("day-7-call-task"));
          run.customerResponded(new CustomerResponse("email-reply"));
          awaitState(run, waitingFor("decision-deadline"));
          run.recordOutcome(new CsmOutcome(OutcomeType.SAVED, "Renewed after the call", CSM));
        },
        RunOutcome.SAVED);
  }

  private interface Drive extends BiConsumer<TestWorkflowEnvironment, PlaybookEngine> {}

  private static void record(
      Playbook playbook,
      String customer,
      RunInput input,
      String resource,
      Drive drive,
      RunOutcome expected)
      throws Exception {
    record(playbook, customer, input, Definitions.load(playbook.id()), resource, drive, expected);
  }

  private static void record(
      Playbook playbook,
      String customer,
      RunInput input,
      PlaybookDefinition definition,
      String resource,
      Drive drive,
      RunOutcome expected)
      throws Exception {
    try (TestWorkflowEnvironment env = RecordedHistories.recordingEnvironment()) {
      Worker worker = env.newWorker(RecordedHistories.TASK_QUEUE);
      worker.registerWorkflowImplementationTypes(PlaybookEngineImpl.class);
      worker.registerActivitiesImplementations(new RecordingActivities());
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      PlaybookEngine run =
          client.newWorkflowStub(
              PlaybookEngine.class, PlaybookTestSupport.options(worker, playbook, customer, CSM));
      WorkflowClient.start(run::run, BuiltInInputs.of(input, definition));
      drive.accept(env, run);
      PlaybookResult result = resultOf(run);
      assertThat(result.outcome()).isEqualTo(expected);
      awaitSignalsHandled(client, playbook.workflowId(customer), 0);
      RecordedHistories.write(client, playbook.workflowId(customer), resource);
    }
  }

  private static PlaybookContext context(String customer) {
    return new PlaybookContext(customer, CSM, Cadence.REAL_DAYS);
  }
}
