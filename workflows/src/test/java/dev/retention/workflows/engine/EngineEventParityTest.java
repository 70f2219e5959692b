package dev.retention.workflows.engine;

import static dev.retention.workflows.PlaybookTestSupport.awaitState;
import static dev.retention.workflows.PlaybookTestSupport.hasStep;
import static dev.retention.workflows.PlaybookTestSupport.resultOf;
import static dev.retention.workflows.PlaybookTestSupport.waitingFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.PlaybookTestBase;
import dev.retention.workflows.PlaybookTestExtension;
import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.atrisk.AtRiskInput;
import dev.retention.workflows.atrisk.AtRiskPlaybook;
import dev.retention.workflows.atrisk.AtRiskPlaybookImpl;
import dev.retention.workflows.cancellationsave.CancellationReason;
import dev.retention.workflows.cancellationsave.CancellationSaveInput;
import dev.retention.workflows.cancellationsave.CancellationSavePlaybook;
import dev.retention.workflows.cancellationsave.CancellationSavePlaybookImpl;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.CustomerResponse;
import dev.retention.workflows.contract.Milestone;
import dev.retention.workflows.contract.MilestoneReached;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.PlaybookWorkflow;
import dev.retention.workflows.contract.RunInput;
import dev.retention.workflows.expansion.ExpansionInput;
import dev.retention.workflows.expansion.ExpansionPlaybook;
import dev.retention.workflows.expansion.ExpansionPlaybookImpl;
import dev.retention.workflows.npsfollowup.NpsFollowUpInput;
import dev.retention.workflows.npsfollowup.NpsFollowUpPlaybook;
import dev.retention.workflows.npsfollowup.NpsFollowUpPlaybookImpl;
import dev.retention.workflows.onboarding.OnboardingInput;
import dev.retention.workflows.onboarding.OnboardingPlaybook;
import dev.retention.workflows.onboarding.OnboardingPlaybookImpl;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A run on the engine costs exactly the Temporal events today's hand-written playbook costs: the
 * same scenario, played on both, gives the same sequence of history events (so the same events per
 * step). Prints the counts per playbook.
 *
 * <p>Run alone ({@link Isolated}), its methods one after another, not beside the module's other
 * classes: {@link #idle} reads "at rest" from two looks 10 ms apart, and on a starved machine a run
 * can look at rest in the gap before its next workflow task (seen once with four classes at once
 * and a busy neighbour: a timer command fewer on one side).
 */
@Isolated
@Execution(ExecutionMode.SAME_THREAD)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EngineEventParityTest extends PlaybookTestBase {

  static final String CSM = "csm-7";

  @RegisterExtension
  static final PlaybookTestExtension temporal =
      PlaybookTestSupport.extension(
          AtRiskPlaybookImpl.class,
          ExpansionPlaybookImpl.class,
          OnboardingPlaybookImpl.class,
          NpsFollowUpPlaybookImpl.class,
          CancellationSavePlaybookImpl.class);

  @Test
  void atRisk_noResponse_sameEvents() {
    assertSameEvents(
        Playbook.AT_RISK,
        customer -> new AtRiskInput(context(customer), 50, "health sweep"),
        run -> {});
  }

  @Test
  void atRisk_critical_respondedOnDay4_thenSaved_sameEvents() {
    assertSameEvents(
        Playbook.AT_RISK,
        customer -> new AtRiskInput(context(customer), 35, "health sweep"),
        run -> {
          idle(run);
          testEnv.sleep(Duration.ofDays(3));
          awaitState(run, waitingFor("day-7-call-task"));
          idle(run);
          run.customerResponded(new CustomerResponse("email-reply"));
          awaitState(run, waitingFor("decision-deadline"));
          idle(run);
          run.recordOutcome(new CsmOutcome(OutcomeType.SAVED, "kept them", CSM));
        });
  }

  @Test
  void expansion_offerLapses_sameEvents() {
    assertSameEvents(
        Playbook.EXPANSION, customer -> new ExpansionInput(context(customer), 86, 0.85), run -> {});
  }

  @Test
  void onboarding_milestonesAStallAndPaid_sameEvents() {
    assertSameEvents(
        Playbook.ONBOARDING,
        customer -> new OnboardingInput(context(customer)),
        run -> {
          awaitState(run, waitingFor("day-2-setup-help"));
          idle(run);
          run.milestone(new MilestoneReached(Milestone.INTEGRATION_CONNECTED));
          awaitState(run, s -> s.facts().containsKey("milestones"));
          idle(run);
          testEnv.sleep(Duration.ofDays(4));
          awaitState(run, s -> "STALLED".equals(s.stage()));
          idle(run);
          run.milestone(new MilestoneReached(Milestone.PAYMENT_METHOD_ADDED));
        });
  }

  @Test
  void npsDetractor_slaMissed_thenRecovered_sameEvents() {
    assertSameEvents(
        Playbook.NPS_FOLLOW_UP,
        customer -> new NpsFollowUpInput(context(customer), 3, "Support never answers"),
        run -> {
          idle(run);
          testEnv.sleep(Duration.ofHours(25));
          awaitState(run, waitingFor("resolution-deadline"));
          idle(run);
          run.recordOutcome(new CsmOutcome(OutcomeType.OUTREACH_DONE, "reached", CSM));
          awaitState(run, hasStep("outreach-done"));
          idle(run);
          run.recordOutcome(new CsmOutcome(OutcomeType.CALL_COMPLETED, "called", CSM));
          awaitState(run, hasStep("call-completed"));
          idle(run);
          run.recordOutcome(new CsmOutcome(OutcomeType.RECOVERY_PLAN, "the plan", CSM));
          awaitState(run, hasStep("recovery-plan"));
          idle(run);
          run.recordOutcome(new CsmOutcome(OutcomeType.RESOLVED, "fixed", CSM));
        });
  }

  @Test
  void npsPromoter_sameEvents() {
    assertSameEvents(
        Playbook.NPS_FOLLOW_UP,
        customer -> new NpsFollowUpInput(context(customer), 10, "Love it"),
        run -> {});
  }

  @Test
  void cancellationSave_churnedThenWinBack_sameEvents() {
    assertSameEvents(
        Playbook.CANCELLATION_SAVE,
        customer ->
            new CancellationSaveInput(
                context(customer),
                CancellationReason.TOO_EXPENSIVE,
                PlaybookTestSupport.T0.plus(Duration.ofDays(400))),
        run -> {
          awaitState(run, waitingFor("save-call-sla"));
          idle(run);
          run.recordOutcome(new CsmOutcome(OutcomeType.CHURNED, "gone", CSM));
        });
  }

  @Test
  void cancellationSave_offerAccepted_sameEvents() {
    assertSameEvents(
        Playbook.CANCELLATION_SAVE,
        customer ->
            new CancellationSaveInput(
                context(customer),
                CancellationReason.NOT_USING,
                PlaybookTestSupport.T0.plus(Duration.ofDays(400))),
        run -> {
          awaitState(run, waitingFor("save-call-sla"));
          idle(run);
          run.recordOutcome(new CsmOutcome(OutcomeType.SAVE_CALL_DONE, "talked", CSM));
          // Each outcome's steps are taken before the next comes, so both runs see the same.
          awaitState(run, hasStep("save-call-done"));
          idle(run);
          run.recordOutcome(new CsmOutcome(OutcomeType.OFFER_PRESENTED, null, CSM));
          awaitState(
              run, s -> s.steps().stream().anyMatch(step -> step.step().equals("offer-email")));
          idle(run);
          run.recordOutcome(new CsmOutcome(OutcomeType.OFFER_ACCEPTED, "deal", CSM));
        });
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private interface InputFor {
    RunInput input(String customerId);
  }

  /**
   * Plays the scenario on the hand-written playbook, then on the engine, and compares the events
   * the workflow code decides (its commands: activities, timers, markers, search attributes, the
   * close) in order. Workflow tasks are left out of the comparison: how many there are depends on
   * when the test's signals, updates and queries reach the server, not on the code.
   */
  private void assertSameEvents(
      Playbook playbook, InputFor input, Consumer<PlaybookWorkflow> drive) {
    List<EventType> handWritten = play(playbook, "c-java", input, drive, false);
    List<EventType> onEngine = play(playbook, "c-engine", input, drive, true);
    PlaybookResult result = resultOf(engineRun);
    List<EventType> javaCommands = commands(handWritten);
    List<EventType> engineCommands = commands(onEngine);
    System.out.printf(
        "events: %s: %d steps; commands %d hand-written, %d on the engine (%.2f vs %.2f per step);"
            + " all events %d vs %d%n",
        playbook.id(),
        result.steps().size(),
        javaCommands.size(),
        engineCommands.size(),
        javaCommands.size() / (double) Math.max(1, result.steps().size()),
        engineCommands.size() / (double) Math.max(1, result.steps().size()),
        handWritten.size(),
        onEngine.size());
    assertThat(engineCommands).containsExactlyElementsOf(javaCommands);
  }

  /**
   * Waits (real time) until the run is at rest, so a signal or an update reaches both runs in the
   * same state: no activity and no workflow task in flight, and nothing in its history after its
   * last completed workflow task but the commands that leave it waiting (a timer, a search
   * attribute, a marker). Describe alone has a gap: an activity's completion is recorded before the
   * workflow task it brings is, and an update sent in that gap lands in the same task (the run then
   * skips re-arming its wait's timer, a command fewer on one side only).
   */
  private void idle(PlaybookWorkflow run) {
    String workflowId = WorkflowStub.fromTyped(run).getExecution().getWorkflowId();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int quiet = 0;
    while (System.nanoTime() < deadline) {
      DescribeWorkflowExecutionResponse described =
          testEnv
              .getWorkflowServiceStubs()
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(testEnv.getNamespace())
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                      .build());
      boolean atRest =
          described.getPendingActivitiesCount() == 0
              && !described.hasPendingWorkflowTask()
              && restsAfterLastTask(client.fetchHistory(workflowId).getEvents());
      quiet = atRest ? quiet + 1 : 0;
      if (quiet >= 2) {
        return;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("the run never went idle");
  }

  /** Whether everything after the last completed workflow task only leaves the run waiting. */
  private static boolean restsAfterLastTask(List<HistoryEvent> events) {
    int last = -1;
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
        last = i;
      }
    }
    if (last < 0) {
      return false;
    }
    return events.subList(last + 1, events.size()).stream()
        .map(HistoryEvent::getEventType)
        .allMatch(RESTING::contains);
  }

  private static final java.util.Set<EventType> RESTING =
      java.util.EnumSet.of(
          EventType.EVENT_TYPE_TIMER_STARTED,
          EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
          EventType.EVENT_TYPE_MARKER_RECORDED,
          EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED);

  /** The events a workflow's commands make, in order. */
  private static List<EventType> commands(List<EventType> events) {
    return events.stream().filter(COMMANDS::contains).toList();
  }

  private static final java.util.Set<EventType> COMMANDS =
      java.util.EnumSet.of(
          EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
          EventType.EVENT_TYPE_TIMER_STARTED,
          EventType.EVENT_TYPE_TIMER_CANCELED,
          EventType.EVENT_TYPE_MARKER_RECORDED,
          EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
          EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
          EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED,
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);

  private PlaybookWorkflow engineRun;

  private List<EventType> play(
      Playbook playbook,
      String customer,
      InputFor inputs,
      Consumer<PlaybookWorkflow> drive,
      boolean engine) {
    WorkflowOptions options = PlaybookTestSupport.options(worker, playbook, customer, CSM);
    RunInput input = inputs.input(customer);
    PlaybookWorkflow run =
        engine
            ? PlaybookTestSupport.startOnEngine(client, options, input, playbook.id())
            : startHandWritten(playbook, options, input);
    drive.accept(run);
    var unused = resultOf(run);
    if (engine) {
      engineRun = run;
    }
    return client.fetchHistory(playbook.workflowId(customer)).getEvents().stream()
        .map(HistoryEvent::getEventType)
        .toList();
  }

  private PlaybookWorkflow startHandWritten(
      Playbook playbook, WorkflowOptions options, RunInput input) {
    return switch (playbook) {
      case AT_RISK -> start(client.newWorkflowStub(AtRiskPlaybook.class, options), input);
      case EXPANSION -> start(client.newWorkflowStub(ExpansionPlaybook.class, options), input);
      case ONBOARDING -> start(client.newWorkflowStub(OnboardingPlaybook.class, options), input);
      case NPS_FOLLOW_UP ->
          start(client.newWorkflowStub(NpsFollowUpPlaybook.class, options), input);
      case CANCELLATION_SAVE ->
          start(client.newWorkflowStub(CancellationSavePlaybook.class, options), input);
    };
  }

  /** Starts a hand-written run through its untyped stub (its one workflow method). */
  private static PlaybookWorkflow start(PlaybookWorkflow typed, RunInput input) {
    WorkflowStub.fromTyped(typed).start(input);
    return typed;
  }

  private static PlaybookContext context(String customer) {
    return new PlaybookContext(customer, CSM, Cadence.REAL_DAYS);
  }
}
