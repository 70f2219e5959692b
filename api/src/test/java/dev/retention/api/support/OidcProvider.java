package dev.retention.api.support;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A small OpenID provider on a local port (discovery, JWKS, token and userinfo endpoints, an
 * RS256-signed ID token), started once per JVM for the {@link WithConnectors} context, whose app
 * signs people in through it ({@code SingleSignOnTest}). The person it vouches for is {@link
 * #EMAIL}; the nonce of the flow in progress is {@link #NONCE}.
 */
public final class OidcProvider {

  public static final String CLIENT_ID = "retention-test-client";
  public static final AtomicReference<String> NONCE = new AtomicReference<>();
  public static final AtomicReference<String> EMAIL = new AtomicReference<>();
  static final RSAKey KEY = rsa();
  static final HttpServer PROVIDER = provider();

  private OidcProvider() {}

  public static String issuer() {
    return "http://localhost:" + PROVIDER.getAddress().getPort();
  }

  /**
   * The provider's signing key: a 2048-bit RSA key made once for these tests and kept beside them
   * (it signs nothing else). Generating one per test JVM cost about five seconds of CPU there.
   */
  private static RSAKey rsa() {
    try (InputStream in = OidcProvider.class.getResourceAsStream("/oidc/test-signing-key.pem")) {
      String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      byte[] der =
          Base64.getMimeDecoder().decode(pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", ""));
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      RSAPrivateCrtKey privateKey =
          (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(der));
      RSAPublicKey publicKey =
          (RSAPublicKey)
              rsa.generatePublic(
                  new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
      return new RSAKey.Builder(publicKey).privateKey(privateKey).keyID("test-key").build();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the test OpenID provider's key", e);
    }
  }

  private static HttpServer provider() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
      server.createContext(
          "/.well-known/openid-configuration",
          ex ->
              json(
                  ex,
                  """
                  {"issuer":"%1$s","authorization_endpoint":"%1$s/authorize",
                   "token_endpoint":"%1$s/token","jwks_uri":"%1$s/jwks",
                   "userinfo_endpoint":"%1$s/userinfo","response_types_supported":["code"],
                   "subject_types_supported":["public"],
                   "id_token_signing_alg_values_supported":["RS256"],
                   "scopes_supported":["openid","email","profile"]}"""
                      .formatted(issuer())));
      server.createContext("/jwks", ex -> json(ex, new JWKSet(KEY.toPublicJWK()).toString()));
      server.createContext(
          "/token",
          ex -> {
            ex.getRequestBody().readAllBytes();
            json(
                ex,
                """
                {"access_token":"access-token","token_type":"Bearer","expires_in":300,
                 "scope":"openid email profile","id_token":"%s"}"""
                    .formatted(idToken()));
          });
      server.createContext(
          "/userinfo",
          ex ->
              json(
                  ex,
                  """
                  {"sub":"subject-1","email":"%s","email_verified":true}"""
                      .formatted(EMAIL.get())));
      server.start();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("JavaUtilDate") // the JWT library takes Dates
  private static String idToken() {
    try {
      Date now = new Date();
      JWTClaimsSet claims =
          new JWTClaimsSet.Builder()
              .issuer(issuer())
              .subject("subject-1")
              .audience(CLIENT_ID)
              .issueTime(now)
              .expirationTime(new Date(now.getTime() + 300_000))
              .claim("nonce", NONCE.get())
              .claim("email", EMAIL.get())
              .claim("email_verified", true)
              .build();
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY.getKeyID()).build(), claims);
      jwt.sign(new RSASSASigner(KEY));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void json(HttpExchange ex, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(200, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }
}
