package dev.retention.workflows.atrisk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.RunOutcome;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replays a recorded at-risk run (no response, 17 days, outcome {@code CHURNING}) against today's
 * workflow code: a change that is not replay-safe fails here instead of on live runs. The history
 * was recorded by {@link AtRiskHistoryRecorder}.
 */
class AtRiskReplayTest {

  static final String HISTORY = "histories/at-risk-no-response.json";

  /** Recorded by {@link AtRiskReshapedHistoryRecorder}: outcomes answered at once. */
  static final String ANSWERED = "histories/at-risk-v1-answered-at-once.json";

  /** Recorded by {@link AtRiskReshapedHistoryRecorder}: the email given up, then stopped. */
  static final String EMAIL_FAILED_THEN_STOPPED =
      "histories/at-risk-v1-email-failed-then-stopped.json";

  /**
   * Recorded by {@link AtRiskReadableHistoryRecorder}: named timers and activities, folded ledger.
   */
  static final String READABLE = "histories/at-risk-v2-readable.json";

  @Test
  void noResponseHistory_replaysWithoutNonDeterminism() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(HISTORY, AtRiskPlaybookImpl.class);
  }

  @Test
  void recordedHistory_isTheCompleteNoResponseRun() throws Exception {
    List<HistoryEvent> events = load().getEvents();

    assertThat(events.getFirst().getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    HistoryEvent started = events.getFirst();
    assertThat(started.getWorkflowExecutionStartedEventAttributes().getWorkflowType().getName())
        .isEqualTo("AtRiskPlaybook");
    assertThat(events.getLast().getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    assertThat(events)
        .filteredOn(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .extracting(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName())
        .containsSubsequence(
            "SendCustomerEmail", "SendCustomerEmail", "CreateTask", "SendCustomerEmail", "AddTag");
    assertThat(events)
        .filteredOn(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED)
        .hasSize(4); // day 3, day 7, day 14, day 17
  }

  @Test
  void answeredAtOnceHistory_replays_andCarriesTheFrameVersion() throws Exception {
    WorkflowExecutionHistory history = RecordedHistories.load(ANSWERED);
    WorkflowReplayer.replayWorkflowExecution(history, AtRiskPlaybookImpl.class);

    PlaybookResult result = RecordedHistories.assertCompleteRun(history, "AtRiskPlaybook");
    assertThat(result.outcome()).isEqualTo(RunOutcome.SAVED);
    assertThat(RecordedHistories.count(history, EventType.EVENT_TYPE_MARKER_RECORDED)).isEqualTo(1);
    assertThat(RecordedHistories.acceptedOutcomes(history))
        .containsExactly(OutcomeType.CUSTOMER_RESPONDED, OutcomeType.SAVED);
  }

  @Test
  void emailFailedThenStoppedHistory_replays_withTheFailureMarkedAndTheStopRecorded()
      throws Exception {
    WorkflowExecutionHistory history = RecordedHistories.load(EMAIL_FAILED_THEN_STOPPED);
    WorkflowReplayer.replayWorkflowExecution(history, AtRiskPlaybookImpl.class);

    assertThat(history.getLastEvent().getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
    assertThat(RecordedHistories.activityTypes(history))
        .containsSubsequence("SendCustomerEmail", "RecordFailure", "CreateTask", "Record");
    // The stop's closing write comes after the cancel request.
    List<EventType> types = history.getEvents().stream().map(HistoryEvent::getEventType).toList();
    int cancelRequested = types.indexOf(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
    assertThat(types.subList(cancelRequested, types.size()))
        .contains(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
  }

  @Test
  void readableHistory_replays_withStepNamedTimersAndActivities_andOneLedgerWritePerStep()
      throws Exception {
    WorkflowExecutionHistory history = RecordedHistories.load(READABLE);
    WorkflowReplayer.replayWorkflowExecution(history, AtRiskPlaybookImpl.class);

    PlaybookResult result = RecordedHistories.assertCompleteRun(history, "AtRiskPlaybook");
    assertThat(result.outcome()).isEqualTo(RunOutcome.SAVED);
    assertThat(
            history.getEvents().stream()
                .filter(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED)
                .map(e -> e.getMarkerRecordedEventAttributes().getDetailsMap().get("version"))
                .map(p -> p.getPayloads(0).getData().toStringUtf8()))
        .containsExactly("2");
    assertThat(RecordedHistories.summaries(history, EventType.EVENT_TYPE_TIMER_STARTED))
        .containsExactly("day-3-email", "day-7-call-task", "day-7-call-task", "decision-deadline");
    assertThat(RecordedHistories.summaries(history, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED))
        .containsExactly(
            "ledger: started",
            "day-1-email",
            "day-1-urgent-call-task",
            "ledger: day-1-email, day-1-urgent-call-task; next day-3-email",
            "day-3-email",
            "ledger: day-3-email; next day-7-call-task",
            "call-no-answer",
            "ledger: call-no-answer; next day-7-call-task",
            "customer-responded-task",
            "ledger: customer-responded-task; next decision-deadline",
            "outcome-saved",
            "ledger: completed SAVED");
    // One ledger write per step (and one to start): 6 of 12 activities, where the unfolded frame
    // wrote each step's entry and the next snapshot apart.
    assertThat(RecordedHistories.activityTypes(history)).filteredOn("Record"::equals).hasSize(6);
  }

  private static WorkflowExecutionHistory load() throws Exception {
    try (InputStream in = AtRiskReplayTest.class.getClassLoader().getResourceAsStream(HISTORY)) {
      assertThat(in).as(HISTORY).isNotNull();
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return WorkflowExecutionHistory.fromJson(json);
    }
  }
}
