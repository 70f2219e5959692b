package dev.retention.api.problems;

import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * A request the API refuses, with the status, a title, a detail a backend developer can act on,
 * and, for validation errors, the field. Extra properties go into the problem body.
 */
public class ApiProblem extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private static final Set<String> RFC_9457_MEMBERS =
      Set.of("type", "title", "status", "detail", "instance", "field");

  private final HttpStatus status;
  private final String title;
  private final String field;
  private final transient Map<String, Object> properties;
  private final transient Map<String, String> headers;

  public ApiProblem(
      HttpStatus status,
      String title,
      String detail,
      String field,
      Map<String, Object> properties) {
    this(status, title, detail, field, properties, Map.of());
  }

  private ApiProblem(
      HttpStatus status,
      String title,
      String detail,
      String field,
      Map<String, Object> properties,
      Map<String, String> headers) {
    super(detail);
    for (String member :
        properties == null ? Map.<String, Object>of().keySet() : properties.keySet()) {
      if (RFC_9457_MEMBERS.contains(member)) {
        // RFC 9457 gives these members one meaning each ("status" is the HTTP status); an
        // extension under the same name would overwrite it in the body.
        throw new IllegalArgumentException(
            "problem extension named like an RFC 9457 member: " + member);
      }
    }
    this.status = status;
    this.title = title;
    this.field = field;
    this.properties = properties == null ? Map.of() : properties;
    this.headers = headers;
  }

  public static ApiProblem invalid(String field, String detail) {
    return new ApiProblem(HttpStatus.BAD_REQUEST, "Invalid request", detail, field, null);
  }

  public static ApiProblem notFound(String what, String detail) {
    return new ApiProblem(HttpStatus.NOT_FOUND, what + " not found", detail, null, null);
  }

  public static ApiProblem conflict(String title, String detail, Map<String, Object> properties) {
    return new ApiProblem(HttpStatus.CONFLICT, title, detail, null, properties);
  }

  /** 429 with a {@code Retry-After} header: when the caller may try again. */
  public static ApiProblem tooManyRequests(String title, String detail, long retryAfterSeconds) {
    return new ApiProblem(
        HttpStatus.TOO_MANY_REQUESTS,
        title,
        detail,
        null,
        null,
        Map.of(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds)));
  }

  /**
   * 503 with a {@code Retry-After} header: a dependency (Temporal, the database) cannot answer now;
   * nothing was changed.
   */
  public static ApiProblem unavailable(String detail, long retryAfterSeconds) {
    return new ApiProblem(
        HttpStatus.SERVICE_UNAVAILABLE,
        "Service unavailable",
        detail,
        null,
        null,
        Map.of(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds)));
  }

  public HttpStatus status() {
    return status;
  }

  public String title() {
    return title;
  }

  public String field() {
    return field;
  }

  public Map<String, Object> properties() {
    return properties;
  }

  /** Response headers the answer carries (Retry-After). */
  public Map<String, String> headers() {
    return headers;
  }
}
