package dev.retention.api.meetings;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Verifies Calendly's webhooks (v2): {@code Calendly-Webhook-Signature: t=<Unix seconds>,v1=<hex>}
 * where the hex is the HMAC-SHA256 of {@code <t>.<raw body>} keyed with the subscription's signing
 * key ({@code retention.calendly.signing-key}). A timestamp older than the tolerance (three
 * minutes), or more than a minute ahead of our clock, is refused, so a captured request cannot be
 * replayed later.
 */
@Component
class CalendlySignature {

  static final String HEADER = "Calendly-Webhook-Signature";

  /** How far ahead of our clock a timestamp may be (the two clocks are never quite equal). */
  static final Duration SKEW = Duration.ofMinutes(1);

  private final SecretKeySpec key;
  private final Duration tolerance;
  private final Clock clock;

  CalendlySignature(CalendlySettings settings, Clock clock) {
    String secret = settings.signingKey();
    this.key =
        StringUtils.hasText(secret)
            ? new SecretKeySpec(secret.trim().getBytes(StandardCharsets.UTF_8), "HmacSHA256")
            : null;
    this.tolerance = settings.tolerance();
    this.clock = clock;
  }

  boolean configured() {
    return key != null;
  }

  /** Null when the request is genuine, else why it is not. */
  String problem(byte[] body, String header) {
    if (key == null) {
      return "retention.calendly.signing-key is not set: no Calendly webhook can be verified";
    }
    if (header == null || body == null) {
      return "the " + HEADER + " header (t=<timestamp>,v1=<signature>) and a body are required";
    }
    String timestamp = null;
    StringBuilder signatures = new StringBuilder();
    for (String part : header.split(",", -1)) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String name = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      if ("t".equals(name)) {
        timestamp = value;
      } else if ("v1".equals(name)) {
        signatures.append(value).append(' ');
      }
    }
    if (timestamp == null || signatures.isEmpty()) {
      return HEADER + " must hold t=<timestamp> and v1=<signature>";
    }
    Instant sent;
    try {
      sent = Instant.ofEpochSecond(Long.parseLong(timestamp));
    } catch (NumberFormatException | DateTimeException e) {
      return "t in " + HEADER + " is not a Unix time in seconds";
    }
    Instant now = clock.instant();
    if (sent.isBefore(now.minus(tolerance))) {
      return "the signature's timestamp is more than "
          + tolerance.toSeconds()
          + " seconds old: refusing a stale or replayed webhook";
    }
    if (sent.isAfter(now.plus(SKEW))) {
      return "the signature's timestamp is in the future: refusing it";
    }
    byte[] expected = sign(timestamp + ".", body);
    for (String candidate : signatures.toString().trim().split(" +", -1)) {
      try {
        if (MessageDigest.isEqual(expected, HexFormat.of().parseHex(candidate))) {
          return null;
        }
      } catch (IllegalArgumentException notHex) {
        // try the next one
      }
    }
    return HEADER + " does not match the body";
  }

  private byte[] sign(String prefix, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(prefix.getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
