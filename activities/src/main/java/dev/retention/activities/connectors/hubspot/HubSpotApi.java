package dev.retention.activities.connectors.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * HubSpot's CRM v3 API over Spring's {@link RestClient} (HubSpot publishes no Java client): JSON in
 * and out, the private-app token as a bearer token. Calls are spaced to at most {@code
 * requestsPerSecond} (under the private app's burst limit), and after a 429 every call waits out
 * HubSpot's Retry-After. Any non-2xx answer or no answer is a {@link HubSpotFailure}.
 */
public class HubSpotApi {

  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(10);
  private static final int MAX_REASON = 500;

  private final ObjectMapper json = new ObjectMapper();
  private final RestClient http;
  private final Clock clock;
  private final long spacingNanos;
  private long nextCallNanos;
  private Instant pausedUntil = Instant.MIN;

  public HubSpotApi(
      String token, URI baseUrl, Duration timeout, double requestsPerSecond, Clock clock) {
    JdkClientHttpRequestFactory requests =
        new JdkClientHttpRequestFactory(HttpClient.newBuilder().connectTimeout(timeout).build());
    requests.setReadTimeout(timeout);
    this.http =
        RestClient.builder()
            .baseUrl(baseUrl)
            .requestFactory(requests)
            .defaultHeader("Authorization", "Bearer " + token)
            .build();
    this.clock = clock;
    this.spacingNanos = (long) (1_000_000_000L / requestsPerSecond);
  }

  public JsonNode get(String path) {
    return call(HttpMethod.GET, path, null);
  }

  public JsonNode post(String path, JsonNode body) {
    return call(HttpMethod.POST, path, body);
  }

  public JsonNode patch(String path, JsonNode body) {
    return call(HttpMethod.PATCH, path, body);
  }

  /** Until when HubSpot asked us to wait (its last 429), or a past instant. */
  public synchronized Instant pausedUntil() {
    return pausedUntil;
  }

  private JsonNode call(HttpMethod method, String path, JsonNode body) {
    pace();
    try {
      RestClient.RequestBodySpec request =
          http.method(method).uri(path).accept(MediaType.APPLICATION_JSON);
      if (body != null) {
        request.contentType(MediaType.APPLICATION_JSON).body(json.writeValueAsString(body));
      }
      return request.exchange(
          (req, response) -> {
            int status = response.getStatusCode().value();
            String answer = new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
            if (response.getStatusCode().is2xxSuccessful()) {
              return answer.isBlank() ? json.createObjectNode() : json.readTree(answer);
            }
            Duration retryAfter = null;
            if (status == 429) {
              retryAfter = retryAfter(response.getHeaders().getFirst("Retry-After"));
              pauseFor(retryAfter);
            }
            throw new HubSpotFailure(status, reason(answer), retryAfter);
          },
          true);
    } catch (ResourceAccessException e) {
      throw new HubSpotFailure(
          0, e.getCause() == null ? "no answer" : e.getCause().getClass().getSimpleName(), null);
    } catch (IOException e) {
      throw new HubSpotFailure(0, "an answer that is not JSON", null);
    }
  }

  /** Spaces calls to the configured rate and waits out a 429's pause. */
  private void pace() {
    long waitNanos;
    synchronized (this) {
      long now = System.nanoTime();
      long pause =
          pausedUntil.isAfter(clock.instant())
              ? Duration.between(clock.instant(), pausedUntil).toNanos()
              : 0;
      long earliest = Math.max(nextCallNanos, now + pause);
      nextCallNanos = earliest + spacingNanos;
      waitNanos = earliest - now;
    }
    if (waitNanos > 0) {
      try {
        Thread.sleep(Duration.ofNanos(waitNanos));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HubSpotFailure(0, "interrupted", null);
      }
    }
  }

  private synchronized void pauseFor(Duration wait) {
    Instant until = clock.instant().plus(wait);
    if (until.isAfter(pausedUntil)) {
      pausedUntil = until;
    }
  }

  /** Retry-After in seconds or as an HTTP date; HubSpot's usual ten seconds when absent. */
  Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return DEFAULT_RETRY_AFTER;
    }
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at =
            java.time.ZonedDateTime.parse(
                    header.trim(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                .toInstant();
        Duration wait = Duration.between(clock.instant(), at);
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (DateTimeParseException notDate) {
        return DEFAULT_RETRY_AFTER;
      }
    }
  }

  /** HubSpot's error message ({@code {"status":"error","message":…}}), cut to a readable size. */
  private String reason(String answer) {
    String reason;
    try {
      JsonNode error = json.readTree(answer);
      reason = error.path("message").asText("");
      String category = error.path("category").asText("");
      if (!category.isEmpty()) {
        reason = category + ": " + reason;
      }
    } catch (IOException notJson) {
      reason = answer;
    }
    if (reason == null || reason.isBlank()) {
      reason = "no reason given";
    }
    reason = reason.strip();
    return reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "…" : reason;
  }
}
