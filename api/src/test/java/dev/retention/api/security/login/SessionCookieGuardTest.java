package dev.retention.api.security.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.ApiTestKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** A session cookie that names no session (a NUL byte in it, say) is ignored, never a 500. */
@ApiTest
class SessionCookieGuardTest {

  @LocalServerPort int port;

  int status(String cookie, boolean key) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/audit?size=1"))
            .header("Cookie", "JSESSIONID=" + cookie);
    if (key) {
      request.header("Authorization", "Bearer " + ApiTestKeys.ADMIN_KEY);
    }
    return HttpClient.newHttpClient()
        .send(request.build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void aCookieThatNamesNoSession_isIgnored() throws Exception {
    String nul = Base64.getEncoder().encodeToString("a\u0000b".getBytes(StandardCharsets.UTF_8));
    assertThat(status(nul, true)).isEqualTo(200);
    assertThat(status(nul, false)).isEqualTo(401);
    assertThat(status("not*base64", true)).isEqualTo(200);
    // A well-formed id that is no session: as before, the key decides.
    String unknown =
        Base64.getEncoder()
            .encodeToString(
                "9b2f6c1e-0000-4000-8000-000000000000".getBytes(StandardCharsets.UTF_8));
    assertThat(status(unknown, true)).isEqualTo(200);
  }
}
