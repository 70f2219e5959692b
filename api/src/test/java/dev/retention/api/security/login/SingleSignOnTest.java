package dev.retention.api.security.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.HttpApi;
import dev.retention.api.support.OidcProvider;
import dev.retention.api.support.WithConnectors;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Single sign-on against a small OpenID provider on a local port ({@link OidcProvider}), through
 * Spring Security's own login flow: a person with a login here gets a session; an address without
 * one is refused. The app is the {@link WithConnectors} one, which has single sign-on set up
 * against that provider (one application context less than a context of its own).
 */
class SingleSignOnTest extends WithConnectors {

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
    OidcProvider.EMAIL.set(email);
    HttpResponse<String> start = get(browser, "/oauth2/authorization/sso");
    assertThat(start.statusCode()).isEqualTo(302);
    URI authorize = URI.create(start.headers().firstValue("Location").orElseThrow());
    assertThat(authorize.toString()).startsWith(OidcProvider.issuer() + "/authorize");
    Map<String, String> query = query(authorize.getRawQuery());
    OidcProvider.NONCE.set(query.get("nonce"));
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
}
