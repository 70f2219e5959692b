package dev.retention.activities.email;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code retention.email.*}, typed, in one place (see application.yaml and docs/email.md): the
 * provider and its keys, the product's name in emails, the unsubscribe links' key, and what the
 * providers' webhooks are verified with. Empty strings mean "not set".
 */
@ConfigurationProperties("retention.email")
public record EmailProperties(
    @DefaultValue("log") String provider,
    @DefaultValue("our product") String productName,
    @DefaultValue("PT20S") Duration timeout,
    String unsubscribeSecret,
    @DefaultValue SendGrid sendgrid,
    @DefaultValue Resend resend) {

  /** SendGrid: the API key, its base URL, and the event webhook's and Inbound Parse's secrets. */
  public record SendGrid(
      String apiKey,
      String baseUrl,
      String webhookPublicKey,
      String inboundToken,
      @DefaultValue("PT5M") Duration webhookTolerance) {}

  /** Resend: the API key, its base URL, and the webhook's signing secret ({@code whsec_…}). */
  public record Resend(String apiKey, String baseUrl, String webhookSecret) {}
}
