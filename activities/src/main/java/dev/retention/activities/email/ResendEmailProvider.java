package dev.retention.activities.email;

import com.resend.core.exception.ResendException;
import com.resend.core.net.IHttpClient;
import com.resend.core.net.RequestOptions;
import com.resend.services.emails.Emails;
import com.resend.services.emails.model.CreateEmailOptions;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Sends through Resend's {@code POST /emails} with the official {@code resend-java} client. The
 * step's key goes as the {@code Idempotency-Key} header: Resend answers a repeated key (within 24
 * hours, same payload) with the first email's id and sends nothing new, so a retry after a worker
 * died between Resend's accept and our commit cannot send twice.
 */
public final class ResendEmailProvider implements EmailProvider {

  public static final String DEFAULT_BASE_URL = "https://api.resend.com";

  private static final Pattern NEEDS_QUOTES = Pattern.compile("[()<>\\[\\]:;@\\\\,.\"]");

  private final Emails emails;
  private final ResendHttp http;
  private final Clock clock;

  public ResendEmailProvider(String apiKey, URI baseUrl, Duration timeout, Clock clock) {
    this.http = new ResendHttp(baseUrl, timeout);
    this.emails = emails(apiKey, http);
    this.clock = clock;
  }

  @Override
  public String name() {
    return "resend";
  }

  @Override
  public String send(OutgoingEmail email) {
    EmailHeaders.check(email);
    CreateEmailOptions options =
        CreateEmailOptions.builder()
            .from(mailbox(email.fromName(), email.fromAddress()))
            .to(email.toAddress())
            .replyTo(email.replyTo())
            .subject(email.subject())
            .text(email.text())
            .html(email.html())
            .headers(email.headers())
            .build();
    try {
      return emails
          .send(options, RequestOptions.builder().setIdempotencyKey(email.idempotencyKey()).build())
          .getId();
    } catch (UncheckedIOException e) {
      // Unknown whether Resend took it; the retry carries the same key, so at most one is sent.
      throw new RetryableEmailFailure("Resend unreachable: " + e.getCause().getMessage(), e);
    } catch (ResendException e) {
      int status = e.getStatusCode() == null ? 0 : e.getStatusCode();
      Duration retryAfter = ProviderFailures.retryAfter(http.lastRetryAfter(), clock);
      String reason = (e.getErrorName() == null ? "" : e.getErrorName() + ": ") + e.getMessage();
      if (status == 409 && "concurrent_idempotent_requests".equals(e.getErrorName())) {
        // The same key is still being processed (an attempt we gave up on): ask again later.
        throw new RetryableEmailFailure("Resend answered 409: " + reason, retryAfter);
      }
      throw ProviderFailures.of("Resend", status, reason, retryAfter);
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

  /**
   * The SDK's {@code Emails} on our {@link ResendHttp}: its {@code Emails(String, IHttpClient)}
   * constructor is package-private, so it is reached reflectively, once, at start-up; a newer SDK
   * without it fails the start, not a send.
   */
  private static Emails emails(String apiKey, IHttpClient<?> http) {
    try {
      Constructor<Emails> constructor =
          Emails.class.getDeclaredConstructor(String.class, IHttpClient.class);
      constructor.setAccessible(true);
      return constructor.newInstance(apiKey, http);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "this resend-java has no Emails(String, IHttpClient) constructor; the Resend provider"
              + " needs it to set the base URL and timeouts",
          e);
    }
  }
}
