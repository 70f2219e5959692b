package dev.retention.api.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.OutcomeType;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.payload.codec.PayloadCodecException;
import io.temporal.payload.context.ActivitySerializationContext;
import io.temporal.payload.context.WorkflowSerializationContext;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Crypto-shredding in the codec: a customer's run payloads under their data key, which the store
 * keeps wrapped; once destroyed, those payloads decode to the erased placeholder, everything else
 * as before.
 */
class CustomerDataKeysTest {

  static final String NOTE = "Anna Jansen at Globex: exports keep timing out";

  final InMemoryCustomerKeyStore store = new InMemoryCustomerKeyStore();
  final AtomicLong clock = new AtomicLong();
  final CustomerDataKeys keys =
      new CustomerDataKeys(
          CodecTestKeys.recorded(), store, new SecureRandom(), Duration.ofSeconds(30), clock::get);
  final AesGcmPayloadCodec codec = new AesGcmPayloadCodec(CodecTestKeys.recorded(), keys);

  @Test
  void aRunsPayloads_areUnderItsCustomersDataKey_otherWorkflowsUnderTheCodecKey() {
    DataConverter converter = codec.dataConverter();
    Payload outcome = json(new CsmOutcome(OutcomeType.CALL_COMPLETED, NOTE, "csm-7"));

    Payload ofRun =
        encoded(converter.withContext(new WorkflowSerializationContext("default", "at-risk-c-42")));
    Payload ofActivity =
        encoded(
            converter.withContext(
                new ActivitySerializationContext(
                    "default", "nps-follow-up-c-42", "NpsFollowUpPlaybook", "Record", "q", false)));
    Payload ofPurge =
        encoded(
            converter.withContext(
                new WorkflowSerializationContext("default", "retention-purge-run")));
    Payload noContext = codec.encode(outcome);

    String keyId = store.live("c-42").orElseThrow().id();
    assertThat(ofRun.getMetadataMap().get(AesGcmPayloadCodec.DATA_KEY_ID).toStringUtf8())
        .isEqualTo(keyId);
    assertThat(ofActivity.getMetadataMap().get(AesGcmPayloadCodec.DATA_KEY_ID).toStringUtf8())
        .isEqualTo(keyId);
    assertThat(ofRun.getMetadataMap()).doesNotContainKey(AesGcmPayloadCodec.KEY_ID);
    assertThat(ofPurge.getMetadataMap()).containsKey(AesGcmPayloadCodec.KEY_ID);
    assertThat(noContext.getMetadataMap()).containsKey(AesGcmPayloadCodec.KEY_ID);
    assertThat(ofRun.getData().toStringUtf8()).doesNotContain("Globex");
    assertThat(codec.decode(codec.forCustomer("c-42").encode(outcome))).isEqualTo(outcome);
    assertThat(
            converter
                .withContext(new WorkflowSerializationContext("default", "at-risk-c-42"))
                .fromPayload(ofRun, CsmOutcome.class, CsmOutcome.class)
                .note())
        .isEqualTo(NOTE);
  }

  @Test
  void destroyingTheKey_erasesTheCustomersPayloads_onlyTheirs() {
    Payload plain = json(NOTE);
    Payload acme = codec.forCustomer("c-42").encode(plain);
    Payload globex = codec.forCustomer("c-7").encode(plain);
    Payload underCodecKey = codec.encode(plain);
    String acmeKey = store.live("c-42").orElseThrow().id();

    assertThat(keys.destroy("c-42")).isOne();

    Payload erased = codec.decode(acme);
    assertThat(erased).isEqualTo(AesGcmPayloadCodec.erasedPlaceholder(acmeKey));
    assertThat(erased.getData().toStringUtf8()).isEqualTo("\"[erased]\"");
    assertThat(erased.getMetadataMap().get("encoding").toStringUtf8()).isEqualTo("json/plain");
    assertThat(codec.verifying().decode(acme)).isEqualTo(erased);
    assertThat(codec.decode(globex)).isEqualTo(plain);
    assertThat(codec.decode(underCodecKey)).isEqualTo(plain);
    // The placeholder reads as a string; a typed value cannot be made of it.
    DataConverter converter = DefaultDataConverter.STANDARD_INSTANCE;
    assertThat(converter.fromPayload(erased, String.class, String.class)).isEqualTo("[erased]");
  }

  @Test
  void aCustomerSeenAgainAfterTheErasure_getsANewKey() {
    codec.forCustomer("c-42").encode(json(NOTE));
    String first = store.live("c-42").orElseThrow().id();
    keys.destroy("c-42");

    Payload again = codec.forCustomer("c-42").encode(json("new data"));

    String second = store.live("c-42").orElseThrow().id();
    assertThat(second).isNotEqualTo(first);
    assertThat(again.getMetadataMap().get(AesGcmPayloadCodec.DATA_KEY_ID).toStringUtf8())
        .isEqualTo(second);
    assertThat(codec.decode(again)).isEqualTo(json("new data"));
  }

  @Test
  void anotherInstance_seesTheKeyDestroyed_atOnceWhenVerifying_otherwiseWithinTheTtl() {
    Payload acme = codec.forCustomer("c-42").encode(json(NOTE));
    CustomerDataKeys otherKeys =
        new CustomerDataKeys(
            CodecTestKeys.recorded(),
            store,
            new SecureRandom(),
            Duration.ofSeconds(30),
            clock::get);
    AesGcmPayloadCodec other = new AesGcmPayloadCodec(CodecTestKeys.recorded(), otherKeys);
    assertThat(other.decode(acme)).isEqualTo(json(NOTE));

    keys.destroy("c-42");

    // A worker uses the key it holds until the TTL runs out ...
    assertThat(other.decode(acme)).isEqualTo(json(NOTE));
    clock.addAndGet(Duration.ofSeconds(31).toNanos());
    assertThat(other.decode(acme).getData().toStringUtf8()).isEqualTo("\"[erased]\"");
    // ... the codec endpoint asks the store at once (and the instance forgets the key).
    AesGcmPayloadCodec third =
        new AesGcmPayloadCodec(
            CodecTestKeys.recorded(), new CustomerDataKeys(CodecTestKeys.recorded(), store));
    assertThat(third.verifying().decode(acme).getData().toStringUtf8()).isEqualTo("\"[erased]\"");
  }

  @Test
  void dataKeys_surviveACodecKeyRotation_andAreBoundToTheirCustomer() {
    Payload acme = codec.forCustomer("c-42").encode(json(NOTE));
    CustomerDataKeys.StoredKey stored = store.live("c-42").orElseThrow();
    assertThat(stored.wrappingKeyId()).isEqualTo(CodecTestKeys.RECORDED_ID);

    CodecKeyRing rotated = CodecTestKeys.rotated();
    AesGcmPayloadCodec afterRotation =
        new AesGcmPayloadCodec(rotated, new CustomerDataKeys(rotated, store));
    assertThat(afterRotation.decode(acme)).isEqualTo(json(NOTE));
    // The customer's next payload wraps their key anew under the active codec key: the retired
    // codec key is no longer needed for them.
    Payload next = afterRotation.forCustomer("c-42").encode(json("next"));
    assertThat(store.live("c-42").orElseThrow().wrappingKeyId())
        .isEqualTo(CodecTestKeys.ROTATED_ID);
    CodecKeyRing onlyNew =
        CodecKeyRing.of(Map.of(CodecTestKeys.ROTATED_ID, CodecTestKeys.ROTATED), "");
    AesGcmPayloadCodec withoutOld =
        new AesGcmPayloadCodec(onlyNew, new CustomerDataKeys(onlyNew, store));
    assertThat(withoutOld.decode(acme)).isEqualTo(json(NOTE));
    assertThat(withoutOld.decode(next)).isEqualTo(json("next"));

    // A wrapped key moved to another customer does not unwrap.
    InMemoryCustomerKeyStore moved =
        new InMemoryCustomerKeyStore()
            .load(InMemoryCustomerKeyStore.line(stored).replace(":c-42:", ":c-7:"));
    AesGcmPayloadCodec withMoved =
        new AesGcmPayloadCodec(
            CodecTestKeys.recorded(), new CustomerDataKeys(CodecTestKeys.recorded(), moved));
    assertThatThrownBy(() -> withMoved.decode(acme))
        .isInstanceOf(PayloadCodecException.class)
        .hasMessageContaining("could not be unwrapped");
  }

  @Test
  void aPayloadOfAnUnknownDataKey_orWithoutAKeyStore_isRefusedClearly() {
    Payload acme = codec.forCustomer("c-42").encode(json(NOTE));
    Payload unknown =
        acme.toBuilder()
            .putMetadata(AesGcmPayloadCodec.DATA_KEY_ID, ByteString.copyFromUtf8("dk-nope"))
            .build();

    assertThatThrownBy(() -> codec.decode(unknown))
        .isInstanceOf(PayloadCodecException.class)
        .hasMessageContaining("'dk-nope'")
        .hasMessageContaining("does not know");
    assertThatThrownBy(() -> new AesGcmPayloadCodec(CodecTestKeys.recorded()).decode(acme))
        .isInstanceOf(PayloadCodecException.class)
        .hasMessageContaining("no access to customer data keys");
  }

  private Payload encoded(DataConverter converter) {
    Payloads payloads =
        converter
            .toPayloads(new CsmOutcome(OutcomeType.CALL_COMPLETED, NOTE, "csm-7"))
            .orElseThrow();
    List<Payload> list = payloads.getPayloadsList();
    assertThat(list).hasSize(1);
    return list.getFirst();
  }

  private static Payload json(Object value) {
    return DefaultDataConverter.STANDARD_INSTANCE.toPayload(value).orElseThrow();
  }
}
