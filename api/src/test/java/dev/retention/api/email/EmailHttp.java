package dev.retention.api.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retention.api.support.ApiTestKeys;
import dev.retention.api.support.HttpApi;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Raw HTTP for the email endpoints (exact bytes and headers, as providers send them), and signing
 * the way SendGrid, Svix (for Resend) and our unsubscribe links do, written from their docs rather
 * than from the code under test.
 */
final class EmailHttp {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;
  final HttpApi api;

  EmailHttp(int port) {
    this.base = "http://localhost:" + port;
    this.api = new HttpApi(port);
  }

  /** A response whose body may be JSON or not. */
  record Raw(int status, String contentType, String text) {
    JsonNode json() {
      try {
        return JSON.readTree(text);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + text, e);
      }
    }

    HttpApi.Response asApi() {
      return new HttpApi.Response(status, contentType, json());
    }
  }

  /** A customer with an address of its own (inbound replies are matched by address). */
  record Customer(String id, String email) {}

  Customer newCustomer(String prefix) {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String csm = "csm-" + suffix;
    String id = prefix + "-" + suffix;
    String email = "ops-" + suffix + "@" + prefix + ".example";
    api.put(
        "/api/csms/" + csm,
        """
        {"name":"Petra de Vries","email":"petra@example.com","managerEmail":"lena@example.com"}""");
    HttpApi.Response created =
        api.put(
            "/api/customers/" + id,
            """
            {"name":"Globex","email":"%s","csmId":"%s","plan":"Growth","mrr":490,
             "planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
                .formatted(email, csm));
    if (created.status() != 201) {
      throw new AssertionError("could not create customer: " + created);
    }
    return new Customer(id, email);
  }

  Raw post(String path, Map<String, String> headers, String contentType, byte[] body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    headers.forEach(request::header);
    return send(request);
  }

  Raw get(String path, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET();
    headers.forEach(request::header);
    return send(request);
  }

  private Raw send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Raw(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          response.body());
    } catch (IOException e) {
      throw new AssertionError("request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  // ---- signing as the providers do -----------------------------------------------------------

  /** SendGrid: ECDSA P-256 SHA-256 over timestamp + body, base64 of the DER signature. */
  static String sendGridSignature(PrivateKey key, String timestamp, byte[] body) {
    try {
      Signature ecdsa = Signature.getInstance("SHA256withECDSA");
      ecdsa.initSign(key);
      ecdsa.update(timestamp.getBytes(StandardCharsets.UTF_8));
      ecdsa.update(body);
      return Base64.getEncoder().encodeToString(ecdsa.sign());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static PrivateKey sendGridTestKey() {
    try {
      return KeyFactory.getInstance("EC")
          .generatePrivate(
              new PKCS8EncodedKeySpec(
                  Base64.getDecoder().decode(ApiTestKeys.SENDGRID_PRIVATE_KEY)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Svix: v1,base64(HMAC-SHA256(base64-decoded whsec secret, id.timestamp.body)). */
  static String svixSignature(String secret, String id, String timestamp, byte[] body) {
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    byte[] signed =
        (id + "." + timestamp + "." + new String(body, StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8);
    return "v1," + Base64.getEncoder().encodeToString(hmac(key, signed));
  }

  /** Our links: base64url(HMAC-SHA256(secret, "unsubscribe\n" + id + "\n" + lower(email))). */
  static String unsubscribeSignature(String customerId, String email) {
    byte[] signed =
        ("unsubscribe\n" + customerId + "\n" + email.toLowerCase(Locale.ROOT))
            .getBytes(StandardCharsets.UTF_8);
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(
            hmac(ApiTestKeys.UNSUBSCRIBE_SECRET.getBytes(StandardCharsets.UTF_8), signed));
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
