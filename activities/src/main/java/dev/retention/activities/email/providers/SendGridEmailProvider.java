package dev.retention.activities.email.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sendgrid.Client;
import com.sendgrid.Method;
import com.sendgrid.Request;
import com.sendgrid.Response;
import com.sendgrid.SendGrid;
import com.sendgrid.helpers.mail.Mail;
import com.sendgrid.helpers.mail.objects.Content;
import com.sendgrid.helpers.mail.objects.Email;
import com.sendgrid.helpers.mail.objects.Personalization;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.HttpClients;

/**
 * Sends through SendGrid's v3 Mail Send API with the official {@code sendgrid-java} client.
 *
 * <p>SendGrid has no idempotency key. The step's key travels as the custom argument {@value
 * #KEY_ARG}, which SendGrid echoes in every webhook event, so a second message for the same step (a
 * worker that died between SendGrid's accept and our commit, then a retry) is spotted and recorded
 * by the event webhook. The message id is the {@code X-Message-Id} response header.
 */
public final class SendGridEmailProvider implements EmailProvider {

  /** The custom argument that carries the step's idempotency key. */
  public static final String KEY_ARG = "retention_key";

  public static final String DEFAULT_BASE_URL = "https://api.sendgrid.com";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SendGrid client;
  private final Clock clock;

  /**
   * {@code baseUrl} is SendGrid's API ({@value #DEFAULT_BASE_URL}) or a local fake; the client
   * takes a host and a scheme (its {@code test} flag means plain http), not a path.
   */
  public SendGridEmailProvider(String apiKey, URI baseUrl, Duration timeout, Clock clock) {
    if (baseUrl.getHost() == null
        || !(baseUrl.getPath() == null
            || baseUrl.getPath().isEmpty()
            || baseUrl.getPath().equals("/"))) {
      throw new IllegalArgumentException(
          "retention.email.sendgrid.base-url must be a scheme and host, e.g. "
              + DEFAULT_BASE_URL
              + "; got "
              + baseUrl);
    }
    int millis = Math.toIntExact(timeout.toMillis());
    var http =
        HttpClients.custom()
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setConnectTimeout(millis)
                    .setConnectionRequestTimeout(millis)
                    .setSocketTimeout(millis)
                    .build())
            .build();
    this.client = new SendGrid(apiKey, new Client(http, "http".equals(baseUrl.getScheme())));
    this.client.setHost(
        baseUrl.getHost() + (baseUrl.getPort() == -1 ? "" : ":" + baseUrl.getPort()));
    this.clock = clock;
  }

  /**
   * The message id our send recorded (the {@code X-Message-Id} header) of a webhook event's {@code
   * sg_message_id}, which is that id followed by {@code .filter…}.
   */
  public static String messageIdOf(String sgMessageId) {
    if (sgMessageId == null) {
      return null;
    }
    int dot = sgMessageId.indexOf('.');
    return dot < 0 ? sgMessageId : sgMessageId.substring(0, dot);
  }

  @Override
  public String name() {
    return "sendgrid";
  }

  @Override
  public String send(OutgoingEmail email) {
    EmailHeaders.check(email);
    Request request = new Request();
    request.setMethod(Method.POST);
    request.setEndpoint("mail/send");
    Response response;
    try {
      request.setBody(mail(email).build());
      response = client.api(request);
    } catch (IOException e) {
      // Whether SendGrid took it is unknown: a retry may send a second message (see the class).
      throw new RetryableEmailFailure("SendGrid unreachable: " + e.getMessage(), e);
    }
    int status = response.getStatusCode();
    if (status >= 200 && status < 300) {
      return header(response.getHeaders(), "X-Message-Id");
    }
    throw ProviderFailures.of(
        "SendGrid",
        status,
        reason(response.getBody()),
        ProviderFailures.retryAfter(header(response.getHeaders(), "Retry-After"), clock));
  }

  private static Mail mail(OutgoingEmail email) {
    Mail mail = new Mail();
    mail.setFrom(new Email(email.fromAddress(), email.fromName()));
    mail.setReplyTo(new Email(email.replyTo()));
    mail.setSubject(email.subject());
    Personalization to = new Personalization();
    to.addTo(new Email(email.toAddress(), email.toName()));
    mail.addPersonalization(to);
    // SendGrid wants text/plain before text/html.
    mail.addContent(new Content("text/plain", email.text()));
    if (email.html() != null) {
      mail.addContent(new Content("text/html", email.html()));
    }
    email.headers().forEach(mail::addHeader);
    mail.addCustomArg(KEY_ARG, email.idempotencyKey());
    return mail;
  }

  /** SendGrid's errors: {@code {"errors":[{"message":…,"field":…}]}}. */
  private static String reason(String body) {
    if (body == null || body.isBlank()) {
      return "no reason given";
    }
    try {
      JsonNode errors = JSON.readTree(body).path("errors");
      List<String> messages = new ArrayList<>();
      for (JsonNode error : errors) {
        String field = error.path("field").asText("");
        messages.add(
            (field.isEmpty() || "null".equals(field) ? "" : field + ": ")
                + error.path("message").asText(""));
      }
      if (!messages.isEmpty()) {
        return String.join("; ", messages);
      }
    } catch (IOException notJson) {
      // fall through to the raw body
    }
    return body.length() > 500 ? body.substring(0, 500) : body;
  }

  private static String header(Map<String, String> headers, String name) {
    if (headers == null) {
      return null;
    }
    for (Map.Entry<String, String> h : headers.entrySet()) {
      if (h.getKey() != null && h.getKey().equalsIgnoreCase(name)) {
        return h.getValue();
      }
    }
    return null;
  }
}
