package dev.retention.api.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts every Temporal payload with AES-256-GCM, so that the Temporal service, and anyone who
 * reads its history, sees ciphertext where customer names, NPS comments and CSM notes were.
 *
 * <p>The whole original payload (its metadata and data, {@link Payload#toByteArray()}) is encrypted
 * under the ring's active key with a fresh random 12-byte nonce; the encoded payload's data is
 * {@code nonce || ciphertext || tag}, its metadata {@code encoding: binary/encrypted} and {@code
 * encryption-key-id: <id>}. The key id is authenticated as associated data, so a payload cannot be
 * passed off as another key's. Decoding picks the key by that id, so payloads written before a key
 * rotation still decrypt; payloads without the encrypted encoding (histories recorded before
 * encryption) pass through unchanged.
 */
public final class AesGcmPayloadCodec implements PayloadCodec {

  public static final String METADATA_ENCODING = "encoding";
  public static final String ENCODING = "binary/encrypted";
  public static final String KEY_ID = "encryption-key-id";

  static final int NONCE_BYTES = 12;
  static final int TAG_BITS = 128;
  private static final String CIPHER = "AES/GCM/NoPadding";
  private static final ByteString ENCODING_BYTES = ByteString.copyFromUtf8(ENCODING);

  private final CodecKeyRing keys;
  private final SecureRandom random;

  public AesGcmPayloadCodec(CodecKeyRing keys) {
    this(keys, new SecureRandom());
  }

  AesGcmPayloadCodec(CodecKeyRing keys, SecureRandom random) {
    this.keys = keys;
    this.random = random;
  }

  /**
   * The default JSON conversion with every payload encrypted by this codec. Failure messages and
   * stack traces are encoded too ({@code encodeFailureAttributes}): they can quote customer data.
   */
  public DataConverter dataConverter() {
    return new CodecDataConverter(DefaultDataConverter.STANDARD_INSTANCE, List.of(this), true);
  }

  public CodecKeyRing keys() {
    return keys;
  }

  @Override
  public List<Payload> encode(List<Payload> payloads) {
    return payloads.stream().map(this::encode).toList();
  }

  @Override
  public List<Payload> decode(List<Payload> payloads) {
    return payloads.stream().map(this::decode).toList();
  }

  /** One payload, encrypted under the active key. */
  public Payload encode(Payload payload) {
    String keyId = keys.activeKeyId();
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] sealed;
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, keys.activeKey(), nonce, keyId);
      sealed = cipher.doFinal(payload.toByteArray());
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException("could not encrypt a payload with key " + keyId, e);
    }
    byte[] data = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
    return Payload.newBuilder()
        .putMetadata(METADATA_ENCODING, ENCODING_BYTES)
        .putMetadata(KEY_ID, ByteString.copyFromUtf8(keyId))
        .setData(ByteString.copyFrom(data))
        .build();
  }

  /** One payload, decrypted; returned unchanged unless its encoding is {@value #ENCODING}. */
  public Payload decode(Payload payload) {
    if (!isEncrypted(payload)) {
      return payload;
    }
    ByteString keyIdBytes = payload.getMetadataMap().get(KEY_ID);
    if (keyIdBytes == null || keyIdBytes.isEmpty()) {
      throw new PayloadCodecException(
          "an encrypted payload has no " + KEY_ID + " in its metadata; it cannot be decrypted");
    }
    String keyId = keyIdBytes.toStringUtf8();
    SecretKey key = keys.key(keyId);
    if (key == null) {
      throw new PayloadCodecException(
          "a payload is encrypted with key id '"
              + keyId
              + "', which is not among the configured keys "
              + keys.keyIds()
              + "; keep retired keys in retention.codec.keys (env RETENTION_CODEC_KEYS) until no"
              + " history needs them");
    }
    ByteString data = payload.getData();
    if (data.size() < NONCE_BYTES + TAG_BITS / 8) {
      throw new PayloadCodecException(
          "an encrypted payload (key id '" + keyId + "') is too short to hold a nonce and a tag");
    }
    byte[] nonce = data.substring(0, NONCE_BYTES).toByteArray();
    byte[] sealed = data.substring(NONCE_BYTES).toByteArray();
    byte[] plain;
    try {
      plain = cipher(Cipher.DECRYPT_MODE, key, nonce, keyId).doFinal(sealed);
    } catch (AEADBadTagException e) {
      throw new PayloadCodecException(
          "an encrypted payload (key id '"
              + keyId
              + "') failed authentication: it was altered, or encrypted with a different key"
              + " under the same id",
          e);
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException("could not decrypt a payload with key id '" + keyId + "'", e);
    }
    try {
      return Payload.parseFrom(plain);
    } catch (InvalidProtocolBufferException e) {
      throw new PayloadCodecException(
          "a payload decrypted with key id '" + keyId + "' is not a serialised payload", e);
    }
  }

  public static boolean isEncrypted(Payload payload) {
    return ENCODING_BYTES.equals(payload.getMetadataMap().get(METADATA_ENCODING));
  }

  private static Cipher cipher(int mode, SecretKey key, byte[] nonce, String keyId)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance(CIPHER);
    cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(keyId.getBytes(StandardCharsets.UTF_8));
    return cipher;
  }
}
