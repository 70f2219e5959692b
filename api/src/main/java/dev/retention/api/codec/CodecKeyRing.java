package dev.retention.api.codec;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 keys that Temporal payloads are encrypted with, by id, and the one new payloads are
 * encrypted with. Older keys stay in the ring so that payloads written before a rotation still
 * decrypt. {@link #toString()} names the ids only, never a key.
 */
public final class CodecKeyRing {

  /** Ids travel in every payload's metadata: short, plain, unambiguous in {@code id:key} lists. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  static final int KEY_BYTES = 32;

  private final Map<String, SecretKey> keys;
  private final String activeKeyId;

  private CodecKeyRing(Map<String, SecretKey> keys, String activeKeyId) {
    this.keys = Collections.unmodifiableMap(keys);
    this.activeKeyId = activeKeyId;
  }

  /**
   * A ring of base64 keys by id. {@code activeKeyId} may be empty when there is exactly one key.
   *
   * @throws IllegalArgumentException naming the id or setting that is wrong (never a key's value)
   */
  public static CodecKeyRing of(Map<String, String> base64Keys, String activeKeyId) {
    if (base64Keys.isEmpty()) {
      throw new IllegalArgumentException("no payload encryption key is configured");
    }
    Map<String, SecretKey> keys = new LinkedHashMap<>();
    base64Keys.forEach(
        (id, base64) -> {
          requireId(id);
          byte[] raw;
          try {
            raw = Base64.getDecoder().decode(base64 == null ? "" : base64.strip());
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key with id '" + id + "' is not valid base64");
          }
          if (raw.length != KEY_BYTES) {
            throw new IllegalArgumentException(
                "the key with id '"
                    + id
                    + "' is "
                    + raw.length
                    + " bytes; AES-256 needs 32 random bytes, base64 encoded"
                    + " (e.g. `openssl rand -base64 32`)");
          }
          keys.put(id, new SecretKeySpec(raw, "AES"));
        });
    String active = activeKeyId == null ? "" : activeKeyId.strip();
    if (active.isEmpty()) {
      if (keys.size() != 1) {
        throw new IllegalArgumentException(
            "there are "
                + keys.size()
                + " payload encryption keys "
                + keys.keySet()
                + "; say which one encrypts new payloads with retention.codec.active-key-id"
                + " (env RETENTION_CODEC_ACTIVE_KEY)");
      }
      active = keys.keySet().iterator().next();
    } else if (!keys.containsKey(active)) {
      throw new IllegalArgumentException(
          "the active payload encryption key '"
              + active
              + "' is not among the configured keys "
              + keys.keySet());
    }
    return new CodecKeyRing(keys, active);
  }

  /**
   * Parses {@code id:base64} pairs separated by commas or line breaks, the form of {@code
   * RETENTION_CODEC_KEYS} and of the embedded runtime's key file; {@code #} starts a comment line.
   */
  public static Map<String, String> parse(String pairs) {
    Map<String, String> keys = new LinkedHashMap<>();
    for (String line : pairs.split("\\R", -1)) {
      if (line.strip().startsWith("#")) {
        continue;
      }
      for (String pair : line.split(",", -1)) {
        String entry = pair.strip();
        if (entry.isEmpty()) {
          continue;
        }
        int colon = entry.indexOf(':');
        if (colon < 1) {
          throw new IllegalArgumentException(
              "payload encryption keys are id:base64 pairs separated by commas; one entry has no"
                  + " id (the part before ':')");
        }
        String id = entry.substring(0, colon).strip();
        requireId(id);
        if (keys.put(id, entry.substring(colon + 1).strip()) != null) {
          throw new IllegalArgumentException("the key id '" + id + "' is given twice");
        }
      }
    }
    return keys;
  }

  /** A fresh random key, base64 encoded. */
  public static String newBase64Key(SecureRandom random) {
    byte[] raw = new byte[KEY_BYTES];
    random.nextBytes(raw);
    return Base64.getEncoder().encodeToString(raw);
  }

  public String activeKeyId() {
    return activeKeyId;
  }

  SecretKey activeKey() {
    return keys.get(activeKeyId);
  }

  /** The key with this id, or null. */
  SecretKey key(String id) {
    return keys.get(id);
  }

  public Set<String> keyIds() {
    return keys.keySet();
  }

  private static void requireId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      // Not echoed: a key pasted where its id belongs must not end up in a log.
      throw new IllegalArgumentException(
          "a payload encryption key id is not valid: ids are 1 to 64 letters, digits, '.', '_'"
              + " or '-', starting with a letter or digit, and come before the ':' of id:base64");
    }
  }

  @Override
  public String toString() {
    return "CodecKeyRing{active=" + activeKeyId + ", ids=" + keys.keySet() + "}";
  }
}
