package dev.retention.api.security.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import java.io.IOException;
import java.net.CookieManager;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Single sign-on against a small OpenID provider on a local port (discovery, JWKS, token and
 * userinfo endpoints, an RS256-signed ID token), through Spring Security's own login flow: a person
 * with a login here gets a session; an address without one is refused.
 */
@ApiTest
class SingleSignOnTest {

  static final String CLIENT_ID = "retention-test-client";
  static final RSAKey KEY = rsa();
  static final AtomicReference<String> NONCE = new AtomicReference<>();
  static final AtomicReference<String> EMAIL = new AtomicReference<>();
  static final HttpServer PROVIDER = provider();

  @DynamicPropertySource
  static void issuer(DynamicPropertyRegistry registry) {
    registry.add("retention.security.oidc.issuer-uri", SingleSignOnTest::issuer);
    registry.add("retention.security.oidc.client-id", () -> CLIENT_ID);
    registry.add("retention.security.oidc.client-secret", () -> "test-secret");
  }

  @AfterAll
  static void stop() {
    PROVIDER.stop(0);
  }

  @LocalServerPort int port;

  @Test
  void aPersonWithALogin_signsInThroughTheProvider_andGetsASession() throws Exception {
    HttpApi admin = new HttpApi(port);
    String csm = admin.get("/api/customers/" + admin.newCustomer("sso")).text("csmId");
    admin.createLogin("sso-petra", "CSM", csm, "sso.petra@example.com");

    HttpClient browser = browser();
    assertThat(signIn(browser, "sso.petra@example.com")).isEqualTo(302);
    HttpResponse<String> me = get(browser, "/api/session");
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.body()).contains("\"actor\":\"person:sso-petra\"").contains("\"role\":\"CSM\"");
  }

  @Test
  void disablingAPersonWhoSignedInThroughTheProvider_endsTheirSession() throws Exception {
    HttpApi admin = new HttpApi(port);
    String csm = admin.get("/api/customers/" + admin.newCustomer("sso")).text("csmId");
    admin.createLogin("sso-sam", "CSM", csm, "sso.sam@example.com");
    HttpClient browser = browser();
    assertThat(signIn(browser, "sso.sam@example.com")).isEqualTo(302);
    assertThat(get(browser, "/api/session").statusCode()).isEqualTo(200);

    assertThat(admin.delete("/api/admin/people/sso-sam").status()).isEqualTo(204);
    assertThat(get(browser, "/api/session").statusCode()).isEqualTo(401);
  }

  @Test
  void anAddressWithoutALogin_isRefused() throws Exception {
    HttpClient browser = browser();
    signIn(browser, "stranger@example.com");
    assertThat(get(browser, "/api/session").statusCode()).isEqualTo(401);
  }

  /** The browser's part of the code flow; answers the status of the callback. */
  private int signIn(HttpClient browser, String email) throws Exception {
    EMAIL.set(email);
    HttpResponse<String> start = get(browser, "/oauth2/authorization/sso");
    assertThat(start.statusCode()).isEqualTo(302);
    URI authorize = URI.create(start.headers().firstValue("Location").orElseThrow());
    assertThat(authorize.toString()).startsWith(issuer() + "/authorize");
    Map<String, String> query = query(authorize.getRawQuery());
    NONCE.set(query.get("nonce"));
    // The provider authenticated the person and sends the browser back with a code.
    HttpResponse<String> callback =
        get(browser, "/login/oauth2/code/sso?code=the-code&state=" + query.get("state"));
    return callback.statusCode();
  }

  private HttpClient browser() {
    return HttpClient.newBuilder()
        .cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  private HttpResponse<String> get(HttpClient browser, String path) throws Exception {
    return browser.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, String> query(String raw) {
    return Arrays.stream(raw.split("&"))
        .map(p -> p.split("=", 2))
        .collect(
            Collectors.toMap(
                p -> p[0],
                p -> URLDecoder.decode(p.length > 1 ? p[1] : "", StandardCharsets.UTF_8)));
  }

  static String issuer() {
    return "http://localhost:" + PROVIDER.getAddress().getPort();
  }

  private static RSAKey rsa() {
    try {
      return new RSAKeyGenerator(2048).keyID("test-key").generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
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
