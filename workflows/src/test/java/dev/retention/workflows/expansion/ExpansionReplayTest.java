package dev.retention.workflows.expansion;

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
 * Replays a recorded expansion run against today's workflow code: a change that is not replay-safe
 * fails here instead of on live runs. In the run the sending rules are on, the case study waits for
 * Monday's business hours, the CSM records {@code CUSTOMER_RESPONDED} (the validated update), the
 * customer's reply and a health score arrive as signals, and the upgrade signal ends it {@code
 * UPGRADED}. Recorded by {@link ExpansionHistoryRecorder}.
 */
class ExpansionReplayTest {

  static final String RESPONDED_THEN_UPGRADED = "histories/expansion-responded-then-upgraded.json";

  @Test
  void respondedThenUpgradedHistory_replaysWithoutNonDeterminism() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        RESPONDED_THEN_UPGRADED, ExpansionPlaybookImpl.class);
  }

  @Test
  void recordedHistory_isTheCompleteRespondedThenUpgradedRun() throws Exception {
    WorkflowExecutionHistory history = RecordedHistories.load(RESPONDED_THEN_UPGRADED);

    PlaybookResult result = RecordedHistories.assertCompleteRun(history, "ExpansionPlaybook");

    assertThat(result.outcome()).isEqualTo(RunOutcome.UPGRADED);
    assertThat(stepNames(result.steps()))
        .containsExactly(
            "day-1-usage-email", "day-7-case-study-email", "customer-interested-task", "upgraded");
    assertThat(RecordedHistories.acceptedOutcomes(history))
        .containsExactly(OutcomeType.CUSTOMER_RESPONDED);
    assertThat(RecordedHistories.signalNames(history))
        .containsExactly("customerResponded", "healthChanged", "upgraded");
    assertThat(RecordedHistories.activityTypes(history))
        .containsSubsequence(
            "ExpansionFigures",
            "ReserveSendSlot",
            "SendCustomerEmail",
            "ReserveSendSlot",
            "SendCustomerEmail",
            "CreateTask");
  }
}
