package dev.retention.activities.email.providers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An email ready for a provider. {@code idempotencyKey} identifies the run's step; providers that
 * accept a key get it, so a retry after a crash cannot send twice where they honour it. {@code
 * headers} are extra message headers (the RFC 8058 {@code List-Unsubscribe} pair on customer
 * emails); {@code unsubscribeUrl} is the signed one-click link, or null for alerts to CSMs; {@code
 * html} is the HTML alternative of {@code text}, or null to send plain text only.
 */
public record OutgoingEmail(
    String idempotencyKey,
    String fromName,
    String fromAddress,
    String replyTo,
    String toName,
    String toAddress,
    String subject,
    String text,
    Map<String, String> headers,
    String unsubscribeUrl,
    String html) {

  public OutgoingEmail {
    headers =
        headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** A plain-text email. */
  public OutgoingEmail(
      String idempotencyKey,
      String fromName,
      String fromAddress,
      String replyTo,
      String toName,
      String toAddress,
      String subject,
      String text,
      Map<String, String> headers,
      String unsubscribeUrl) {
    this(
        idempotencyKey,
        fromName,
        fromAddress,
        replyTo,
        toName,
        toAddress,
        subject,
        text,
        headers,
        unsubscribeUrl,
        null);
  }

  /** A plain-text email without extra headers or unsubscribe link (alerts to CSMs). */
  public OutgoingEmail(
      String idempotencyKey,
      String fromName,
      String fromAddress,
      String replyTo,
      String toName,
      String toAddress,
      String subject,
      String text) {
    this(
        idempotencyKey,
        fromName,
        fromAddress,
        replyTo,
        toName,
        toAddress,
        subject,
        text,
        null,
        null,
        null);
  }
}
