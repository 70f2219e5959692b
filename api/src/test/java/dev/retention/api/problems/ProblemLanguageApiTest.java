package dev.retention.api.problems;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The API's rejections follow Accept-Language: a Dutch caller reads the title and the detail in
 * Dutch, anyone else in English; the problem's type, status and field stay the same.
 */
@ApiTest
class ProblemLanguageApiTest {

  @LocalServerPort int port;

  @Test
  void aNotFoundInDutch_keepsItsTypeAndStatus() {
    HttpApi api = new HttpApi(port);
    HttpApi.Response english = api.get("/api/customers/c-nobody-here");
    HttpApi.Response dutch =
        api.send(
            "GET",
            "/api/customers/c-nobody-here",
            Map.of("Accept-Language", "nl-NL,nl;q=0.9,en;q=0.5"),
            null,
            false);
    HttpApi.Response german =
        api.send(
            "GET", "/api/customers/c-nobody-here", Map.of("Accept-Language", "de"), null, false);

    assertThat(english.status()).isEqualTo(404);
    assertThat(english.text("title")).isEqualTo("Customer not found");
    assertThat(english.text("detail")).isEqualTo("no customer c-nobody-here");
    assertThat(dutch.status()).isEqualTo(404);
    assertThat(dutch.contentType()).startsWith("application/problem+json");
    assertThat(dutch.text("title")).isEqualTo("Klant niet gevonden");
    assertThat(dutch.text("detail")).isEqualTo("Er is geen klant c-nobody-here.");
    assertThat(dutch.text("type")).isEqualTo(english.text("type"));
    assertThat(dutch.body().path("status").asInt()).isEqualTo(404);
    assertThat(german.text("title")).isEqualTo("Customer not found");
  }

  @Test
  void aRefusalOutsideMvc_andSpringsOwnErrors_inDutch() {
    HttpApi anonymous = new HttpApi(port).anonymous();
    HttpApi.Response dutch =
        anonymous.send("GET", "/api/customers", Map.of("Accept-Language", "nl"), null, false);
    assertThat(dutch.status()).isEqualTo(401);
    assertThat(dutch.text("title")).isEqualTo("Inloggen vereist");

    HttpApi api = new HttpApi(port);
    HttpApi.Response method =
        api.send("PATCH", "/api/customers/c-1", Map.of("Accept-Language", "nl"), null, false);
    assertThat(method.status()).isEqualTo(405);
    assertThat(method.text("title")).isEqualTo("Methode niet toegestaan");
  }
}
