package dev.retention.workflows.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retention.workflows.PlaybookTestExtension;
import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.RecordingActivities.Gate;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.PlaybookState;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.StepRecord;
import dev.retention.workflows.contract.StepResult;
import dev.retention.workflows.ports.TimelineEntry;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stop wins over every step the run has not taken: a run behind schedule (its day-3 email due)
 * that is stopped sends nothing more, ends {@code CANCELLED}, and every email that did go out is in
 * its steps. Time-skipping test server, at the real cadence of one day per day.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StopWinsTest {

  TestWorkflowEnvironment env;
  StopWinsScenarios scenario;

  @BeforeEach
  void start() {
    env = RecordedHistories.recordingEnvironment();
    scenario = new StopWinsScenarios(env);
  }

  @AfterEach
  void stop() {
    scenario.close();
    PlaybookTestExtension.closeInBackground(env);
  }

  @Test
  void behindSchedule_theDueEmailNotPickedUpYet_isNeverSent_andTheRunEndsCancelled()
      throws Exception {
    scenario.startAndWaitForDay3();
    scenario.stopActivityWorker();
    scenario.day3Comes();
    // Behind schedule: the day-3 email is due and scheduled, and no worker has taken it yet.
    assertThat(scenario.activities.emailSteps()).containsExactly("day-1-email");

    scenario.stop();
    scenario.startActivityWorker();

    assertStoppedCancelled();
    // Whatever was still queued has had its chance to run: nothing more went to the customer.
    StopWinsScenarios.pause(500);
    assertThat(scenario.activities.emailSteps()).containsExactly("day-1-email");
    PlaybookState state = scenario.run.state();
    assertThat(PlaybookTestSupport.stepNames(state.steps())).containsExactly("day-1-email");
    assertEverySentEmailIsInTheSteps(state);
    // The run waited for the email's answer (no cancel request to the server): the activity
    // refused it, the stop being recorded, and the run closed after it.
    assertThat(StopWinsScenarios.types(scenario.history()))
        .doesNotContain(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED)
        .containsSubsequence(
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED,
            EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
            // The closing write: a local activity since RunVersions.LOCAL_LEDGER.
            EventType.EVENT_TYPE_MARKER_RECORDED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
  }

  @Test
  void behindSchedule_theDueEmailBeingSentWhenStopped_goesOut_andIsInTheSteps() throws Exception {
    scenario.startAndWaitForDay3();
    Gate sending = scenario.holdNextEmail();
    scenario.day3Comes();
    sending.awaitEntered();

    // The email is at the provider when the stop comes: the one exception, and the run says so.
    scenario.stop();
    sending.open();

    assertStoppedCancelled();
    assertThat(scenario.activities.emailSteps()).containsExactly("day-1-email", "day-3-email");
    PlaybookState state = scenario.run.state();
    assertThat(PlaybookTestSupport.stepNames(state.steps()))
        .containsExactly("day-1-email", "day-3-email");
    assertEverySentEmailIsInTheSteps(state);
    // Nothing after it: no day-7 task, no other activity but the closing write.
    assertThat(scenario.activities.tasks()).isEmpty();
    // The email is on the timeline too, written with the close.
    List<TimelineEntry> closing = scenario.activities.ledger().getLast().request().allEntries();
    assertThat(closing)
        .extracting(TimelineEntry::summary)
        .anySatisfy(summary -> assertThat(summary).startsWith("day-3-email: SENT"))
        .anySatisfy(summary -> assertThat(summary).contains("closed CANCELLED"));
  }

  private void assertStoppedCancelled() {
    assertThatThrownBy(() -> scenario.stub().getResult(30, TimeUnit.SECONDS, PlaybookResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOf(CanceledFailure.class);
    assertThat(scenario.stub().describe().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
    PlaybookState state = scenario.run.state();
    assertThat(state.outcome()).isEqualTo(RunOutcome.CANCELLED);
    assertThat(state.stage()).isEqualTo(PlaybookRun.CLOSED);
    assertThat(scenario.activities.projection().status()).isEqualTo("CANCELLED");
  }

  /** The emails the provider sent are exactly the run's SENT email steps. */
  private void assertEverySentEmailIsInTheSteps(PlaybookState state) {
    assertThat(
            state.steps().stream()
                .filter(s -> s.result() == StepResult.SENT)
                .map(StepRecord::step)
                .toList())
        .containsExactlyInAnyOrderElementsOf(scenario.activities.emailSteps());
  }
}
