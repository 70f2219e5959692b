package dev.retention.api.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retention.api.support.TemporalHistory;
import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.RunOutcome;
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

  /** The same run recorded with the customer's payloads under their data key. */
  static final String CUSTOMER_KEYED =
      "histories/nps-follow-up-detractor-resolved-customer-key.json";

  /** That run's data key, wrapped by the recorded codec key (see InMemoryCustomerKeyStore). */
  static final String CUSTOMER_KEY = "histories/nps-follow-up-detractor-resolved-customer-key.txt";

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

  @Test
  void historyUnderTheCodecKey_replaysThroughACodecWithCustomerDataKeys() throws Exception {
    // Runs from before crypto-shredding: their payloads name the codec key and still decode; the
    // commands replay encodes go under a customer key, which replay does not compare.
    replay(
        DETRACTOR_RESOLVED,
        withCustomerKeys(CodecTestKeys.rotated(), new InMemoryCustomerKeyStore()));
  }

  @Test
  void customerKeyedHistory_replaysThroughTheCodec_evenAfterACodecKeyRotation() throws Exception {
    replay(CUSTOMER_KEYED, withCustomerKeys(CodecTestKeys.recorded(), recordedCustomerKey()));
    replay(CUSTOMER_KEYED, withCustomerKeys(CodecTestKeys.rotated(), recordedCustomerKey()));
  }

  @Test
  void customerKeyedHistory_everyPayloadIsUnderTheCustomersDataKey() throws Exception {
    assertThat(resource(CUSTOMER_KEYED)).doesNotContain("Anna").doesNotContain("invoic");
    List<Payload> payloads = payloads(RecordedHistories.load(CUSTOMER_KEYED));
    assertThat(payloads).hasSizeGreaterThan(20);
    assertThat(payloads)
        .allSatisfy(
            p ->
                assertThat(p.getMetadataMap())
                    .containsKey(AesGcmPayloadCodec.DATA_KEY_ID)
                    .doesNotContainKey(AesGcmPayloadCodec.KEY_ID));
    AesGcmPayloadCodec codec = withCustomerKeys(CodecTestKeys.recorded(), recordedCustomerKey());
    assertThat(text(codec.decode(payloads))).contains(COMMENT).contains(NOTE);
  }

  @Test
  void afterTheCustomersKeyIsDestroyed_everyPayloadDecodesToTheErasedPlaceholder()
      throws Exception {
    InMemoryCustomerKeyStore store = recordedCustomerKey();
    AesGcmPayloadCodec codec = withCustomerKeys(CodecTestKeys.recorded(), store);
    List<Payload> payloads = payloads(RecordedHistories.load(CUSTOMER_KEYED));

    assertThat(store.destroy(EncryptedHistoryRecorder.CUSTOMER)).isOne();

    List<Payload> decoded = codec.decode(payloads);
    String keyId = recordedKeyId();
    assertThat(decoded)
        .allSatisfy(p -> assertThat(p).isEqualTo(AesGcmPayloadCodec.erasedPlaceholder(keyId)));
    assertThat(text(decoded)).doesNotContain("Anna").doesNotContain("invoic");
    // Not even the worker can read it now: which is why an erasure ends the customer's runs first.
    assertThatThrownBy(() -> replay(CUSTOMER_KEYED, codec)).isInstanceOf(RuntimeException.class);
  }

  private static AesGcmPayloadCodec withCustomerKeys(
      CodecKeyRing ring, InMemoryCustomerKeyStore store) {
    return new AesGcmPayloadCodec(ring, new CustomerDataKeys(ring, store));
  }

  private static InMemoryCustomerKeyStore recordedCustomerKey() throws Exception {
    return new InMemoryCustomerKeyStore().load(resource(CUSTOMER_KEY));
  }

  private static String recordedKeyId() throws Exception {
    return resource(CUSTOMER_KEY).split(":", 2)[0];
  }

  /** Every payload of the history except the SDK's own version markers (see the API test). */
  private static List<Payload> payloads(WorkflowExecutionHistory history) {
    List<Payload> payloads = new java.util.ArrayList<>();
    for (HistoryEvent event : history.getEvents()) {
      TemporalHistory.collectPayloads(event, payloads);
    }
    return payloads;
  }

  private static String text(List<Payload> payloads) {
    StringBuilder text = new StringBuilder();
    payloads.forEach(p -> text.append(p.getData().toStringUtf8()).append('\n'));
    return text.toString();
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
