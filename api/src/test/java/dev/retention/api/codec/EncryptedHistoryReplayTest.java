package dev.retention.api.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.common.PlaybookResult;
import dev.retention.workflows.common.RunOutcome;
import dev.retention.workflows.npsfollowup.NpsFollowUpInput;
import dev.retention.workflows.npsfollowup.NpsFollowUpPlaybookImpl;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DataConverter;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Replays a run recorded with every payload encrypted (by {@link EncryptedHistoryRecorder}) the way
 * the app's workers would: through the codec. A codec change that can no longer read the payloads
 * of live runs, or a key rotation that drops their key, fails here instead of on them. Histories
 * recorded before encryption keep replaying through the same converter (they pass through).
 */
class EncryptedHistoryReplayTest {

  static final String DETRACTOR_RESOLVED =
      "histories/nps-follow-up-detractor-resolved-encrypted.json";

  /** A history from before encryption (workflows module), which the app must still replay. */
  static final String PLAIN_DETRACTOR_RESOLVED = "histories/nps-follow-up-detractor-resolved.json";

  static final String COMMENT = "Anna Jansen: invoices wrong three months in a row";
  static final String NOTE = "Anna Jansen (finance) will churn unless invoicing is fixed";

  @Test
  void encryptedHistory_replaysThroughTheCodec() throws Exception {
    replay(DETRACTOR_RESOLVED, new AesGcmPayloadCodec(CodecTestKeys.recorded()));
  }

  @Test
  void encryptedHistory_replaysAfterAKeyRotation() throws Exception {
    AesGcmPayloadCodec rotated = new AesGcmPayloadCodec(CodecTestKeys.rotated());
    assertThat(rotated.keys().activeKeyId()).isNotEqualTo(CodecTestKeys.RECORDED_ID);

    replay(DETRACTOR_RESOLVED, rotated);
  }

  @Test
  void encryptedHistory_cannotBeReplayedWithoutTheKey() throws Exception {
    WorkflowExecutionHistory history = RecordedHistories.load(DETRACTOR_RESOLVED);

    // The default converter meets "binary/encrypted" payloads it cannot read.
    assertThatThrownBy(
            () -> WorkflowReplayer.replayWorkflowExecution(history, NpsFollowUpPlaybookImpl.class))
        .hasStackTraceContaining("binary/encrypted");
  }

  @Test
  void historyFromBeforeEncryption_stillReplaysThroughTheCodec() throws Exception {
    replay(PLAIN_DETRACTOR_RESOLVED, new AesGcmPayloadCodec(CodecTestKeys.rotated()));
  }

  @Test
  void encryptedHistory_holdsNoPersonalDataInTheClear_andIsTheWholeRun() throws Exception {
    String text = resource(DETRACTOR_RESOLVED);
    assertThat(text).doesNotContain("Anna").doesNotContain("invoic");
    WorkflowExecutionHistory history = RecordedHistories.load(DETRACTOR_RESOLVED);
    List<HistoryEvent> events = history.getEvents();

    HistoryEvent started = events.getFirst();
    assertThat(started.getWorkflowExecutionStartedEventAttributes().getWorkflowType().getName())
        .isEqualTo("NpsFollowUpPlaybook");
    List<Payload> input =
        started.getWorkflowExecutionStartedEventAttributes().getInput().getPayloadsList();
    assertThat(input).allSatisfy(p -> assertThat(AesGcmPayloadCodec.isEncrypted(p)).isTrue());
    assertThat(events.getLast().getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    assertThat(RecordedHistories.count(history, EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED))
        .isZero();
    assertThat(
            RecordedHistories.count(
                history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED))
        .isEqualTo(4);

    DataConverter converter = new AesGcmPayloadCodec(CodecTestKeys.rotated()).dataConverter();
    NpsFollowUpInput decodedInput =
        converter.fromPayloads(
            0,
            Optional.of(started.getWorkflowExecutionStartedEventAttributes().getInput()),
            NpsFollowUpInput.class,
            NpsFollowUpInput.class);
    assertThat(decodedInput.comment()).isEqualTo(COMMENT);
    PlaybookResult result =
        converter.fromPayloads(
            0,
            Optional.of(
                events.getLast().getWorkflowExecutionCompletedEventAttributes().getResult()),
            PlaybookResult.class,
            PlaybookResult.class);
    assertThat(result.outcome()).isEqualTo(RunOutcome.RESOLVED);
    assertThat(PlaybookTestSupport.stepNames(result.steps()))
        .containsExactly(
            "detractor-task",
            "csm-alert",
            "outreach-done",
            "call-completed",
            "recovery-plan",
            "resolved");
  }

  private static void replay(String resource, AesGcmPayloadCodec codec) throws Exception {
    WorkflowExecutionHistory history = RecordedHistories.load(resource);
    try (TestWorkflowEnvironment env = EncryptedHistoryRecorder.environment(codec)) {
      WorkflowReplayer.replayWorkflowExecution(history, env, NpsFollowUpPlaybookImpl.class);
    }
  }

  private static String resource(String name) throws Exception {
    try (InputStream in =
        EncryptedHistoryReplayTest.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
