package dev.retention.api.codec;

import java.util.Map;

/**
 * Fixed AES-256 test keys (32 bytes each, base64): the recorded encrypted histories were written
 * with {@link #RECORDED}. Test-only values: never use them anywhere else.
 */
final class CodecTestKeys {

  private CodecTestKeys() {}

  /** The key the encrypted histories under src/test/resources/histories were recorded with. */
  static final String RECORDED_ID = "test-2026-03";

  static final String RECORDED = "NWA3H08vWRWH+3gUFYJkW+UZjbWyO4ckxcvTa7noJcw=";

  /** A later key, for rotation. */
  static final String ROTATED_ID = "test-2026-09";

  static final String ROTATED = "AjZvaAQaWCJJhtTf9Fqh+qBggJ7BcXm/EkHq/q9sIFA=";

  static CodecKeyRing recorded() {
    return CodecKeyRing.of(Map.of(RECORDED_ID, RECORDED), RECORDED_ID);
  }

  /** Both keys, the rotated one active: what a deployment looks like after a rotation. */
  static CodecKeyRing rotated() {
    return CodecKeyRing.of(Map.of(RECORDED_ID, RECORDED, ROTATED_ID, ROTATED), ROTATED_ID);
  }
}
