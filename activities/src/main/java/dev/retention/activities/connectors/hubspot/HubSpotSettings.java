package dev.retention.activities.connectors.hubspot;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.StringUtils;

/**
 * {@code retention.hubspot.*} (docs/connectors/hubspot.md). The connector is on when {@code
 * retention.crm.provider=hubspot}; then a private-app token is required. Empty strings mean "not
 * set".
 *
 * @param token the private app's access token (env {@code HUBSPOT_TOKEN}); never logged
 * @param baseUrl HubSpot's API (tests point it at a local fake)
 * @param propertyPrefix the prefix of the properties the connector creates and writes
 * @param clientSecret the app's client secret, the key of webhook v3 signatures
 * @param webhookUrl the URL HubSpot calls, as HubSpot signs it; default the public base URL plus
 *     {@code /api/webhooks/hubspot}
 * @param webhooks whether task completions are taken from signed webhooks
 * @param poll whether task completions are also polled (where HubSpot cannot reach us)
 * @param pollInterval how often completed tasks are searched for
 * @param sendInterval how often the outbox is drained
 * @param requestsPerSecond our own limit, under the private app's burst limit
 * @param timeout connect and read timeout of each call
 * @param maxAttempts attempts per outbox row before it is marked FAILED and shown to the CSM
 * @param firstRetry the first retry's delay; doubled per attempt, at most an hour
 * @param companyMatch how companies are matched to customers: {@code domain} (the company's domain
 *     is the customer's email domain) or the name of a company property holding our customer id
 */
@ConfigurationProperties("retention.hubspot")
public record HubSpotSettings(
    String token,
    @DefaultValue(HubSpotSettings.DEFAULT_BASE_URL) String baseUrl,
    @DefaultValue("retention_") String propertyPrefix,
    String clientSecret,
    String webhookUrl,
    @DefaultValue("true") boolean webhooks,
    @DefaultValue("true") boolean poll,
    @DefaultValue("PT1M") Duration pollInterval,
    @DefaultValue("PT5S") Duration sendInterval,
    @DefaultValue("10") double requestsPerSecond,
    @DefaultValue("PT10S") Duration timeout,
    @DefaultValue("8") int maxAttempts,
    @DefaultValue("PT5S") Duration firstRetry,
    @DefaultValue("domain") String companyMatch) {

  public static final String DEFAULT_BASE_URL = "https://api.hubapi.com";

  public HubSpotSettings {
    if (maxAttempts < 1) {
      throw new IllegalStateException("retention.hubspot.max-attempts must be at least 1");
    }
    if (!(requestsPerSecond > 0)) {
      throw new IllegalStateException("retention.hubspot.requests-per-second must be above 0");
    }
    if (!StringUtils.hasText(propertyPrefix) || !propertyPrefix.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalStateException(
          "retention.hubspot.property-prefix must be lower case letters, digits and _, e.g."
              + " retention_");
    }
  }

  /** A property's full name: the prefix and the name. */
  public String property(String name) {
    return propertyPrefix + name;
  }
}
