package dev.retention.api.connectors.hubspot;

import dev.retention.activities.connectors.hubspot.HubSpotSettings;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Verifies HubSpot's webhook signatures, version 3: {@code X-HubSpot-Signature-v3} is the base64
 * HMAC-SHA256, keyed with the app's client secret ({@code retention.hubspot.client-secret}), of the
 * method, the URI HubSpot called, the raw body and {@code X-HubSpot-Request-Timestamp} (Unix
 * milliseconds), concatenated. A timestamp more than five minutes old, or more than a minute ahead
 * of our clock, is refused, so a captured request cannot be replayed.
 */
@Component
class HubSpotSignature {

  static final String SIGNATURE = "X-HubSpot-Signature-v3";
  static final String TIMESTAMP = "X-HubSpot-Request-Timestamp";
  static final Duration TOLERANCE = Duration.ofMinutes(5);
  static final Duration SKEW = Duration.ofMinutes(1);

  private final SecretKeySpec key;
  private final String webhookUrl;
  private final Clock clock;

  HubSpotSignature(
      HubSpotSettings settings,
      @Value("${retention.public-base-url:http://localhost:8080}") String publicBaseUrl,
      Clock clock) {
    String secret = settings.clientSecret();
    this.key =
        StringUtils.hasText(secret)
            ? new SecretKeySpec(secret.trim().getBytes(StandardCharsets.UTF_8), "HmacSHA256")
            : null;
    this.webhookUrl =
        StringUtils.hasText(settings.webhookUrl())
            ? settings.webhookUrl().trim()
            : publicBaseUrl.replaceAll("/+$", "") + HubSpotWebhookController.PATH;
    this.clock = clock;
  }

  /** The URI HubSpot is told to call, as it signs it. */
  String webhookUrl() {
    return webhookUrl;
  }

  /** Null when the request is genuine, else why it is not. */
  String problem(String method, String query, byte[] body, String signature, String timestamp) {
    if (key == null) {
      return "retention.hubspot.client-secret is not set: no HubSpot webhook can be verified";
    }
    if (!StringUtils.hasText(signature) || !StringUtils.hasText(timestamp)) {
      return "the " + SIGNATURE + " and " + TIMESTAMP + " headers are required";
    }
    Instant sent;
    try {
      sent = Instant.ofEpochMilli(Long.parseLong(timestamp.trim()));
    } catch (NumberFormatException e) {
      return TIMESTAMP + " is not a Unix time in milliseconds";
    }
    Instant now = clock.instant();
    if (sent.isBefore(now.minus(TOLERANCE))) {
      return "the signature's timestamp is more than 5 minutes old: refusing a stale or replayed"
          + " webhook";
    }
    if (sent.isAfter(now.plus(SKEW))) {
      return "the signature's timestamp is in the future: refusing it";
    }
    String uri = webhookUrl + (query == null || query.isEmpty() ? "" : "?" + query);
    byte[] expected = sign(method + uri, body == null ? new byte[0] : body, timestamp.trim());
    byte[] given;
    try {
      given = Base64.getDecoder().decode(signature.trim());
    } catch (IllegalArgumentException notBase64) {
      return SIGNATURE + " is not base64";
    }
    return MessageDigest.isEqual(expected, given)
        ? null
        : SIGNATURE + " does not match the request";
  }

  private byte[] sign(String prefix, byte[] body, String timestamp) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(prefix.getBytes(StandardCharsets.UTF_8));
      mac.update(body);
      return mac.doFinal(timestamp.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
