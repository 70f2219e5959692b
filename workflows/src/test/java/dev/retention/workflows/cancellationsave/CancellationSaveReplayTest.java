package dev.retention.workflows.cancellationsave;

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
 * Replays recorded cancellation-save runs against today's workflow code: a change that is not
 * replay-safe fails here instead of on live runs. One run has no save call (escalation, offer
 * email, {@code OFFER_REJECTED}, churned at the deadline, exit survey and win-back to day 90); the
 * other is saved through the validated update and tells the backend. Recorded by {@link
 * CancellationSaveHistoryRecorder}.
 */
class CancellationSaveReplayTest {

  static final String CHURNED_WIN_BACK = "histories/cancellation-save-churned-win-back.json";
  static final String SAVED_BY_OFFER = "histories/cancellation-save-offer-accepted.json";

  @Test
  void churnedWinBackHistory_replaysWithoutNonDeterminism() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        CHURNED_WIN_BACK, CancellationSavePlaybookImpl.class);
  }

  @Test
  void offerAcceptedHistory_replaysWithoutNonDeterminism() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        SAVED_BY_OFFER, CancellationSavePlaybookImpl.class);
  }

  @Test
  void churnedHistory_isTheCompleteRunThroughWinBack() throws Exception {
    WorkflowExecutionHistory history = RecordedHistories.load(CHURNED_WIN_BACK);

    PlaybookResult result =
        RecordedHistories.assertCompleteRun(history, "CancellationSavePlaybook");

    assertThat(result.outcome()).isEqualTo(RunOutcome.CHURNED);
    assertThat(stepNames(result.steps()))
        .containsExactly(
            "save-call-task",
            "csm-alert",
            "save-call-sla-escalation",
            "offer-email",
            "executive-task",
            "decision-deadline",
            "exit-survey",
            "win-back-day-30",
            "win-back-day-90");
    assertThat(RecordedHistories.acceptedOutcomes(history))
        .containsExactly(OutcomeType.OFFER_REJECTED);
    assertThat(RecordedHistories.signalNames(history)).containsExactly("healthChanged");
    // Exempt from the sending rules: no slot is ever reserved.
    assertThat(RecordedHistories.activityTypes(history))
        .doesNotContain("ReserveSendSlot")
        .filteredOn("SendCustomerEmail"::equals)
        .hasSize(4);
  }

  @Test
  void savedHistory_isTheCompleteRunThatWithdrawsTheCancellation() throws Exception {
    WorkflowExecutionHistory history = RecordedHistories.load(SAVED_BY_OFFER);

    PlaybookResult result =
        RecordedHistories.assertCompleteRun(history, "CancellationSavePlaybook");

    assertThat(result.outcome()).isEqualTo(RunOutcome.SAVED);
    assertThat(stepNames(result.steps()))
        .containsExactly(
            "save-call-task",
            "csm-alert",
            "save-call-done",
            "offer-email",
            "customer-responded-task",
            "offer-accepted",
            "cancellation-withdrawn");
    assertThat(RecordedHistories.acceptedOutcomes(history))
        .containsExactly(
            OutcomeType.SAVE_CALL_DONE, OutcomeType.OFFER_PRESENTED, OutcomeType.OFFER_ACCEPTED);
    assertThat(RecordedHistories.signalNames(history)).containsExactly("customerResponded");
    assertThat(RecordedHistories.activityTypes(history)).contains("NotifyBackend");
  }
}
