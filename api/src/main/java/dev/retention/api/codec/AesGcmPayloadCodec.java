package dev.retention.api.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.retention.workflows.contract.Playbook;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import io.temporal.payload.context.HasWorkflowSerializationContext;
import io.temporal.payload.context.SerializationContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
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
 *
 * <p>Crypto-shredding: given {@link CustomerDataKeys}, a payload of a customer's playbook run (the
 * SDK hands the codec the workflow id through {@link #withContext}; a run's id names its customer,
 * see {@link Playbook#workflowId}) is encrypted with that customer's data key instead, its metadata
 * naming the data key ({@value #DATA_KEY_ID}) in place of the codec key. Once the customer's
 * personal data is erased their keys are destroyed, and such a payload decodes to {@link
 * #erasedPlaceholder}: a JSON string {@value #ERASED_PLACEHOLDER}, never the data. Payloads without
 * a workflow context (or of other workflows) stay under the codec key.
 */
public final class AesGcmPayloadCodec implements PayloadCodec {

  public static final String METADATA_ENCODING = "encoding";
  public static final String ENCODING = "binary/encrypted";
  public static final String KEY_ID = "encryption-key-id";

  /** Metadata: the customer data key a payload is encrypted with (instead of {@link #KEY_ID}). */
  public static final String DATA_KEY_ID = "customer-data-key-id";

  /** What a payload whose customer data key was destroyed decodes to, as a JSON string. */
  public static final String ERASED_PLACEHOLDER = "[erased]";

  /** Metadata of the placeholder: the destroyed data key's id. */
  public static final String ERASED_DATA_KEY_ID = "erased-customer-data-key-id";

  static final int NONCE_BYTES = 12;
  static final int TAG_BITS = 128;
  private static final String CIPHER = "AES/GCM/NoPadding";
  private static final ByteString ENCODING_BYTES = ByteString.copyFromUtf8(ENCODING);

  private static final ByteString JSON_PLAIN = ByteString.copyFromUtf8("json/plain");

  private final CodecKeyRing keys;
  private final CustomerDataKeys customerKeys;
  private final SecureRandom random;

  /** The customer whose data key encodes payloads (from the context); null: the codec key. */
  private final String customerId;

  /**
   * Set when decoding asks the store about each data key once (even one in memory): the answers, by
   * key id. Null: keys in memory are used.
   */
  private final Map<String, CustomerDataKeys.Lookup> verified;

  /** Every payload under the codec key; payloads under a customer data key cannot be decoded. */
  public AesGcmPayloadCodec(CodecKeyRing keys) {
    this(keys, (CustomerDataKeys) null);
  }

  /** Payloads of a customer's runs under their data key (crypto-shredding); null: none. */
  public AesGcmPayloadCodec(CodecKeyRing keys, CustomerDataKeys customerKeys) {
    this(keys, customerKeys, new SecureRandom(), null, null);
  }

  AesGcmPayloadCodec(CodecKeyRing keys, SecureRandom random) {
    this(keys, null, random, null, null);
  }

  private AesGcmPayloadCodec(
      CodecKeyRing keys,
      CustomerDataKeys customerKeys,
      SecureRandom random,
      String customerId,
      Map<String, CustomerDataKeys.Lookup> verified) {
    this.keys = keys;
    this.customerKeys = customerKeys;
    this.random = random;
    this.customerId = customerId;
    this.verified = verified;
  }

  /**
   * This codec for the payloads of one workflow: a customer's playbook run encodes under the
   * customer's data key; any other workflow (and any other context) under the codec key.
   */
  @Override
  public PayloadCodec withContext(SerializationContext context) {
    String customer =
        customerKeys != null && context instanceof HasWorkflowSerializationContext workflow
            ? Playbook.customerOf(workflow.getWorkflowId()).orElse(null)
            : null;
    return Objects.equals(customer, customerId)
        ? this
        : new AesGcmPayloadCodec(keys, customerKeys, random, customer, verified);
  }

  /** This codec encoding for one customer, as for the payloads of their runs (tests, tools). */
  public AesGcmPayloadCodec forCustomer(String customer) {
    if (customerKeys == null) {
      throw new IllegalStateException("this codec has no customer data keys");
    }
    return new AesGcmPayloadCodec(keys, customerKeys, random, customer, verified);
  }

  /**
   * This codec, decoding with a fresh look at each customer data key (a key another instance
   * destroyed a moment ago is destroyed here too): for one request of the codec endpoint, where
   * people read.
   */
  public AesGcmPayloadCodec verifying() {
    return new AesGcmPayloadCodec(
        keys, customerKeys, random, customerId, new ConcurrentHashMap<>());
  }

  /**
   * The default JSON conversion with every payload encrypted by this codec. Failure messages and
   * stack traces are encoded too ({@code encodeFailureAttributes}): they can quote customer data.
   * The SDK gives the converter each workflow's context, which reaches {@link #withContext}.
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

  /** One payload, encrypted under the customer's data key, or else the codec's active key. */
  public Payload encode(Payload payload) {
    if (customerId != null) {
      return encodeForCustomer(payload);
    }
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

  private Payload encodeForCustomer(Payload payload) {
    CustomerDataKeys.DataKey key = customerKeys.forEncoding(customerId);
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] sealed;
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key.key(), nonce, dataKeyAad(key.id()));
      sealed = cipher.doFinal(payload.toByteArray());
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException("could not encrypt a payload with data key " + key.id(), e);
    }
    byte[] data = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
    return Payload.newBuilder()
        .putMetadata(METADATA_ENCODING, ENCODING_BYTES)
        .putMetadata(DATA_KEY_ID, ByteString.copyFromUtf8(key.id()))
        .setData(ByteString.copyFrom(data))
        .build();
  }

  /**
   * One payload, decrypted; returned unchanged unless its encoding is {@value #ENCODING}; the
   * {@linkplain #erasedPlaceholder placeholder} when its customer data key was destroyed.
   */
  public Payload decode(Payload payload) {
    if (!isEncrypted(payload)) {
      return payload;
    }
    ByteString dataKeyId = payload.getMetadataMap().get(DATA_KEY_ID);
    if (dataKeyId != null) {
      return decodeForCustomer(payload, dataKeyId.toStringUtf8());
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

  private Payload decodeForCustomer(Payload payload, String dataKeyId) {
    if (customerKeys == null) {
      throw new PayloadCodecException(
          "a payload is encrypted with customer data key '"
              + dataKeyId
              + "', and this codec has no access to customer data keys");
    }
    CustomerDataKeys.Lookup lookup =
        verified == null
            ? customerKeys.find(dataKeyId, false)
            : verified.computeIfAbsent(dataKeyId, id -> customerKeys.find(id, true));
    if (lookup.destroyed()) {
      return erasedPlaceholder(dataKeyId);
    }
    if (lookup.key() == null) {
      throw new PayloadCodecException(
          "a payload is encrypted with customer data key '"
              + dataKeyId
              + "', which the key store (customer_data_keys) does not know");
    }
    ByteString data = payload.getData();
    if (data.size() < NONCE_BYTES + TAG_BITS / 8) {
      throw new PayloadCodecException(
          "an encrypted payload (data key '" + dataKeyId + "') is too short");
    }
    byte[] nonce = data.substring(0, NONCE_BYTES).toByteArray();
    byte[] sealed = data.substring(NONCE_BYTES).toByteArray();
    byte[] plain;
    try {
      plain =
          cipher(Cipher.DECRYPT_MODE, lookup.key().key(), nonce, dataKeyAad(dataKeyId))
              .doFinal(sealed);
    } catch (AEADBadTagException e) {
      throw new PayloadCodecException(
          "an encrypted payload (data key '" + dataKeyId + "') failed authentication", e);
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException(
          "could not decrypt a payload with data key '" + dataKeyId + "'", e);
    }
    try {
      return Payload.parseFrom(plain);
    } catch (InvalidProtocolBufferException e) {
      throw new PayloadCodecException(
          "a payload decrypted with data key '" + dataKeyId + "' is not a serialised payload", e);
    }
  }

  /**
   * What a payload of an erased customer decodes to: the JSON string {@value #ERASED_PLACEHOLDER}
   * ({@code encoding: json/plain}), with the destroyed key's id in {@value #ERASED_DATA_KEY_ID}.
   */
  public static Payload erasedPlaceholder(String dataKeyId) {
    return Payload.newBuilder()
        .putMetadata(METADATA_ENCODING, JSON_PLAIN)
        .putMetadata(ERASED_DATA_KEY_ID, ByteString.copyFromUtf8(dataKeyId))
        .setData(ByteString.copyFromUtf8("\"" + ERASED_PLACEHOLDER + "\""))
        .build();
  }

  /** A data key's id, authenticated with every payload it encrypts. */
  private static byte[] dataKeyAad(String dataKeyId) {
    return ("customer-data-key:" + dataKeyId).getBytes(StandardCharsets.UTF_8);
  }

  public static boolean isEncrypted(Payload payload) {
    return ENCODING_BYTES.equals(payload.getMetadataMap().get(METADATA_ENCODING));
  }

  private static Cipher cipher(int mode, SecretKey key, byte[] nonce, String keyId)
      throws GeneralSecurityException {
    return cipher(mode, key, nonce, keyId.getBytes(StandardCharsets.UTF_8));
  }

  private static Cipher cipher(int mode, SecretKey key, byte[] nonce, byte[] aad)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance(CIPHER);
    cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(aad);
    return cipher;
  }
}
