package dev.retention.workflows.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.RecordedHistories;
import io.temporal.api.enums.v1.EventType;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.Test;

/** Replays a recorded retention purge (a failed attempt, then the purge) against today's code. */
class RetentionPurgeReplayTest {

  static final String FAILED_THEN_PURGED = "histories/retention-purge-failed-then-purged.json";

  @Test
  void recordedPurge_replaysWithoutNonDeterminism() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        FAILED_THEN_PURGED, RetentionPurgeImpl.class);
  }

  @Test
  void recordedHistory_isOnePurgeThatSucceededOnItsRetry() throws Exception {
    WorkflowExecutionHistory history = RecordedHistories.load(FAILED_THEN_PURGED);
    assertThat(history.getLastEvent().getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    assertThat(RecordedHistories.activityTypes(history)).containsExactly("PurgeExpired");
    assertThat(
            history.getEvents().stream()
                .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)
                .findFirst()
                .orElseThrow()
                .getActivityTaskStartedEventAttributes()
                .getAttempt())
        .isEqualTo(2);
  }
}
