package dev.retention.api.email;

import dev.retention.api.problems.ApiProblem;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/**
 * What the webhook endpoints share (the email providers' and Calendly's): 401 problems and lenient
 * reading of provider JSON.
 */
public final class WebhookSupport {

  private WebhookSupport() {}

  public static ApiProblem unauthorized(String detail) {
    return new ApiProblem(HttpStatus.UNAUTHORIZED, "Invalid signature", detail, null, null);
  }

  public static ApiProblem malformed(String detail) {
    return new ApiProblem(HttpStatus.BAD_REQUEST, "Malformed webhook", detail, null, null);
  }

  /** A string or number field as text, else null. */
  public static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    if (value.isString()) {
      return value.stringValue();
    }
    return value.isNumber() ? value.asString() : null;
  }

  public static Instant instant(String iso, Instant fallback) {
    if (iso == null) {
      return fallback;
    }
    try {
      return Instant.parse(iso);
    } catch (DateTimeParseException e) {
      try {
        return java.time.OffsetDateTime.parse(iso.replace(' ', 'T')).toInstant();
      } catch (DateTimeParseException again) {
        return fallback;
      }
    }
  }
}
