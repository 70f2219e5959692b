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
    assertThat(
            replay(
                AT_RISK_SAVED,
                AtRiskPlaybookImpl.class,
                "AtRiskPlaybook",
                RunVersions.LOCAL_LEDGER,
                new FirstWait(2, 1, 2)))
        .isEqualTo(RunOutcome.SAVED);
  }

  @Test
  void engineNoResponse_replays_withItsLedgerWritesLocal() throws Exception {
    assertThat(
            replay(
                ENGINE_NO_RESPONSE,
                PlaybookEngineImpl.class,
                "PlaybookEngine",
                RunVersions.LOCAL_LEDGER,
                new FirstWait(2, 1, 2)))
        .isEqualTo(RunOutcome.CHURNING);
  }

  /**
   * Replays the history in {@code file} with {@code type}, checks that it is a complete run of
   * {@code workflowType} played in frame {@code version} with its ledger writes local, reaching its
   * first timer as {@code firstWait} says, and gives its outcome.
   */
  static RunOutcome replay(
      String file, Class<?> type, String workflowType, int version, FirstWait firstWait)
      throws Exception {
    WorkflowExecutionHistory history = RecordedHistories.load(file);
    WorkflowReplayer.replayWorkflowExecution(history, type);
    RunOutcome outcome = RecordedHistories.assertCompleteRun(history, workflowType).outcome();
    assertLocalLedger(history, version, firstWait);
    return outcome;
  }

  private static void assertLocalLedger(
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
