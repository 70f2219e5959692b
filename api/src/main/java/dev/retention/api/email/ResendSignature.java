package dev.retention.api.email;

import dev.retention.activities.email.EmailProperties;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Verifies Resend's webhooks, which Svix signs: {@code svix-signature} holds one or more
 * space-separated {@code v1,<base64 HMAC-SHA256>} over {@code <svix-id>.<svix-timestamp>.<raw
 * body>}, keyed with the base64 part of the {@code whsec_…} secret ({@code
 * retention.email.resend.webhook-secret}). A timestamp more than five minutes away from now is
 * refused, so a captured request cannot be replayed later.
 */
@Component
class ResendSignature {

  static final String ID = "svix-id";
  static final String TIMESTAMP = "svix-timestamp";
  static final String SIGNATURE = "svix-signature";

  static final Duration TOLERANCE = Duration.ofMinutes(5);

  private final SecretKeySpec key;
  private final Clock clock;

  ResendSignature(EmailProperties email, Clock clock) {
    String secret = email.resend().webhookSecret();
    this.key = StringUtils.hasText(secret) ? parse(secret.trim()) : null;
    this.clock = clock;
  }

  boolean configured() {
    return key != null;
  }

  /** Null when the request is genuine, else why it is not. */
  String problem(byte[] body, String id, String timestamp, String signatures) {
    if (key == null) {
      return "retention.email.resend.webhook-secret is not set: no Resend webhook can be verified";
    }
    if (id == null || timestamp == null || signatures == null || body == null) {
      return "the svix-id, svix-timestamp and svix-signature headers are required";
    }
    Instant sent;
    try {
      sent = Instant.ofEpochSecond(Long.parseLong(timestamp.trim()));
    } catch (NumberFormatException e) {
      return "svix-timestamp is not a Unix time in seconds";
    }
    if (Duration.between(sent, clock.instant()).abs().compareTo(TOLERANCE) > 0) {
      return "svix-timestamp is more than 5 minutes from now: refusing a stale or replayed webhook";
    }
    byte[] expected = sign(id.trim() + "." + timestamp.trim() + ".", body);
    for (String candidate : signatures.trim().split(" +", -1)) {
      int comma = candidate.indexOf(',');
      if (comma < 0 || !"v1".equals(candidate.substring(0, comma))) {
        continue;
      }
      try {
        if (MessageDigest.isEqual(
            expected, Base64.getDecoder().decode(candidate.substring(comma + 1)))) {
          return null;
        }
      } catch (IllegalArgumentException notBase64) {
        // try the next one
      }
    }
    return "svix-signature does not match the body";
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

  private static SecretKeySpec parse(String secret) {
    String base64 = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
    try {
      return new SecretKeySpec(Base64.getDecoder().decode(base64), "HmacSHA256");
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "retention.email.resend.webhook-secret must be whsec_ followed by base64", e);
    }
  }
}
