package dev.retention.workflows.atrisk;

import static dev.retention.workflows.PlaybookTestSupport.awaitValue;
import static dev.retention.workflows.PlaybookTestSupport.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retention.workflows.Definitions;
import dev.retention.workflows.PlaybookTestBase;
import dev.retention.workflows.PlaybookTestExtension;
import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.RecordingActivities;
import dev.retention.workflows.RecordingActivities.Call;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.CustomerResponse;
import dev.retention.workflows.contract.HealthChange;
import dev.retention.workflows.contract.OutcomeRejection;
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
import dev.retention.workflows.contract.WaitingOn;
import dev.retention.workflows.engine.EngineInput;
import dev.retention.workflows.engine.PlaybookEngine;
import dev.retention.workflows.engine.PlaybookEngineImpl;
import dev.retention.workflows.frame.PlaybookRun;
import dev.retention.workflows.ports.CrmNote;
import dev.retention.workflows.ports.CrmTask;
import dev.retention.workflows.ports.CustomerEmail;
import dev.retention.workflows.ports.RunSnapshot;
import dev.retention.workflows.ports.TaskAssignee;
import dev.retention.workflows.ports.TaskPriority;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The at-risk playbook on the time-skipping test server, at the real cadence of one day per day:
 * the assertions on times prove the real day offsets of docs/playbooks.md (at-risk).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AtRiskPlaybookTest extends PlaybookTestBase {

  static final String CUSTOMER = "c-42";
  static final String CSM = "csm-7";
  static final String WORKFLOW_ID = Playbook.AT_RISK.workflowId(CUSTOMER);

  /** A Monday morning: the run starts here on the test server's clock. */
  static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

  /** How late (real time spent in activities and workflow tasks) a step may run after its time. */
  static final Duration SLACK = Duration.ofMinutes(1);

  static final Set<EventType> UPDATE_EVENTS =
      Set.of(
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED,
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);

  @RegisterExtension
  static final PlaybookTestExtension temporal =
      PlaybookTestExtension.of(
          // Not started: the fakes are registered per test, before the worker starts.
          PlaybookTestSupport.extensionBuilder()
              .registerWorkflowImplementationTypes(
                  AtRiskPlaybookImpl.class, PlaybookEngineImpl.class)
              .setInitialTime(T0)
              .build());

  // ---- the full timeline ------------------------------------------------------------------------

  @Test
  void noResponse_sendsDay1AndDay3Emails_day7Task_day14Email_thenTagsChurningOnDay17() {
    PlaybookWorkflow run = start(50);

    PlaybookResult result = resultOf(run);

    assertThat(result.outcome()).isEqualTo(RunOutcome.CHURNING);
    assertThat(result.stage()).isEqualTo(PlaybookRun.CLOSED);
    Instant start = stateOf(run).startedAt();
    assertThat(start).isBetween(T0, T0.plus(SLACK));

    // Exactly three emails, personally from the CSM, at the real day offsets.
    assertThat(activities.emailTemplates())
        .containsExactly("at-risk/day-1", "at-risk/day-3", "at-risk/day-14");
    List<Call<CustomerEmail>> emails = activities.emails();
    assertRanAt(emails.get(0).at(), start, Duration.ZERO);
    assertRanAt(emails.get(1).at(), start, Duration.ofDays(2));
    assertRanAt(emails.get(2).at(), start, Duration.ofDays(13));
    assertThat(emails)
        .allSatisfy(
            e -> {
              assertThat(e.request().workflowId()).isEqualTo(WORKFLOW_ID);
              assertThat(e.request().customerId()).isEqualTo(CUSTOMER);
              assertThat(e.request().playbook()).isEqualTo("at-risk");
              assertThat(e.request().variables()).containsEntry("healthScore", "50");
            });
    assertThat(emails)
        .extracting(e -> e.request().step())
        .containsExactly("day-1-email", "day-3-email", "day-14-email");

    // One task: the day-7 call attempt, for the CSM, due the next day.
    assertThat(activities.taskSteps()).containsExactly("day-7-call-task");
    Call<CrmTask> callTask = activities.tasks().getFirst();
    assertRanAt(callTask.at(), start, Duration.ofDays(6));
    assertThat(callTask.request().assignee()).isEqualTo(TaskAssignee.CSM);
    assertThat(callTask.request().priority()).isEqualTo(TaskPriority.HIGH);
    assertThat(callTask.request().dueAt())
        .isBetween(start.plus(Duration.ofDays(7)), start.plus(Duration.ofDays(7)).plus(SLACK));

    // Day 17: tagged churning, and nothing else.
    assertThat(activities.tagNames()).containsExactly("churning");
    assertThat(activities.notes()).isEmpty();

    assertThat(result.steps())
        .extracting(StepRecord::step, StepRecord::result)
        .containsExactly(
            tuple("day-1-email", StepResult.SENT),
            tuple("day-3-email", StepResult.SENT),
            tuple("day-7-call-task", StepResult.TASK_CREATED),
            tuple("day-14-email", StepResult.SENT),
            tuple("day-17-churning-tag", StepResult.TAGGED));
    StepRecord tagged = result.steps().getLast();
    assertThat(tagged.plannedAt()).isEqualTo(start.plus(Duration.ofDays(16)));
    assertRanAt(tagged.ranAt(), start, Duration.ofDays(16));
    assertThat(result.steps().get(1).plannedAt()).isEqualTo(start.plus(Duration.ofDays(2)));
    assertThat(result.steps().get(3).plannedAt()).isEqualTo(start.plus(Duration.ofDays(13)));

    RunSnapshot last = activities.lastSnapshot();
    assertThat(last.status()).isEqualTo("COMPLETED");
    assertThat(last.outcome()).isEqualTo("CHURNING");
    assertThat(last.nextStep()).isNull();
    assertRanAt(last.closedAt(), start, Duration.ofDays(16));

    WorkflowExecutionDescription description = WorkflowStub.fromTyped(run).describe();
    assertThat(description.getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    assertThat(description.getTypedSearchAttributes().get(RunSearchAttributes.STAGE))
        .isEqualTo(PlaybookRun.CLOSED);
    assertThat(description.getTypedSearchAttributes().get(RunSearchAttributes.PLAYBOOK))
        .isEqualTo("at-risk");
  }

  // ---- the customer answers ---------------------------------------------------------------------

  @Test
  void replyBeforeDay3_skipsDay3Email_createsCsmTask_thenSavedClosesRun() {
    PlaybookWorkflow run = start(50);

    testEnv.sleep(Duration.ofHours(36)); // day 1.5
    run.customerResponded(new CustomerResponse("inbound-email"));

    PlaybookState waiting =
        awaitState(
            run, s -> s.nextStep() != null && "decision-deadline".equals(s.nextStep().step()));
    assertThat(waiting.stage()).isEqualTo("AWAITING_DECISION");
    Instant start = waiting.startedAt();
    assertThat(waiting.customerResponded()).isTrue();
    assertThat(waiting.allowedOutcomes()).containsExactly(OutcomeType.SAVED, OutcomeType.CHURNED);
    assertThat(waiting.nextStep().step()).isEqualTo("decision-deadline");
    assertRanAt(waiting.nextStep().at(), start, Duration.ofHours(36).plusDays(14));

    assertThat(activities.taskSteps()).containsExactly("customer-responded-task");
    Call<CrmTask> followUp = activities.tasks().getFirst();
    assertRanAt(followUp.at(), start, Duration.ofHours(36));
    assertThat(followUp.request().assignee()).isEqualTo(TaskAssignee.CSM);
    assertThat(followUp.request().body()).contains("inbound-email");

    PlaybookState saved =
        run.recordOutcome(new CsmOutcome(OutcomeType.SAVED, "Renewed for a year", CSM));
    assertThat(saved.outcome()).isEqualTo(RunOutcome.SAVED);

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.SAVED);
    assertThat(activities.emailTemplates()).containsExactly("at-risk/day-1");
    assertThat(activities.tagNames()).isEmpty();
    assertThat(activities.notes())
        .extracting(n -> n.request().body())
        .containsExactly("Renewed for a year");
    assertThat(result.steps())
        .extracting(StepRecord::step)
        .containsExactly("day-1-email", "customer-responded-task");
    assertThat(activities.lastSnapshot().outcome()).isEqualTo("SAVED");
  }

  @Test
  void callCompleted_thenNoDecisionFor14Days_createsManagerTask_andEndsUnresolved() {
    PlaybookWorkflow run = start(50);

    testEnv.sleep(Duration.ofDays(6).plusHours(2)); // day 7, after the call task
    PlaybookState inCall = awaitState(run, s -> "CALL".equals(s.stage()));
    Instant start = inCall.startedAt();
    assertThat(inCall.allowedOutcomes()).contains(OutcomeType.CALL_COMPLETED);
    assertThat(activities.taskSteps()).containsExactly("day-7-call-task");

    String plan = "Weekly check-in for a month; reporting training on Thursday";
    run.recordOutcome(new CsmOutcome(OutcomeType.CALL_COMPLETED, plan, CSM));
    Instant handedOver = start.plus(Duration.ofDays(6).plusHours(2));

    PlaybookResult result = resultOf(run);

    assertThat(result.outcome()).isEqualTo(RunOutcome.UNRESOLVED);
    // The plan is in the CRM, as a note by the CSM.
    assertThat(activities.notes()).hasSize(1);
    CrmNote note = activities.notes().getFirst().request();
    assertThat(note.step()).startsWith("call-completed");
    assertThat(note.author()).isEqualTo(CSM);
    assertThat(note.customerId()).isEqualTo(CUSTOMER);
    assertThat(note.body()).contains(plan);
    // 14 days without SAVED or CHURNED: the manager gets a task.
    assertThat(activities.taskSteps())
        .containsExactly("day-7-call-task", "decision-deadline-manager-task");
    Call<CrmTask> escalation = activities.tasks().getLast();
    assertThat(escalation.request().assignee()).isEqualTo(TaskAssignee.MANAGER);
    assertRanAt(escalation.at(), handedOver, Duration.ofDays(14));
    // No more automated email after the call: day 14's was never sent.
    assertThat(activities.emailTemplates()).containsExactly("at-risk/day-1", "at-risk/day-3");
    assertThat(activities.tagNames()).isEmpty();
    assertThat(result.steps())
        .extracting(StepRecord::step, StepRecord::result)
        .containsExactly(
            tuple("day-1-email", StepResult.SENT),
            tuple("day-3-email", StepResult.SENT),
            tuple("day-7-call-task", StepResult.TASK_CREATED),
            tuple("call-completed", StepResult.NOTE_ADDED),
            tuple("decision-deadline-manager-task", StepResult.ESCALATED));
    assertThat(activities.lastSnapshot().outcome()).isEqualTo("UNRESOLVED");
  }

  // ---- the critical band ------------------------------------------------------------------------

  @Test
  void criticalBand_createsUrgentCallTaskOnDay1() {
    PlaybookWorkflow run = start(35);

    PlaybookState outreach = awaitState(run, s -> s.waitingFor() != null);
    Instant start = outreach.startedAt();
    assertThat(activities.taskSteps()).containsExactly("day-1-urgent-call-task");
    Call<CrmTask> urgent = activities.tasks().getFirst();
    assertRanAt(urgent.at(), start, Duration.ZERO);
    assertThat(urgent.request().priority()).isEqualTo(TaskPriority.URGENT);
    assertThat(urgent.request().assignee()).isEqualTo(TaskAssignee.CSM);
    // "Call within 24 hours" (plus the seconds the day-1 email took before the task was created).
    assertThat(urgent.request().dueAt())
        .isBetween(start.plus(Duration.ofHours(23)), start.plus(Duration.ofHours(24)).plus(SLACK));

    // The CSM can report the call while the run is still in OUTREACH.
    assertThat(outreach.stage()).isEqualTo("OUTREACH");
    assertThat(outreach.allowedOutcomes())
        .contains(OutcomeType.CALL_COMPLETED, OutcomeType.CALL_NO_ANSWER);
    PlaybookState afterCall =
        run.recordOutcome(new CsmOutcome(OutcomeType.CALL_COMPLETED, "Agreed on a rollout", CSM));
    // Answered from the new state at once; the note follows on the run's main thread.
    assertThat(afterCall.customerResponded()).isTrue();
    assertThat(afterCall.allowedOutcomes()).doesNotContain(OutcomeType.CUSTOMER_RESPONDED);
    awaitState(run, s -> s.steps().stream().anyMatch(r -> r.step().equals("call-completed")));

    run.recordOutcome(new CsmOutcome(OutcomeType.SAVED, null, CSM));
    assertThat(resultOf(run).outcome()).isEqualTo(RunOutcome.SAVED);
    assertThat(activities.emailTemplates()).containsExactly("at-risk/day-1");
  }

  // ---- ending early -----------------------------------------------------------------------------

  @Test
  void healthBackAbove60_endsRecovered() {
    PlaybookWorkflow run = start(50);

    testEnv.sleep(Duration.ofDays(3)); // day 4, after the day-3 email
    run.healthChanged(new HealthChange(55, "at-risk")); // still at risk: the run goes on
    run.healthChanged(new HealthChange(65, "neutral"));

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.RECOVERED);
    Instant start = stateOf(run).startedAt();
    StepRecord recovered = result.steps().getLast();
    assertThat(recovered.step()).isEqualTo("health-recovered");
    assertThat(recovered.result()).isEqualTo(StepResult.RECORDED);
    assertThat(recovered.detail()).contains("65");
    assertRanAt(recovered.ranAt(), start, Duration.ofDays(3));
    assertThat(activities.emailTemplates()).containsExactly("at-risk/day-1", "at-risk/day-3");
    assertThat(activities.tasks()).isEmpty();
    assertThat(activities.lastSnapshot().outcome()).isEqualTo("RECOVERED");
  }

  @Test
  void cancelThroughApi_endsCancelled() {
    PlaybookWorkflow run = start(50);
    awaitState(run, s -> s.waitingFor() != null);

    WorkflowStub stub = WorkflowStub.fromTyped(run);
    stub.cancel();

    assertThatThrownBy(() -> stub.getResult(30, TimeUnit.SECONDS, PlaybookResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOf(CanceledFailure.class);
    RunSnapshot last = activities.lastSnapshot();
    assertThat(last.status()).isEqualTo("CANCELLED");
    assertThat(last.outcome()).isEqualTo("CANCELLED");
    assertThat(last.stage()).isEqualTo(PlaybookRun.CLOSED);
    assertThat(last.nextStep()).isNull();
    assertThat(last.closedAt()).isNotNull();
    assertThat(activities.ledger().getLast().request().allEntries().getLast().summary())
        .contains("CANCELLED");
    assertThat(stub.describe().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
    assertThat(activities.emailTemplates()).containsExactly("at-risk/day-1");
  }

  @Test
  void supersede_endsSuperseded() {
    PlaybookWorkflow run = start(50);

    testEnv.sleep(Duration.ofDays(1));
    run.supersede(new Supersede("cancellation requested"));

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.SUPERSEDED);
    PlaybookState closed = stateOf(run);
    assertThat(closed.outcomeReason()).isEqualTo("cancellation requested");
    assertThat(closed.allowedOutcomes()).isEmpty();
    assertThat(activities.emailTemplates()).containsExactly("at-risk/day-1");
    RunSnapshot last = activities.lastSnapshot();
    assertThat(last.status()).isEqualTo("COMPLETED");
    assertThat(last.outcome()).isEqualTo("SUPERSEDED");
  }

  // ---- the CSM's outcomes -----------------------------------------------------------------------

  @Test
  void rejectedOutcome_leavesNoTraceInHistory() {
    PlaybookWorkflow run = start(50);
    testEnv.sleep(Duration.ofHours(2));
    awaitState(run, s -> s.waitingFor() != null);

    // No call task yet on a non-critical run: there is no call to report.
    assertThatThrownBy(
            () -> run.recordOutcome(new CsmOutcome(OutcomeType.CALL_COMPLETED, "plan", CSM)))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("CALL_COMPLETED is not valid for at-risk in stage OUTREACH");
    // Not an at-risk outcome at all.
    assertThatThrownBy(
            () -> run.recordOutcome(new CsmOutcome(OutcomeType.OFFER_ACCEPTED, null, CSM)))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("OFFER_ACCEPTED is not valid");

    List<HistoryEvent> history = client.fetchHistory(WORKFLOW_ID).getEvents();
    assertThat(history)
        .extracting(HistoryEvent::getEventType)
        .doesNotContainAnyElementsOf(UPDATE_EVENTS);

    PlaybookState state = stateOf(run);
    assertThat(state.stage()).isEqualTo("OUTREACH");
    assertThat(state.outcome()).isNull();
    assertThat(state.steps()).extracting(StepRecord::step).containsExactly("day-1-email");
    assertThat(activities.notes()).isEmpty();
  }

  @Test
  void stateQuery_showsTheFirstStepAsNextStep_fromTheRunsFirstMoment() throws Exception {
    RecordingActivities.Gate email = activities.holdNextEmail();
    PlaybookWorkflow run = start(50);

    // Before any step ran (the run's first row written in its first workflow task, a local
    // activity, which a query waits for): the day-1 email is next.
    PlaybookState starting = stateOf(run);
    assertThat(starting.nextStep()).isNotNull();
    assertThat(starting.nextStep().step()).isEqualTo("day-1-email");
    assertThat(starting.steps()).isEmpty();

    email.awaitEntered();
    // The day-1 email is being sent: still the run's next step, planned at the start.
    PlaybookState sending = stateOf(run);
    assertThat(sending.nextStep()).isNotNull();
    assertThat(sending.nextStep().step()).isEqualTo("day-1-email");
    assertThat(sending.nextStep().at()).isEqualTo(sending.startedAt());
    assertThat(sending.waitingFor()).isNull();
    assertThat(sending.steps()).isEmpty();

    email.open();
    PlaybookState waiting = awaitState(run, s -> s.waitingFor() != null);
    assertThat(waiting.nextStep().step()).isEqualTo("day-3-email");
    assertThat(waiting.steps()).extracting(StepRecord::step).containsExactly("day-1-email");
  }

  @Test
  void stateQuery_showsNextStepAndAllowedOutcomes_whileWaiting() {
    PlaybookWorkflow run = start(50);

    PlaybookState day1 = awaitState(run, s -> s.waitingFor() != null);
    Instant start = day1.startedAt();
    assertThat(day1.workflowId()).isEqualTo(WORKFLOW_ID);
    assertThat(day1.playbook()).isEqualTo("at-risk");
    assertThat(day1.customerId()).isEqualTo(CUSTOMER);
    assertThat(day1.csmId()).isEqualTo(CSM);
    assertThat(day1.dayLength()).isEqualTo("PT24H");
    assertThat(day1.stage()).isEqualTo("OUTREACH");
    assertThat(day1.outcome()).isNull();
    assertThat(day1.nextStep().step()).isEqualTo("day-3-email");
    assertThat(day1.nextStep().at()).isEqualTo(start.plus(Duration.ofDays(2)));
    assertThat(day1.waitingFor()).contains("day-3-email");
    assertThat(day1.allowedOutcomes())
        .containsExactly(OutcomeType.CUSTOMER_RESPONDED, OutcomeType.SAVED, OutcomeType.CHURNED);
    assertThat(day1.steps()).extracting(StepRecord::step).containsExactly("day-1-email");
    RunSnapshot running = activities.lastSnapshot();
    assertThat(running.status()).isEqualTo("RUNNING");
    assertThat(running.nextStep()).isEqualTo("day-3-email");
    assertThat(running.nextStepAt()).isEqualTo(start.plus(Duration.ofDays(2)));

    testEnv.sleep(Duration.ofDays(7)); // day 8: the call task is out
    PlaybookState day8 = awaitState(run, s -> "day-14-email".equals(stepName(s)));
    assertThat(day8.stage()).isEqualTo("CALL");
    assertThat(day8.nextStep().at()).isEqualTo(start.plus(Duration.ofDays(13)));
    assertThat(day8.allowedOutcomes())
        .containsExactly(
            OutcomeType.CUSTOMER_RESPONDED,
            OutcomeType.CALL_COMPLETED,
            OutcomeType.CALL_NO_ANSWER,
            OutcomeType.SAVED,
            OutcomeType.CHURNED);
    WorkflowExecutionDescription description = WorkflowStub.fromTyped(run).describe();
    assertThat(description.getTypedSearchAttributes().get(RunSearchAttributes.STAGE))
        .isEqualTo("CALL");
  }

  @Test
  void waitingOn_isTheAutomatedStep_untilTheCsmOwnsTheDecision() {
    PlaybookWorkflow run = start(50);

    PlaybookState day1 = awaitState(run, s -> "day-3-email".equals(stepName(s)));
    // Outcomes are allowed now, but the run waits for its own next email, on nobody.
    assertThat(day1.allowedOutcomes()).isNotEmpty();
    assertThat(day1.waitingOn()).isEqualTo(WaitingOn.AUTOMATED_STEP);
    assertThat(
            awaitValue(
                () -> {
                  RunSnapshot last = activities.lastSnapshot();
                  return last != null && "day-3-email".equals(last.nextStep()) ? last : null;
                }))
        .extracting(RunSnapshot::waitingOn)
        .isEqualTo("AUTOMATED_STEP");

    run.recordOutcome(new CsmOutcome(OutcomeType.CUSTOMER_RESPONDED, null, CSM));

    PlaybookState handedOver = awaitState(run, s -> "decision-deadline".equals(stepName(s)));
    assertThat(handedOver.waitingOn()).isEqualTo(WaitingOn.CSM);
    assertThat(handedOver.waitingFor()).isEqualTo("the CSM's SAVED or CHURNED");
    // The projection says so too: My work asks only such runs for their live state.
    assertThat(
            awaitValue(
                () -> {
                  RunSnapshot last = activities.lastSnapshot();
                  return last != null && "decision-deadline".equals(last.nextStep()) ? last : null;
                }))
        .extracting(RunSnapshot::waitingOn)
        .isEqualTo("CSM");
  }

  // ---- an outcome that arrives while the last step runs -----------------------------------------

  @Test
  void outcomeWhileTheLastStepRuns_isRefusedAsDecided_andTheRunClosesChurning() throws Exception {
    PlaybookWorkflow run = start(50);
    RecordingActivities.Gate tagging = activities.holdNextTag();

    // Let time run to day 17, where the churning tag (held) is being written.
    WorkflowStub stub = WorkflowStub.fromTyped(run);
    CompletableFuture<PlaybookResult> result = CompletableFuture.supplyAsync(() -> resultOf(run));
    tagging.awaitEntered();

    // The run decided CHURNING before it began tagging: the CSM hears so at once, nothing of
    // their outcome reaches history, and the run closes as it decided.
    assertThatThrownBy(() -> run.recordOutcome(new CsmOutcome(OutcomeType.SAVED, null, CSM)))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .isInstanceOf(ApplicationFailure.class)
        .hasMessageContaining("CHURNING")
        .satisfies(
            failure ->
                assertThat(((ApplicationFailure) failure).getType())
                    .isEqualTo(OutcomeRejection.OUTCOME_DECIDED.name()));
    tagging.open();

    assertThat(result.get(30, TimeUnit.SECONDS).outcome()).isEqualTo(RunOutcome.CHURNING);
    assertThat(stub.describe().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    assertThat(updateEventsOf(WORKFLOW_ID)).isEmpty();
    assertThat(activities.lastSnapshot().status()).isEqualTo("COMPLETED");
    assertThat(activities.notes()).isEmpty();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /**
   * Whether the runs start on the engine with the shipped definition ({@link AtRiskEngineTest}).
   */
  boolean onEngine() {
    return false;
  }

  /** The engine's input for what today's input says. */
  static EngineInput engineInput(AtRiskInput input) {
    Map<String, String> inputs = new HashMap<>();
    if (input.healthScore() != null) {
      inputs.put("healthScore", Integer.toString(input.healthScore()));
    }
    inputs.put("reason", input.reason());
    return new EngineInput(input.context(), inputs, input.trigger(), Definitions.load("at-risk"));
  }

  private PlaybookWorkflow start(int healthScore) {
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(WORKFLOW_ID)
            .setTaskQueue(worker.getTaskQueue())
            .setTypedSearchAttributes(
                io.temporal.common.SearchAttributes.newBuilder()
                    .set(RunSearchAttributes.PLAYBOOK, Playbook.AT_RISK.id())
                    .set(RunSearchAttributes.CUSTOMER_ID, CUSTOMER)
                    .set(RunSearchAttributes.CSM_ID, CSM)
                    .build())
            .build();
    AtRiskInput input =
        new AtRiskInput(
            new PlaybookContext(CUSTOMER, CSM, Cadence.REAL_DAYS), healthScore, "health sweep");
    if (onEngine()) {
      PlaybookEngine run = client.newWorkflowStub(PlaybookEngine.class, options);
      WorkflowClient.start(run::run, engineInput(input));
      return started(client, run);
    }
    AtRiskPlaybook run = client.newWorkflowStub(AtRiskPlaybook.class, options);
    WorkflowClient.start(run::run, input);
    return started(client, run);
  }

  /** Waits for the result; time skips to each timer meanwhile. */
  private static PlaybookResult resultOf(PlaybookWorkflow run) {
    try {
      return WorkflowStub.fromTyped(run).getResult(30, TimeUnit.SECONDS, PlaybookResult.class);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the run did not complete", e);
    }
  }

  private static PlaybookState stateOf(PlaybookWorkflow run) {
    return run.state();
  }

  /**
   * Polls the state query (real time) until the run has acted on what the test did: a signal or a
   * sleep is delivered asynchronously to the worker.
   */
  private static PlaybookState awaitState(PlaybookWorkflow run, Predicate<PlaybookState> ready) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    PlaybookState state = run.state();
    while (!ready.test(state)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the run never reached the expected state; last: " + state);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      state = run.state();
    }
    return state;
  }

  private List<EventType> updateEventsOf(String workflowId) {
    return client.fetchHistory(workflowId).getEvents().stream()
        .map(HistoryEvent::getEventType)
        .filter(UPDATE_EVENTS::contains)
        .toList();
  }

  private static String stepName(PlaybookState state) {
    return state.nextStep() == null ? null : state.nextStep().step();
  }

  /** A step ran at {@code base + offset}, allowing the real seconds that workflow tasks take. */
  private static void assertRanAt(Instant actual, Instant base, Duration offset) {
    Instant expected = base.plus(offset);
    assertThat(actual).isBetween(expected, expected.plus(SLACK));
  }

  private static org.assertj.core.groups.Tuple tuple(Object... values) {
    return org.assertj.core.groups.Tuple.tuple(values);
  }
}
