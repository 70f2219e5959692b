package dev.retention.workflows.frame;

import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.RecordingActivities.Gate;
import io.temporal.api.enums.v1.EventType;
import io.temporal.testing.TestWorkflowEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Records the at-risk histories of {@link RunVersions#STOP_WINS} that {@link StopWinsReplayTest}
 * replays: a run stopped behind schedule, its due day-3 email either refused (not picked up before
 * the stop) or being sent when the stop came (it goes out and is in the steps).
 *
 * <p>Not part of the normal build; re-record only on purpose, from {@code workflows/}:
 *
 * <pre>
 * ./mvnw -q -B -pl workflows test -Dtest=StopWinsHistoryRecorder -DrecordHistories=true
 * </pre>
 */
@EnabledIfSystemProperty(
    named = "recordHistories",
    matches = "true",
    disabledReason = "generator of the stop-wins histories; run with -DrecordHistories=true")
class StopWinsHistoryRecorder {

  @Test
  void recordStoppedBehindSchedule() throws Exception {
    try (TestWorkflowEnvironment env = RecordedHistories.recordingEnvironment();
        StopWinsScenarios scenario = new StopWinsScenarios(env)) {
      scenario.startAndWaitForDay3();
      scenario.stopActivityWorker();
      scenario.day3Comes();
      scenario.stop();
      scenario.startActivityWorker();
      awaitClosed(scenario);

      RecordedHistories.write(
          env.getWorkflowClient(),
          StopWinsScenarios.WORKFLOW_ID,
          StopWinsReplayTest.STOPPED_BEHIND_SCHEDULE,
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
    }
  }

  @Test
  void recordStoppedWhileTheEmailWasBeingSent() throws Exception {
    try (TestWorkflowEnvironment env = RecordedHistories.recordingEnvironment();
        StopWinsScenarios scenario = new StopWinsScenarios(env)) {
      scenario.startAndWaitForDay3();
      Gate sending = scenario.holdNextEmail();
      scenario.day3Comes();
      sending.awaitEntered();
      scenario.stop();
      sending.open();
      awaitClosed(scenario);

      RecordedHistories.write(
          env.getWorkflowClient(),
          StopWinsScenarios.WORKFLOW_ID,
          StopWinsReplayTest.STOPPED_WHILE_SENDING,
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
    }
  }

  private static void awaitClosed(StopWinsScenarios scenario) {
    scenario.awaitHistory(
        events ->
            events.getLast().getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
        "the run closed CANCELLED");
  }
}
