package dev.retention.activities.email.providers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * Sends through Resend's {@code POST /emails}, a plain JSON call on Spring's {@link RestClient}
 * (the JDK's HTTP client underneath) to a configurable base URL. The step's key goes as the {@code
 * Idempotency-Key} header: Resend answers a repeated key (within 24 hours, same payload) with the
 * first email's id and sends nothing new, so a retry after a worker died between Resend's accept
 * and our commit cannot send twice. Errors are {@code {"statusCode", "name", "message"}}.
 */
public final class ResendEmailProvider implements EmailProvider {

  public static final String DEFAULT_BASE_URL = "https://api.resend.com";

  private static final Pattern NEEDS_QUOTES = Pattern.compile("[()<>\\[\\]:;@\\\\,.\"]");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RestClient http;
  private final Clock clock;

  public ResendEmailProvider(String apiKey, URI baseUrl, Duration timeout, Clock clock) {
    JdkClientHttpRequestFactory requests =
        new JdkClientHttpRequestFactory(HttpClient.newBuilder().connectTimeout(timeout).build());
    requests.setReadTimeout(timeout);
    this.http =
        RestClient.builder()
            .baseUrl(baseUrl)
            .requestFactory(requests)
            .defaultHeader("Authorization", "Bearer " + apiKey)
            .build();
    this.clock = clock;
  }

  @Override
  public String name() {
    return "resend";
  }

  @Override
  public String send(OutgoingEmail email) {
    EmailHeaders.check(email);
    String body = payload(email);
    try {
      return http.post()
          .uri("/emails")
          .contentType(MediaType.APPLICATION_JSON)
          .accept(MediaType.APPLICATION_JSON)
          .header("Idempotency-Key", email.idempotencyKey())
          .body(body)
          .exchange(
              (request, response) -> {
                int status = response.getStatusCode().value();
                String answer =
                    new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
                if (response.getStatusCode().is2xxSuccessful()) {
                  return JSON.readTree(answer).path("id").asText();
                }
                throw failure(status, answer, response.getHeaders().getFirst("Retry-After"));
              });
    } catch (ResourceAccessException e) {
      // Unknown whether Resend took it; the retry carries the same key, so at most one is sent.
      throw new RetryableEmailFailure("Resend unreachable: " + e.getMessage(), e);
    }
  }

  private RuntimeException failure(int status, String answer, String retryAfterHeader) {
    Duration retryAfter = ProviderFailures.retryAfter(retryAfterHeader, clock);
    String name = null;
    String reason;
    try {
      JsonNode error = JSON.readTree(answer);
      name = error.path("name").isTextual() ? error.path("name").asText() : null;
      String message = error.path("message").asText("");
      reason = (name == null ? "" : name + ": ") + message;
    } catch (IOException notJson) {
      reason = answer == null || answer.isBlank() ? "no reason given" : answer.strip();
    }
    if (reason.isBlank()) {
      reason = "no reason given";
    }
    if (status == 409 && "concurrent_idempotent_requests".equals(name)) {
      // The same key is still being processed (an attempt we gave up on): ask again later.
      return new RetryableEmailFailure("Resend answered 409: " + reason, retryAfter);
    }
    return ProviderFailures.of("Resend", status, reason, retryAfter);
  }

  /** The email as Resend's JSON: no {@code html} for plain text, no empty {@code headers}. */
  static String payload(OutgoingEmail email) {
    ObjectNode body = JSON.createObjectNode();
    body.put("from", mailbox(email.fromName(), email.fromAddress()));
    body.putArray("to").add(email.toAddress());
    if (email.replyTo() != null) {
      body.putArray("reply_to").add(email.replyTo());
    }
    body.put("subject", email.subject());
    body.put("text", email.text());
    if (email.html() != null) {
      body.put("html", email.html());
    }
    if (!email.headers().isEmpty()) {
      ObjectNode headers = body.putObject("headers");
      email.headers().forEach(headers::put);
    }
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an email that cannot be written as JSON", e);
    }
  }

  /** {@code Name <address>}, quoting the name where RFC 5322 needs it. */
  static String mailbox(String name, String address) {
    if (name == null || name.isBlank()) {
      return address;
    }
    String display =
        NEEDS_QUOTES.matcher(name).find()
            ? "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\""
            : name;
    return display + " <" + address + ">";
  }
}
