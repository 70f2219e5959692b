package dev.retention.activities.email.providers;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last line of defence against header injection: no control character (CR, LF, NUL, tab, …) nor
 * Unicode line separator goes into any header of an email, whatever the caller checked. A customer
 * or CSM name with a line break would otherwise end the Subject or From header and start one of its
 * own (a Bcc, say). Every provider calls {@link #check} before it sends; a refusal is a {@link
 * PermanentEmailFailure}, because retrying the same text cannot help.
 */
public final class EmailHeaders {

  private EmailHeaders() {}

  public static void check(OutgoingEmail email) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("subject", email.subject());
    headers.put("from name", email.fromName());
    headers.put("from address", email.fromAddress());
    headers.put("reply-to", email.replyTo());
    headers.put("to name", email.toName());
    headers.put("to address", email.toAddress());
    headers.put("idempotency key", email.idempotencyKey());
    email
        .headers()
        .forEach(
            (name, value) -> {
              if (name == null || name.isEmpty() || !fieldName(name)) {
                throw new PermanentEmailFailure(
                    "refusing to send: a custom header name is empty or holds a character a"
                        + " header name cannot (control, space or ':')");
              }
              headers.put("header " + name, value);
            });
    headers.forEach(
        (what, value) -> {
          int bad = forbidden(value);
          if (bad >= 0) {
            throw new PermanentEmailFailure(
                "refusing to send: the "
                    + what
                    + " holds a control character ("
                    + String.format("U+%04X", (int) value.charAt(bad))
                    + " at index "
                    + bad
                    + "), which could inject a header");
          }
        });
  }

  /** The index of the first character no header may hold, or -1. */
  static int forbidden(String value) {
    if (value == null) {
      return -1;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        return i;
      }
    }
    return -1;
  }

  /** RFC 5322 field names: printable US-ASCII except ':'. */
  private static boolean fieldName(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 33 || c > 126 || c == ':') {
        return false;
      }
    }
    return true;
  }
}
