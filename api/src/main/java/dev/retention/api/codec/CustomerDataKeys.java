package dev.retention.api.codec;

import com.google.protobuf.ByteString;
import io.temporal.payload.codec.PayloadCodecException;
import io.temporal.workflow.unsafe.WorkflowUnsafe;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One AES-256 data key per customer, for the payloads of their runs: crypto-shredding. A key is
 * stored wrapped (AES-GCM) by the codec ring's active key, so the store alone reveals nothing;
 * {@link #destroy} drops a customer's live keys, and every payload encrypted with them is
 * unreadable from then on, wherever its copies are (Temporal's database, its backups, exported
 * histories). A customer seen again after that gets a new key.
 *
 * <p>Unwrapped keys are kept in memory for {@link #DEFAULT_TTL} so that workers do not ask the
 * store for every payload: an instance other than the one that destroyed a key may still use it for
 * that long. {@link #find} with {@code verify} always asks the store (the codec endpoint does).
 */
public final class CustomerDataKeys {

  /** How long an unwrapped key is used without asking the store again. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

  static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int CACHE_LIMIT = 10_000;

  /** A data key as stored: {@code wrapped} is null once destroyed. */
  public record StoredKey(String id, String customerId, ByteString wrapped, String wrappingKeyId) {

    boolean destroyed() {
      return wrapped == null;
    }
  }

  /** Where the wrapped keys live (PostgreSQL in the app). */
  public interface Store {

    /** The customer's live key; when there is none, {@code created} is stored and returned. */
    StoredKey liveKey(String customerId, Supplier<StoredKey> created);

    /** The key with this id, live or destroyed; empty when the store never had it. */
    Optional<StoredKey> find(String keyId);

    /** Stores a live key wrapped anew (after a codec key rotation); nothing if it is destroyed. */
    void rewrap(StoredKey key);

    /** Destroys the customer's live keys; how many. */
    int destroy(String customerId);
  }

  /** An unwrapped key. {@link #toString()} names the ids only. */
  public record DataKey(String id, String customerId, SecretKey key) {
    @Override
    public String toString() {
      return "DataKey{" + id + " of " + customerId + "}";
    }
  }

  /** What a key id stands for: a usable key, a destroyed one, or nothing the store knows. */
  public record Lookup(DataKey key, boolean destroyed) {
    static final Lookup UNKNOWN = new Lookup(null, false);
    static final Lookup DESTROYED = new Lookup(null, true);
  }

  private record Cached(DataKey key, long until) {}

  private final CodecKeyRing ring;
  private final Store store;
  private final SecureRandom random;
  private final long ttlNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Cached> byCustomer = new ConcurrentHashMap<>();
  private final Map<String, Cached> byId = new ConcurrentHashMap<>();

  public CustomerDataKeys(CodecKeyRing ring, Store store) {
    this(ring, store, new SecureRandom(), DEFAULT_TTL, System::nanoTime);
  }

  CustomerDataKeys(
      CodecKeyRing ring, Store store, SecureRandom random, Duration ttl, LongSupplier nanoTime) {
    this.ring = ring;
    this.store = store;
    this.random = random;
    this.ttlNanos = ttl.toNanos();
    this.nanoTime = nanoTime;
  }

  /** The key new payloads of this customer are encrypted with (created on first use). */
  public DataKey forEncoding(String customerId) {
    Cached cached = byCustomer.get(customerId);
    if (cached != null && cached.until() - nanoTime.getAsLong() > 0) {
      return cached.key();
    }
    StoredKey stored =
        outsideDeadlockDetection(() -> store.liveKey(customerId, () -> newKey(customerId)));
    DataKey key = unwrap(stored);
    if (!stored.wrappingKeyId().equals(ring.activeKeyId())) {
      // Wrapped by a codec key retired since: wrap it with the active one, so the old codec key
      // can go once no live data key needs it (see docs/operations.md, Encrypted history).
      StoredKey rewrapped = wrap(key.id(), customerId, key.key().getEncoded());
      outsideDeadlockDetection(
          () -> {
            store.rewrap(rewrapped);
            return null;
          });
    }
    remember(key);
    return key;
  }

  /**
   * The key with this id. {@code verify}: ask the store even when the key is in memory, so a key
   * destroyed by another instance is seen as destroyed at once.
   */
  public Lookup find(String keyId, boolean verify) {
    if (!verify) {
      Cached cached = byId.get(keyId);
      if (cached != null && cached.until() - nanoTime.getAsLong() > 0) {
        return new Lookup(cached.key(), false);
      }
    }
    Optional<StoredKey> stored = outsideDeadlockDetection(() -> store.find(keyId));
    if (stored.isEmpty()) {
      return Lookup.UNKNOWN;
    }
    if (stored.get().destroyed()) {
      forget(stored.get().customerId());
      return Lookup.DESTROYED;
    }
    DataKey key = unwrap(stored.get());
    byId.put(key.id(), new Cached(key, nanoTime.getAsLong() + ttlNanos));
    return new Lookup(key, false);
  }

  /**
   * Destroys the customer's live keys (this instance forgets them at once, others within {@link
   * #DEFAULT_TTL}); how many there were.
   */
  public int destroy(String customerId) {
    int destroyed = store.destroy(customerId);
    forget(customerId);
    return destroyed;
  }

  private void remember(DataKey key) {
    if (byCustomer.size() > CACHE_LIMIT || byId.size() > CACHE_LIMIT) {
      long now = nanoTime.getAsLong();
      byCustomer.values().removeIf(c -> c.until() - now <= 0);
      byId.values().removeIf(c -> c.until() - now <= 0);
      if (byCustomer.size() > CACHE_LIMIT || byId.size() > CACHE_LIMIT) {
        byCustomer.clear();
        byId.clear();
      }
    }
    Cached cached = new Cached(key, nanoTime.getAsLong() + ttlNanos);
    byCustomer.put(key.customerId(), cached);
    byId.put(key.id(), cached);
  }

  private void forget(String customerId) {
    byCustomer.remove(customerId);
    byId.values().removeIf(c -> c.key().customerId().equals(customerId));
  }

  /** A fresh key for the customer, wrapped by the ring's active key. */
  private StoredKey newKey(String customerId) {
    byte[] id = new byte[12];
    random.nextBytes(id);
    byte[] raw = new byte[KEY_BYTES];
    random.nextBytes(raw);
    return wrap("dk-" + HexFormat.of().formatHex(id), customerId, raw);
  }

  /** A key wrapped by the ring's active key. */
  private StoredKey wrap(String keyId, String customerId, byte[] raw) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    String wrappingKeyId = ring.activeKeyId();
    try {
      byte[] sealed =
          cipher(Cipher.ENCRYPT_MODE, ring.activeKey(), nonce, keyId, customerId).doFinal(raw);
      byte[] wrapped =
          ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
      return new StoredKey(keyId, customerId, ByteString.copyFrom(wrapped), wrappingKeyId);
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException("could not wrap a new customer data key", e);
    }
  }

  private DataKey unwrap(StoredKey stored) {
    SecretKey wrapping = ring.key(stored.wrappingKeyId());
    if (wrapping == null) {
      throw new PayloadCodecException(
          "customer data key '"
              + stored.id()
              + "' is wrapped by codec key '"
              + stored.wrappingKeyId()
              + "', which is not among the configured keys "
              + ring.keyIds()
              + "; keep retired keys in retention.codec.keys (env RETENTION_CODEC_KEYS)");
    }
    byte[] wrapped = stored.wrapped().toByteArray();
    if (wrapped.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new PayloadCodecException("customer data key '" + stored.id() + "' is too short");
    }
    ByteBuffer buffer = ByteBuffer.wrap(wrapped);
    byte[] nonce = new byte[NONCE_BYTES];
    buffer.get(nonce);
    byte[] sealed = new byte[buffer.remaining()];
    buffer.get(sealed);
    try {
      byte[] raw =
          cipher(Cipher.DECRYPT_MODE, wrapping, nonce, stored.id(), stored.customerId())
              .doFinal(sealed);
      return new DataKey(stored.id(), stored.customerId(), new SecretKeySpec(raw, "AES"));
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException(
          "customer data key '"
              + stored.id()
              + "' could not be unwrapped with codec key '"
              + stored.wrappingKeyId()
              + "': it was altered, or wrapped by a different key under that id",
          e);
    }
  }

  /** The key id and the customer are bound to the wrapped key: it cannot be moved to another. */
  private static Cipher cipher(int mode, SecretKey key, byte[] nonce, String keyId, String customer)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(
        ("customer-data-key|" + keyId + "|" + customer).getBytes(StandardCharsets.UTF_8));
    return cipher;
  }

  /**
   * Payloads are encoded and decoded on workflow threads too; a store round trip there must not
   * count as a workflow holding its thread (the SDK's deadlock detection).
   */
  private static <T> T outsideDeadlockDetection(Supplier<T> call) {
    if (WorkflowUnsafe.isWorkflowThread()) {
      return WorkflowUnsafe.deadlockDetectorOff(call::get);
    }
    return call.get();
  }
}
