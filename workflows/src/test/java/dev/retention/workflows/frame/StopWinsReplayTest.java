package dev.retention.workflows.frame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.atrisk.AtRiskPlaybookImpl;
import dev.retention.workflows.ports.FailureType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replays the at-risk runs of {@link RunVersions#STOP_WINS} stopped behind schedule, recorded by
 * {@link StopWinsHistoryRecorder}, against today's code.
 */
class StopWinsReplayTest {

  /** The due day-3 email was not picked up before the stop: refused, nothing sent. */
  static final String STOPPED_BEHIND_SCHEDULE = "histories/at-risk-v3-stopped-behind-schedule.json";

  /** The due day-3 email was being sent when the stop came: it went out, and is in the steps. */
  static final String STOPPED_WHILE_SENDING = "histories/at-risk-v3-stopped-while-sending.json";

  @Test
  void stoppedBehindSchedule_replays_theRefusedEmailWaitedFor_thenTheClosingWrite()
      throws Exception {
    WorkflowExecutionHistory history = RecordedHistories.load(STOPPED_BEHIND_SCHEDULE);
    WorkflowReplayer.replayWorkflowExecution(history, AtRiskPlaybookImpl.class);

    assertStoppedRunOfTheStopWinsFrame(history);
    List<HistoryEvent> afterStop = afterTheStop(history);
    // The email scheduled before the stop was answered (refused: the stop was recorded), and only
    // then did the run write its close.
    HistoryEvent refused =
        afterStop.stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED)
            .findFirst()
            .orElseThrow();
    assertThat(
            refused
                .getActivityTaskFailedEventAttributes()
                .getFailure()
                .getApplicationFailureInfo()
                .getType())
        .isEqualTo(FailureType.RUN_CANCELLED.name());
    assertThat(RecordedHistories.summaries(history, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED))
        .containsExactly(
            "ledger: started",
            "day-1-email",
            "ledger: day-1-email; next day-3-email",
            "day-3-email",
            "ledger: cancelled CANCELLED");
  }

  @Test
  void stoppedWhileSending_replays_theEmailThatWentOutWrittenWithTheClose() throws Exception {
    WorkflowExecutionHistory history = RecordedHistories.load(STOPPED_WHILE_SENDING);
    WorkflowReplayer.replayWorkflowExecution(history, AtRiskPlaybookImpl.class);

    assertStoppedRunOfTheStopWinsFrame(history);
    assertThat(afterTheStop(history))
        .extracting(HistoryEvent::getEventType)
        .containsSubsequence(
            EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
            EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
    assertThat(RecordedHistories.summaries(history, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED))
        .containsExactly(
            "ledger: started",
            "day-1-email",
            "ledger: day-1-email; next day-3-email",
            "day-3-email",
            "ledger: day-3-email; cancelled CANCELLED");
  }

  /** Closed CANCELLED, in the stop-wins frame, with no cancel request sent for an activity. */
  private static void assertStoppedRunOfTheStopWinsFrame(WorkflowExecutionHistory history) {
    assertThat(history.getLastEvent().getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
    assertThat(
            history.getEvents().stream()
                .filter(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED)
                .map(e -> e.getMarkerRecordedEventAttributes().getDetailsMap().get("version"))
                .map(p -> p.getPayloads(0).getData().toStringUtf8()))
        .containsExactly(Integer.toString(RunVersions.STOP_WINS));
    assertThat(history.getEvents())
        .extracting(HistoryEvent::getEventType)
        .doesNotContain(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED);
  }

  private static List<HistoryEvent> afterTheStop(WorkflowExecutionHistory history) {
    List<HistoryEvent> events = history.getEvents();
    int stop =
        events.stream()
            .map(HistoryEvent::getEventType)
            .toList()
            .indexOf(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
    assertThat(stop).as("the stop").isPositive();
    return events.subList(stop, events.size());
  }
}
