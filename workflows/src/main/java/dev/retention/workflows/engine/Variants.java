package dev.retention.workflows.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Which variant of an A/B split a customer gets: a pure function of the customer and the
 * experiment, so a run, its replay, a later run of the same customer, a dry-run and a report all
 * get the same answer, with no activity and no randomness.
 *
 * <p>The bucket is the first 8 bytes of SHA-256 over the UTF-8 of {@code experiment + ":" +
 * customerId}, read as an unsigned big-endian number, modulo the sum of the weights; the variants
 * are walked in order, each owning as many buckets as its weight. Changing the weights or the order
 * of variants moves customers; renaming the experiment reshuffles them all.
 */
public final class Variants {

  private Variants() {}

  /** The name of the variant {@code customerId} gets in {@code experiment}. */
  public static String assign(String customerId, String experiment, List<Step.Variant> variants) {
    if (variants.isEmpty()) {
      throw new IllegalArgumentException("a split needs variants");
    }
    long total = 0;
    for (Step.Variant variant : variants) {
      if (variant.weight() == null || variant.weight() <= 0) {
        throw new IllegalArgumentException("variant " + variant.name() + " needs a weight above 0");
      }
      total += variant.weight();
    }
    long bucket = Long.remainderUnsigned(hash(experiment + ":" + customerId), total);
    for (Step.Variant variant : variants) {
      bucket -= variant.weight();
      if (bucket < 0) {
        return variant.name();
      }
    }
    throw new IllegalStateException("unreachable: the bucket lies below the sum of the weights");
  }

  /** The first 8 bytes of SHA-256 over the UTF-8 of {@code text}, big-endian. */
  static long hash(String text) {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (digest[i] & 0xFF);
    }
    return value;
  }
}
