package dev.retention.api.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.OutcomeType;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.failure.v1.Failure;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ApplicationFailure;
import io.temporal.payload.codec.PayloadCodecException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The AES-256-GCM payload codec on its own: round trip, rotation, tampering, pass-through. */
class CodecPayloadTest {

  static final String NOTE = "Anna Jansen at Globex: exports keep timing out";

  final AesGcmPayloadCodec codec = new AesGcmPayloadCodec(CodecTestKeys.recorded());

  @Test
  void roundTrip_givesBackTheOriginalPayload_andTheCiphertextHidesIt() {
    Payload plain = json(new CsmOutcome(OutcomeType.CALL_COMPLETED, NOTE, "csm-7"));

    Payload encrypted = codec.encode(plain);

    assertThat(metadata(encrypted))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("encoding", "binary/encrypted", "encryption-key-id", CodecTestKeys.RECORDED_ID));
    assertThat(encrypted.getData().toStringUtf8()).doesNotContain("Globex").doesNotContain("json");
    // nonce (12) + the serialised payload + the GCM tag (16)
    assertThat(encrypted.getData().size()).isEqualTo(12 + plain.toByteArray().length + 16);
    assertThat(codec.decode(encrypted)).isEqualTo(plain);
  }

  @Test
  void everyPayloadGetsItsOwnNonce() {
    Payload plain = json("the same value");
    Set<ByteString> nonces = new HashSet<>();
    Set<ByteString> ciphertexts = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      ByteString data = codec.encode(plain).getData();
      nonces.add(data.substring(0, AesGcmPayloadCodec.NONCE_BYTES));
      ciphertexts.add(data);
    }
    assertThat(nonces).hasSize(1000);
    assertThat(ciphertexts).hasSize(1000);
  }

  @Test
  void rotation_oldPayloadsStillDecode_newOnesUseTheNewKey() {
    Payload plain = json(NOTE);
    Payload underOldKey = codec.encode(plain);

    AesGcmPayloadCodec rotated = new AesGcmPayloadCodec(CodecTestKeys.rotated());
    Payload underNewKey = rotated.encode(plain);

    assertThat(metadata(underNewKey)).containsEntry("encryption-key-id", CodecTestKeys.ROTATED_ID);
    assertThat(rotated.decode(underOldKey)).isEqualTo(plain);
    assertThat(rotated.decode(underNewKey)).isEqualTo(plain);
    // A service that never got the new key cannot read what it encrypted, and says why.
    assertThatThrownBy(() -> codec.decode(underNewKey))
        .isInstanceOf(PayloadCodecException.class)
        .hasMessageContaining("key id '" + CodecTestKeys.ROTATED_ID + "'")
        .hasMessageContaining("not among the configured keys [" + CodecTestKeys.RECORDED_ID + "]");
  }

  @Test
  void tamperedCiphertext_isRefused() {
    Payload encrypted = codec.encode(json(NOTE));
    byte[] data = encrypted.getData().toByteArray();
    data[20] ^= 0x01;
    Payload tampered = encrypted.toBuilder().setData(ByteString.copyFrom(data)).build();

    assertThatThrownBy(() -> codec.decode(tampered))
        .isInstanceOf(PayloadCodecException.class)
        .hasMessageContaining("failed authentication");
  }

  @Test
  void keyIdIsAuthenticated_aPayloadCannotBeRelabelled() {
    // Two keys with the same bytes: only the id in the metadata differs, and it is checked.
    CodecKeyRing twins =
        CodecKeyRing.of(Map.of("a", CodecTestKeys.RECORDED, "b", CodecTestKeys.RECORDED), "a");
    AesGcmPayloadCodec codecWithTwins = new AesGcmPayloadCodec(twins);
    Payload encrypted = codecWithTwins.encode(json(NOTE));
    Payload relabelled =
        encrypted.toBuilder()
            .putMetadata("encryption-key-id", ByteString.copyFromUtf8("b"))
            .build();

    assertThat(codecWithTwins.decode(encrypted)).isEqualTo(json(NOTE));
    assertThatThrownBy(() -> codecWithTwins.decode(relabelled))
        .isInstanceOf(PayloadCodecException.class)
        .hasMessageContaining("failed authentication");
  }

  @Test
  void truncatedOrKeylessPayloads_areRefusedClearly() {
    Payload encrypted = codec.encode(json(NOTE));
    Payload truncated = encrypted.toBuilder().setData(encrypted.getData().substring(0, 20)).build();
    Payload keyless = encrypted.toBuilder().removeMetadata("encryption-key-id").build();

    assertThatThrownBy(() -> codec.decode(truncated))
        .isInstanceOf(PayloadCodecException.class)
        .hasMessageContaining("too short");
    assertThatThrownBy(() -> codec.decode(keyless))
        .isInstanceOf(PayloadCodecException.class)
        .hasMessageContaining("no encryption-key-id");
  }

  @Test
  void unencryptedPayloads_passThroughDecodeUnchanged() {
    Payload json = json(NOTE);
    Payload nullPayload = DefaultDataConverter.STANDARD_INSTANCE.toPayload(null).orElseThrow();
    Payload raw =
        Payload.newBuilder()
            .putMetadata("encoding", ByteString.copyFromUtf8("binary/plain"))
            .setData(ByteString.copyFrom(new byte[] {1, 2, 3}))
            .build();

    assertThat(codec.decode(List.of(json, nullPayload, raw)))
        .containsExactly(json, nullPayload, raw);
  }

  @Test
  void dataConverter_encryptsValuesAndFailureMessages() {
    DataConverter converter = codec.dataConverter();
    CsmOutcome outcome = new CsmOutcome(OutcomeType.CALL_COMPLETED, NOTE, "csm-7");

    Payload payload = converter.toPayload(outcome).orElseThrow();
    assertThat(AesGcmPayloadCodec.isEncrypted(payload)).isTrue();
    assertThat(converter.fromPayload(payload, CsmOutcome.class, CsmOutcome.class))
        .isEqualTo(outcome);

    Failure failure =
        converter.exceptionToFailure(
            ApplicationFailure.newNonRetryableFailure("no email for " + NOTE, "Refused"));
    assertThat(failure.toString()).doesNotContain("Globex");
    assertThat(failure.getMessage()).isEqualTo("Encoded failure");
    RuntimeException back = converter.failureToException(failure);
    assertThat(((ApplicationFailure) back).getOriginalMessage()).isEqualTo("no email for " + NOTE);
  }

  @Test
  void keyRing_refusesBadKeysWithoutEchoingThem() {
    assertThatThrownBy(() -> CodecKeyRing.of(Map.of("k1", "c2hvcnQ="), ""))
        .hasMessageContaining("'k1' is 5 bytes")
        .hasMessageNotContaining("c2hvcnQ=");
    assertThatThrownBy(() -> CodecKeyRing.parse(CodecTestKeys.RECORDED + ":k1"))
        .hasMessageContaining("id is not valid")
        .hasMessageNotContaining(CodecTestKeys.RECORDED.substring(0, 10));
    assertThatThrownBy(() -> CodecKeyRing.of(CodecKeyRing.parse(twoKeys()), ""))
        .hasMessageContaining("retention.codec.active-key-id");
    assertThatThrownBy(() -> CodecKeyRing.of(CodecKeyRing.parse(twoKeys()), "k9"))
        .hasMessageContaining("'k9' is not among the configured keys [k1, k2]");
    assertThat(CodecKeyRing.of(CodecKeyRing.parse(twoKeys()), "k2").activeKeyId()).isEqualTo("k2");
    assertThat(CodecKeyRing.of(CodecKeyRing.parse(twoKeys()), "k2").toString())
        .doesNotContain(CodecTestKeys.RECORDED);
  }

  private static String twoKeys() {
    return "k1:" + CodecTestKeys.RECORDED + ", k2:" + CodecTestKeys.ROTATED;
  }

  private static Payload json(Object value) {
    return DefaultDataConverter.STANDARD_INSTANCE.toPayload(value).orElseThrow();
  }

  private static Map<String, String> metadata(Payload payload) {
    Map<String, String> text = new java.util.HashMap<>();
    payload
        .getMetadataMap()
        .forEach((k, v) -> text.put(k, new String(v.toByteArray(), StandardCharsets.UTF_8)));
    return text;
  }
}
