package dev.retention.api.codec;

import com.google.protobuf.ByteString;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The customers' data keys in memory, for codec tests and recorders; {@link #line} and {@link
 * #load} carry one key to and from a test resource ({@code id:customer:wrapping-key-id:base64}).
 */
final class InMemoryCustomerKeyStore implements CustomerDataKeys.Store {

  private final Map<String, CustomerDataKeys.StoredKey> keys = new ConcurrentHashMap<>();

  @Override
  public synchronized CustomerDataKeys.StoredKey liveKey(
      String customerId, Supplier<CustomerDataKeys.StoredKey> created) {
    return live(customerId)
        .orElseGet(
            () -> {
              CustomerDataKeys.StoredKey key = created.get();
              keys.put(key.id(), key);
              return key;
            });
  }

  @Override
  public Optional<CustomerDataKeys.StoredKey> find(String keyId) {
    return Optional.ofNullable(keys.get(keyId));
  }

  @Override
  public synchronized void rewrap(CustomerDataKeys.StoredKey key) {
    if (keys.containsKey(key.id()) && !keys.get(key.id()).destroyed()) {
      keys.put(key.id(), key);
    }
  }

  @Override
  public synchronized int destroy(String customerId) {
    List<CustomerDataKeys.StoredKey> live =
        keys.values().stream()
            .filter(k -> k.customerId().equals(customerId) && !k.destroyed())
            .toList();
    live.forEach(
        k ->
            keys.put(
                k.id(),
                new CustomerDataKeys.StoredKey(k.id(), k.customerId(), null, k.wrappingKeyId())));
    return live.size();
  }

  Optional<CustomerDataKeys.StoredKey> live(String customerId) {
    return keys.values().stream()
        .filter(k -> k.customerId().equals(customerId) && !k.destroyed())
        .findFirst();
  }

  /** One stored key as a line of text. */
  static String line(CustomerDataKeys.StoredKey key) {
    return key.id()
        + ":"
        + key.customerId()
        + ":"
        + key.wrappingKeyId()
        + ":"
        + Base64.getEncoder().encodeToString(key.wrapped().toByteArray());
  }

  /** Adds the key a {@link #line} describes. */
  InMemoryCustomerKeyStore load(String line) {
    String[] parts = line.strip().split(":", 4);
    keys.put(
        parts[0],
        new CustomerDataKeys.StoredKey(
            parts[0],
            parts[1],
            ByteString.copyFrom(Base64.getDecoder().decode(parts[3])),
            parts[2]));
    return this;
  }
}
