package dev.retention.api.connectors.slack;

import dev.retention.activities.connectors.slack.SlackSettings;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Verifies Slack's signed requests: {@code X-Slack-Signature: v0=<hex>} where the hex is the
 * HMAC-SHA256 of {@code v0:<X-Slack-Request-Timestamp>:<raw body>} keyed with the app's signing
 * secret ({@code retention.slack.signing-secret}). A timestamp more than the tolerance (five
 * minutes) from our clock, either way, is refused, so a captured request cannot be replayed.
 */
@Component
class SlackSignature {

  static final String SIGNATURE = "X-Slack-Signature";
  static final String TIMESTAMP = "X-Slack-Request-Timestamp";

  private final SecretKeySpec key;
  private final Duration tolerance;
  private final Clock clock;

  SlackSignature(SlackSettings settings, Clock clock) {
    this.key =
        settings.signingSecret() == null
            ? null
            : new SecretKeySpec(
                settings.signingSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.tolerance = settings.tolerance();
    this.clock = clock;
  }

  /** Null when the request is Slack's, else why it is not. */
  String problem(byte[] body, String timestamp, String signature) {
    if (key == null) {
      return "retention.slack.signing-secret is not set: no Slack request can be verified";
    }
    if (timestamp == null || signature == null || body == null) {
      return "the " + SIGNATURE + " and " + TIMESTAMP + " headers and a body are required";
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp.strip());
    } catch (NumberFormatException e) {
      return TIMESTAMP + " is not a Unix time in seconds";
    }
    Instant now = clock.instant();
    Instant sent =
        Instant.ofEpochSecond(Math.max(0, Math.min(seconds, Instant.MAX.getEpochSecond())));
    if (Duration.between(sent, now).abs().compareTo(tolerance) > 0) {
      return TIMESTAMP
          + " is more than "
          + tolerance.toSeconds()
          + " seconds from now: refusing a stale or replayed request";
    }
    String given = signature.strip();
    if (!given.startsWith("v0=")) {
      return SIGNATURE + " must be v0=<hex>";
    }
    byte[] candidate;
    try {
      candidate = HexFormat.of().parseHex(given.substring(3));
    } catch (IllegalArgumentException e) {
      return SIGNATURE + " must be v0=<hex>";
    }
    return MessageDigest.isEqual(sign(timestamp.strip(), body), candidate)
        ? null
        : SIGNATURE + " does not match the body";
  }

  private byte[] sign(String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
