package dev.retention.api.codec;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The codec endpoint over HTTP, in the shape the Temporal UI and {@code temporal workflow show
 * --codec-endpoint} speak, and its CORS for the Temporal UI's origin.
 */
@ApiTest
class CodecEndpointApiTest {

  static final Map<String, String> NAMESPACE = Map.of("X-Namespace", "default");
  static final String UI_ORIGIN = "http://localhost:8233";

  @LocalServerPort int port;
  @Autowired CodecKeyRing keys;

  @Test
  void encodeThenDecode_givesBackThePayloads() {
    HttpApi api = new HttpApi(port);
    String json = "{\"note\":\"Anna Jansen wants a call\"}";
    String plain =
        """
        {"payloads":[
          {"metadata":{"encoding":"%s"},"data":"%s"},
          {"metadata":{"encoding":"%s"}}
        ]}"""
            .formatted(b64("json/plain"), b64(json), b64("binary/null"));

    Response encoded = api.post("/codec/encode", plain, NAMESPACE);

    assertThat(encoded.status()).as(encoded.toString()).isEqualTo(200);
    assertThat(encoded.contentType()).startsWith("application/json");
    JsonNode first = encoded.body().path("payloads").path(0);
    assertThat(text(first.path("metadata").path("encoding"))).isEqualTo("binary/encrypted");
    assertThat(text(first.path("metadata").path("encryption-key-id")))
        .isEqualTo(keys.activeKeyId());
    assertThat(text(first.path("data"))).doesNotContain("Anna");
    assertThat(encoded.body().path("payloads")).hasSize(2);

    Response decoded = api.post("/codec/decode", encoded.body().toString(), NAMESPACE);

    assertThat(decoded.status()).as(decoded.toString()).isEqualTo(200);
    JsonNode payloads = decoded.body().path("payloads");
    assertThat(text(payloads.path(0).path("metadata").path("encoding"))).isEqualTo("json/plain");
    assertThat(text(payloads.path(0).path("data"))).isEqualTo(json);
    assertThat(text(payloads.path(1).path("metadata").path("encoding"))).isEqualTo("binary/null");
    assertThat(text(payloads.path(1).path("data"))).isEmpty();
  }

  @Test
  void decode_passesUnencryptedPayloadsThrough() {
    String body =
        """
        {"payloads":[{"metadata":{"encoding":"%s"},"data":"%s"}]}"""
            .formatted(b64("json/plain"), b64("\"c-42\""));

    Response decoded = new HttpApi(port).post("/codec/decode", body, NAMESPACE);

    assertThat(decoded.status()).isEqualTo(200);
    assertThat(text(decoded.body().path("payloads").path(0).path("data"))).isEqualTo("\"c-42\"");
  }

  @Test
  void noPayloads_isAnEmptyList_asProto3JsonWritesIt() {
    // `temporal workflow query --codec-endpoint …` of a query without arguments sends {}.
    HttpApi api = new HttpApi(port);
    for (String path : List.of("/codec/encode", "/codec/decode")) {
      Response answer = api.post(path, "{}", NAMESPACE);
      assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
      assertThat(answer.body().path("payloads").isArray()).as(answer.toString()).isTrue();
      assertThat(answer.body().path("payloads")).isEmpty();
    }
  }

  @Test
  void badInput_is400NamingTheField() {
    HttpApi api = new HttpApi(port);
    assertProblem(
        api.post(
            "/codec/decode",
            "{\"payloads\":[{\"metadata\":{\"encoding\":\"json plain!\"},\"data\":\"e30=\"}]}",
            NAMESPACE),
        400,
        "payloads[0].metadata.encoding",
        "not base64");
    assertProblem(
        api.post("/codec/decode", "{\"payloads\":[{\"data\":\"not base64!\"}]}", NAMESPACE),
        400,
        "payloads[0].data",
        "not base64");
    assertProblem(
        api.post("/codec/decode", "{\"payloads\":[null]}", NAMESPACE), 400, "payloads[0]", "null");
    assertProblem(
        api.post(
            "/codec/decode",
            "{\"payloads\":[{\"metadata\":{\"encoding\":\"%s\",\"encryption-key-id\":\"%s\"},\"data\":\"%s\"}]}"
                .formatted(b64("binary/encrypted"), b64("retired-2020"), b64("x".repeat(40))),
            NAMESPACE),
        400,
        "payloads[0]",
        "key id 'retired-2020'");
    assertProblem(
        api.post(
            "/codec/decode",
            "{\"payloads\":[{\"metadata\":{\"encoding\":\"%s\",\"encryption-key-id\":\"%s\"},\"data\":\"%s\"}]}"
                .formatted(b64("binary/encrypted"), b64(keys.activeKeyId()), b64("x".repeat(40))),
            NAMESPACE),
        400,
        "payloads[0]",
        "failed authentication");
    assertProblem(
        api.post("/codec/decode", "{\"payloads\":[]}", Map.of("X-Namespace", "billing")),
        400,
        "X-Namespace",
        "serves the Temporal namespace 'default'");
  }

  @Test
  void corsPreflightFromTheTemporalUi_isAllowedWithCredentials() throws Exception {
    HttpResponse<String> preflight = preflight(UI_ORIGIN);

    assertThat(preflight.statusCode()).isEqualTo(200);
    HttpHeaders headers = preflight.headers();
    assertThat(headers.firstValue("Access-Control-Allow-Origin")).contains(UI_ORIGIN);
    assertThat(headers.firstValue("Access-Control-Allow-Credentials")).contains("true");
    assertThat(headers.firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
    assertThat(
            headers
                .firstValue("Access-Control-Allow-Headers")
                .orElse("")
                .toLowerCase(java.util.Locale.ROOT))
        .contains("content-type")
        .contains("x-namespace")
        .contains("authorization");
  }

  @Test
  void corsPreflightFromAnotherOrigin_isRefused() throws Exception {
    HttpResponse<String> preflight = preflight("http://evil.example");

    assertThat(preflight.statusCode()).isEqualTo(403);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  private HttpResponse<String> preflight(String origin) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/codec/decode"))
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type,x-namespace,authorization")
            .build();
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
  }

  static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static String text(JsonNode base64) {
    return new String(Base64.getDecoder().decode(base64.asText("")), StandardCharsets.UTF_8);
  }
}
