package dev.retention.workflows.frame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.atrisk.AtRiskPlaybookImpl;
import dev.retention.workflows.contract.RunOutcome;
import io.temporal.api.enums.v1.EventType;
import io.temporal.common.WorkflowExecutionHistory;
import org.junit.jupiter.api.Test;

/**
 * Replays an at-risk run of {@link RunVersions#FOLDED_START}, recorded by {@link
 * LocalLedgerHistoryRecorder}: its customer answers on day 2 and its CSM records SAVED. Its
 * "started" entry went with the day-1 step's write, so one local activity comes before its first
 * timer.
 */
class FoldedStartReplayTest {

  static final String AT_RISK_SAVED = "histories/at-risk-v5-folded-start-saved.json";

  static final String AT_RISK_FIRST_STAGE_SAVED =
      "histories/at-risk-v6-first-stage-at-start-saved.json";

  @Test
  void atRiskSaved_replays_withOneWriteBeforeItsFirstTimer() throws Exception {
    assertThat(
            LocalLedgerReplayTest.replay(
                AT_RISK_SAVED,
                AtRiskPlaybookImpl.class,
                "AtRiskPlaybook",
                RunVersions.FOLDED_START,
                new FirstWait(2, 1, 1)))
        .isEqualTo(RunOutcome.SAVED);
  }

  /**
   * The same run of {@link RunVersions#FIRST_STAGE_AT_START}, started with its first stage among
   * its search attributes: no search attribute upserted before its first timer, the stage's later
   * changes upserted as before.
   */
  @Test
  void atRiskSavedStartedWithItsFirstStage_replays_upsertingOnlyItsLaterStages() throws Exception {
    assertThat(
            LocalLedgerReplayTest.replay(
                AT_RISK_FIRST_STAGE_SAVED,
                AtRiskPlaybookImpl.class,
                "AtRiskPlaybook",
                RunVersions.FIRST_STAGE_AT_START,
                new FirstWait(2, 1, 1)))
        .isEqualTo(RunOutcome.SAVED);
    WorkflowExecutionHistory history = RecordedHistories.load(AT_RISK_FIRST_STAGE_SAVED);
    assertThat(RecordedHistories.upsertsBeforeTheFirstTimer(history.getEvents())).isZero();
    assertThat(
            RecordedHistories.count(
                history, EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES))
        .as("the later stages")
        .isPositive();
  }
}
