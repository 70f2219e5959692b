package dev.retention.activities.email.consent;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed one-click unsubscribe links (RFC 8058): {@code <base>/api/unsubscribe?c=<customerId>&s=
 * <signature>}, the signature an HMAC-SHA256 over the customer id and the address the email went
 * to, so a link unsubscribes exactly that customer's address and cannot be forged or pointed at
 * another customer. No address in the URL: URLs end up in logs.
 */
public final class UnsubscribeLinks {

  public static final String PATH = "/api/unsubscribe";

  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;
  private final String baseUrl;

  public UnsubscribeLinks(String secret, String publicBaseUrl) {
    if (secret == null || secret.length() < 32) {
      throw new IllegalArgumentException("the unsubscribe secret must be at least 32 characters");
    }
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    this.baseUrl =
        publicBaseUrl.endsWith("/")
            ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1)
            : publicBaseUrl;
  }

  /** The customer's one-click link. */
  public String url(String customerId, String email) {
    return baseUrl
        + PATH
        + "?c="
        + URLEncoder.encode(customerId, StandardCharsets.UTF_8)
        + "&s="
        + signature(customerId, email);
  }

  /** The RFC 8058 headers for a message carrying {@code url}. */
  public static Map<String, String> headers(String url) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("List-Unsubscribe", "<" + url + ">");
    headers.put("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    return headers;
  }

  /** True when {@code signature} is this customer's and address's, compared in constant time. */
  public boolean verify(String customerId, String email, String signature) {
    if (customerId == null || email == null || signature == null) {
      return false;
    }
    return MessageDigest.isEqual(
        signature(customerId, email).getBytes(StandardCharsets.US_ASCII),
        signature.getBytes(StandardCharsets.US_ASCII));
  }

  String signature(String customerId, String email) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      byte[] digest =
          mac.doFinal(
              ("unsubscribe\n" + customerId + "\n" + email.trim().toLowerCase(Locale.ROOT))
                  .getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
