package dev.retention.workflows.npsfollowup;

import static dev.retention.workflows.PlaybookTestSupport.stepNames;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.RunOutcome;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.Test;

/**
 * Replays recorded NPS follow-up runs against today's workflow code: a change that is not
 * replay-safe fails here instead of on live runs. A detractor goes through every CSM outcome of the
 * validated update to {@code RESOLVED}, ignoring a reply and a health score; a passive's email
 * reply (a signal) ends the run {@code FEEDBACK_CAPTURED}. Recorded by {@link
 * NpsFollowUpHistoryRecorder}.
 */
class NpsFollowUpReplayTest {

  static final String DETRACTOR_RESOLVED = "histories/nps-follow-up-detractor-resolved.json";
  static final String PASSIVE_WITH_REPLY = "histories/nps-follow-up-passive-reply.json";

  @Test
  void detractorResolvedHistory_replaysWithoutNonDeterminism() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        DETRACTOR_RESOLVED, NpsFollowUpPlaybookImpl.class);
  }

  @Test
  void passiveWithReplyHistory_replaysWithoutNonDeterminism() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        PASSIVE_WITH_REPLY, NpsFollowUpPlaybookImpl.class);
  }

  @Test
  void detractorHistory_isTheCompleteRunThroughEveryCsmOutcome() throws Exception {
    WorkflowExecutionHistory history = RecordedHistories.load(DETRACTOR_RESOLVED);

    PlaybookResult result = RecordedHistories.assertCompleteRun(history, "NpsFollowUpPlaybook");

    assertThat(result.outcome()).isEqualTo(RunOutcome.RESOLVED);
    assertThat(stepNames(result.steps()))
        .containsExactly(
            "detractor-task",
            "csm-alert",
            "outreach-done",
            "call-completed",
            "recovery-plan",
            "resolved");
    assertThat(RecordedHistories.acceptedOutcomes(history))
        .containsExactly(
            OutcomeType.OUTREACH_DONE,
            OutcomeType.CALL_COMPLETED,
            OutcomeType.RECOVERY_PLAN,
            OutcomeType.RESOLVED);
    assertThat(RecordedHistories.signalNames(history))
        .containsExactly("customerResponded", "healthChanged");
  }

  @Test
  void passiveHistory_isTheCompleteRunWithTheReplyCaptured() throws Exception {
    WorkflowExecutionHistory history = RecordedHistories.load(PASSIVE_WITH_REPLY);

    PlaybookResult result = RecordedHistories.assertCompleteRun(history, "NpsFollowUpPlaybook");

    assertThat(result.outcome()).isEqualTo(RunOutcome.FEEDBACK_CAPTURED);
    assertThat(stepNames(result.steps()))
        .containsExactly("thank-you", "comment-feature-request", "reply-feature-request");
    assertThat(RecordedHistories.acceptedOutcomes(history)).isEmpty();
    assertThat(RecordedHistories.signalNames(history))
        .containsExactly("healthChanged", "customerResponded");
    assertThat(RecordedHistories.activityTypes(history))
        .containsSubsequence("ReserveSendSlot", "SendCustomerEmail", "AddNote", "AddTag");
  }
}
