package dev.retention.workflows.frame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.atrisk.AtRiskPlaybookImpl;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.engine.PlaybookEngineImpl;
import io.temporal.api.enums.v1.EventType;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.Test;

/**
 * Replays the at-risk runs of {@link RunVersions#LOCAL_LEDGER}, recorded by {@link
 * LocalLedgerHistoryRecorder}: every ledger write a local activity (a marker named after what it
 * records), no {@code Record} activity task, and the first timer after 2 workflow tasks and the
 * day-1 email.
 */
class LocalLedgerReplayTest {

  static final String AT_RISK_SAVED = "histories/at-risk-v4-local-ledger-saved.json";

  static final String ENGINE_NO_RESPONSE = "histories/engine-at-risk-v4-local-ledger.json";

  @Test
  void atRiskSaved_replays_withItsLedgerWritesLocal() throws Exception {
    WorkflowExecutionHistory history = RecordedHistories.load(AT_RISK_SAVED);
    WorkflowReplayer.replayWorkflowExecution(history, AtRiskPlaybookImpl.class);

    assertThat(RecordedHistories.assertCompleteRun(history, "AtRiskPlaybook").outcome())
        .isEqualTo(RunOutcome.SAVED);
    assertLocalLedger(history, RunVersions.LOCAL_LEDGER, new FirstWait(2, 1, 2));
  }

  @Test
  void engineNoResponse_replays_withItsLedgerWritesLocal() throws Exception {
    WorkflowExecutionHistory history = RecordedHistories.load(ENGINE_NO_RESPONSE);
    WorkflowReplayer.replayWorkflowExecution(history, PlaybookEngineImpl.class);

    assertThat(RecordedHistories.assertCompleteRun(history, "PlaybookEngine").outcome())
        .isEqualTo(RunOutcome.CHURNING);
    assertLocalLedger(history, RunVersions.LOCAL_LEDGER, new FirstWait(2, 1, 2));
  }

  /**
   * The run played in frame {@code version}: its ledger writes were local activities (markers, no
   * {@code Record} activity task), and it reached its first timer as {@code firstWait} says.
   */
  static void assertLocalLedger(
      WorkflowExecutionHistory history, int version, FirstWait firstWait) {
    assertThat(
            history.getEvents().stream()
                .filter(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED)
                .filter(
                    e ->
                        e.getMarkerRecordedEventAttributes().getDetailsMap().containsKey("version"))
                .map(e -> e.getMarkerRecordedEventAttributes().getDetailsMap().get("version"))
                .map(p -> p.getPayloads(0).getData().toStringUtf8()))
        .containsExactly(Integer.toString(version));
    assertThat(RecordedHistories.activityTypes(history)).doesNotContain("Record");
    assertThat(
            history.getEvents().stream()
                .filter(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED)
                .filter(
                    e ->
                        "LocalActivity"
                            .equals(e.getMarkerRecordedEventAttributes().getMarkerName())))
        .isNotEmpty();
    assertThat(FirstWait.of(history.getEvents())).isEqualTo(firstWait);
  }
}
