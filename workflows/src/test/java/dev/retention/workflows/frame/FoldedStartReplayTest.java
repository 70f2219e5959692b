package dev.retention.workflows.frame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.atrisk.AtRiskPlaybookImpl;
import dev.retention.workflows.contract.RunOutcome;
import org.junit.jupiter.api.Test;

/**
 * Replays an at-risk run of {@link RunVersions#FOLDED_START}, recorded by {@link
 * LocalLedgerHistoryRecorder}: its customer answers on day 2 and its CSM records SAVED. Its
 * "started" entry went with the day-1 step's write, so one local activity comes before its first
 * timer.
 */
class FoldedStartReplayTest {

  static final String AT_RISK_SAVED = "histories/at-risk-v5-folded-start-saved.json";

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
}
