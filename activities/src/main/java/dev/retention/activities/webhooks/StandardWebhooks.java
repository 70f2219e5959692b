package dev.retention.activities.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing, as the backend webhook does it: {@code webhook-id}, {@code
 * webhook-timestamp} (Unix seconds of the attempt) and {@code webhook-signature: v1,<base64
 * HMAC-SHA256 of "id.timestamp.body">} keyed with the base64 bytes after {@code whsec_}.
 */
public final class StandardWebhooks {

  public static final String ID = "webhook-id";
  public static final String TIMESTAMP = "webhook-timestamp";
  public static final String SIGNATURE = "webhook-signature";

  private StandardWebhooks() {}

  /** The {@code webhook-id} of an event, stable for its key: {@code msg_} and a name UUID. */
  public static String messageId(String eventKey) {
    return "msg_"
        + UUID.nameUUIDFromBytes(eventKey.getBytes(StandardCharsets.UTF_8))
            .toString()
            .replace("-", "");
  }

  /** The {@code webhook-signature} header's value for one attempt. */
  public static String signature(String secret, String id, String timestamp, String body) {
    String base64 = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64), "HmacSHA256"));
      return "v1,"
          + Base64.getEncoder()
              .encodeToString(
                  mac.doFinal(
                      (id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
