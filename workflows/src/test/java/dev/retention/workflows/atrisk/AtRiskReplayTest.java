package dev.retention.workflows.atrisk;

import static org.assertj.core.api.Assertions.assertThat;

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

  private static WorkflowExecutionHistory load() throws Exception {
    try (InputStream in = AtRiskReplayTest.class.getClassLoader().getResourceAsStream(HISTORY)) {
      assertThat(in).as(HISTORY).isNotNull();
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return WorkflowExecutionHistory.fromJson(json);
    }
  }
}
