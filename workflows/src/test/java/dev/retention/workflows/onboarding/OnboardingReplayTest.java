package dev.retention.workflows.onboarding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.StepRecord;
import dev.retention.workflows.contract.StepResult;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.Test;

/**
 * Replays a recorded onboarding run against today's workflow code: a change that is not replay-safe
 * fails here instead of on live runs. In the 30-day run the sending rules are on, milestones arrive
 * as signals (celebrations wait for the next free day), the trial stalls, the CSM records {@code
 * CUSTOMER_RESPONDED} (the validated update), the customer pays, and day 30 closes it {@code
 * COMPLETED}. Recorded by {@link OnboardingHistoryRecorder}.
 */
class OnboardingReplayTest {

  static final String STALLED_THEN_COMPLETED = "histories/onboarding-stalled-then-completed.json";

  @Test
  void stalledThenCompletedHistory_replaysWithoutNonDeterminism() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        STALLED_THEN_COMPLETED, OnboardingPlaybookImpl.class);
  }

  @Test
  void recordedHistory_isTheCompleteStalledThenCompletedRun() throws Exception {
    WorkflowExecutionHistory history = RecordedHistories.load(STALLED_THEN_COMPLETED);

    PlaybookResult result = RecordedHistories.assertCompleteRun(history, "OnboardingPlaybook");

    assertThat(result.outcome()).isEqualTo(RunOutcome.COMPLETED);
    assertThat(result.steps())
        .extracting(StepRecord::step, StepRecord::result)
        .containsExactly(
            tuple("day-0-welcome-email", StepResult.SENT),
            tuple("milestone-integration-connected", StepResult.SENT),
            tuple("milestone-first-query", StepResult.SENT),
            tuple("stalled-task-1", StepResult.TASK_CREATED),
            tuple("day-6-conversion-email", StepResult.SENT),
            tuple("customer-responded-task", StepResult.TASK_CREATED),
            tuple("milestone-three-questions", StepResult.SKIPPED_CUSTOMER_RESPONDED),
            tuple("milestone-payment-method-added", StepResult.SKIPPED_CUSTOMER_RESPONDED),
            tuple("milestone-key-workflow-established", StepResult.SKIPPED_CUSTOMER_RESPONDED),
            tuple("day-14-trial-end", StepResult.RECORDED),
            tuple("day-30-close", StepResult.RECORDED));
    assertThat(RecordedHistories.acceptedOutcomes(history))
        .containsExactly(OutcomeType.CUSTOMER_RESPONDED);
    assertThat(RecordedHistories.signalNames(history)).hasSize(5).containsOnly("milestone");
    assertThat(RecordedHistories.activityTypes(history))
        .filteredOn("ReserveSendSlot"::equals)
        .hasSize(4); // welcome, two celebrations, conversion
  }
}
