package dev.retention.api.email;

import dev.retention.activities.email.EmailProperties;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Verifies SendGrid's signed Event Webhook: an ECDSA P-256 / SHA-256 signature (base64 DER) over
 * the {@code X-Twilio-Email-Event-Webhook-Timestamp} header followed by the raw request body, with
 * the verification key from SendGrid's settings ({@code
 * retention.email.sendgrid.webhook-public-key}, base64 DER as SendGrid shows it; PEM armour is
 * accepted too). A timestamp further from now than {@code
 * retention.email.sendgrid.webhook-tolerance} (5 minutes) is refused. The JDK's own EC provider
 * does the work; sendgrid-java's helper needs BouncyCastle, which we do not ship.
 */
@Component
class SendGridSignature {

  static final String SIGNATURE = "X-Twilio-Email-Event-Webhook-Signature";
  static final String TIMESTAMP = "X-Twilio-Email-Event-Webhook-Timestamp";

  private final PublicKey key;
  private final Duration tolerance;
  private final Clock clock;

  SendGridSignature(EmailProperties email, Clock clock) {
    String publicKey = email.sendgrid().webhookPublicKey();
    this.key = StringUtils.hasText(publicKey) ? parse(publicKey) : null;
    this.tolerance = email.sendgrid().webhookTolerance();
    this.clock = clock;
  }

  /**
   * Null when the signed timestamp (Unix seconds) is within the tolerance of now, else why not: the
   * signature covers the timestamp, so a captured request cannot be replayed once it is stale.
   */
  String staleness(String timestamp) {
    Instant signedAt;
    try {
      signedAt = Instant.ofEpochSecond(Long.parseLong(timestamp.trim()));
    } catch (NumberFormatException | DateTimeException e) {
      return TIMESTAMP + " is not a Unix time in seconds";
    }
    if (Duration.between(signedAt, clock.instant()).abs().compareTo(tolerance) > 0) {
      return TIMESTAMP
          + " is more than "
          + tolerance.toMinutes()
          + " minutes from now: refusing a stale or replayed webhook";
    }
    return null;
  }

  boolean configured() {
    return key != null;
  }

  boolean verify(byte[] body, String signature, String timestamp) {
    if (key == null || body == null || signature == null || timestamp == null) {
      return false;
    }
    try {
      Signature ecdsa = Signature.getInstance("SHA256withECDSA");
      ecdsa.initVerify(key);
      ecdsa.update(timestamp.getBytes(StandardCharsets.UTF_8));
      ecdsa.update(body);
      return ecdsa.verify(Base64.getDecoder().decode(signature.trim()));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      // Not base64, not a DER signature, or not one of this key.
      return false;
    }
  }

  private static PublicKey parse(String publicKey) {
    String base64 =
        publicKey
            .replace("-----BEGIN PUBLIC KEY-----", "")
            .replace("-----END PUBLIC KEY-----", "")
            .replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("EC")
          .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalStateException(
          "retention.email.sendgrid.webhook-public-key is not a base64 DER EC public key", e);
    }
  }
}
