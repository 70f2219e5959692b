package dev.retention.api.connectors.segment;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may send: Segment's libraries and the HTTP Tracking API send the source's write key as the
 * HTTP Basic user name (the password empty); Segment's Webhook destination signs the body with its
 * shared secret ({@code X-Signature}: hex HMAC-SHA1 of the raw body). Either configured way lets a
 * request in; compared in constant time.
 */
final class SegmentAuth {

  static final String SIGNATURE = "X-Signature";

  private SegmentAuth() {}

  /** Why the request is refused, or null when it may in. */
  static String problem(
      SegmentSettings settings, String authorization, String signature, byte[] body) {
    if (!settings.configured()) {
      return "Segment ingestion is not configured: set retention.segment.write-key"
          + " (SEGMENT_WRITE_KEY) or retention.segment.shared-secret";
    }
    if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      if (settings.writeKey() == null) {
        return "a write key was sent, but none is configured (retention.segment.write-key)";
      }
      String user;
      try {
        String decoded =
            new String(
                Base64.getDecoder().decode(authorization.substring(6).strip()),
                StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        user = colon < 0 ? decoded : decoded.substring(0, colon);
      } catch (IllegalArgumentException e) {
        return "the Authorization header is not valid HTTP Basic (base64 of <write key>:)";
      }
      return equal(user, settings.writeKey()) ? null : "wrong write key";
    }
    if (signature != null && !signature.isBlank()) {
      if (settings.sharedSecret() == null) {
        return "an X-Signature was sent, but no shared secret is configured"
            + " (retention.segment.shared-secret)";
      }
      return equal(
              signature.strip().toLowerCase(java.util.Locale.ROOT),
              sign(settings.sharedSecret(), body))
          ? null
          : "wrong X-Signature (hex HMAC-SHA1 of the body with the shared secret)";
    }
    return "no credentials: send the write key as the HTTP Basic user name, or sign the body"
        + " (X-Signature)";
  }

  static String sign(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return HexFormat.of().formatHex(mac.doFinal(body == null ? new byte[0] : body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA1 is unavailable", e);
    }
  }

  private static boolean equal(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
