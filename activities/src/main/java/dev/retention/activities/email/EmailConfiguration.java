package dev.retention.activities.email;

import dev.retention.activities.email.consent.UnsubscribeLinks;
import dev.retention.activities.email.providers.EmailProvider;
import dev.retention.activities.email.providers.LogEmailProvider;
import dev.retention.activities.email.providers.ResendEmailProvider;
import dev.retention.activities.email.providers.SendGridEmailProvider;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Chooses the email provider ({@code retention.email.provider}: {@code log}, the default, {@code
 * sendgrid} or {@code resend}) and the unsubscribe signing key. API keys come from configuration or
 * the environment only and are never logged; a selected provider without its key stops the start.
 * See docs/email.md.
 */
@Configuration(proxyBeanMethods = false)
class EmailConfiguration {

  private static final Logger log = LoggerFactory.getLogger(EmailConfiguration.class);

  @Bean
  @ConditionalOnMissingBean
  EmailProvider emailProvider(Environment env, Clock clock) {
    String provider = env.getProperty("retention.email.provider", "log").trim();
    Duration timeout = env.getProperty("retention.email.timeout", Duration.class, ofSeconds(20));
    EmailProvider chosen =
        switch (provider) {
          case "log" -> new LogEmailProvider();
          case "sendgrid" ->
              new SendGridEmailProvider(
                  required(env, "retention.email.sendgrid.api-key", "SENDGRID_API_KEY", provider),
                  baseUrl(
                      env,
                      "retention.email.sendgrid.base-url",
                      SendGridEmailProvider.DEFAULT_BASE_URL),
                  timeout,
                  clock);
          case "resend" ->
              new ResendEmailProvider(
                  required(env, "retention.email.resend.api-key", "RESEND_API_KEY", provider),
                  baseUrl(
                      env, "retention.email.resend.base-url", ResendEmailProvider.DEFAULT_BASE_URL),
                  timeout,
                  clock);
          default ->
              throw new IllegalStateException(
                  "retention.email.provider="
                      + provider
                      + " is not available; use one of: log, sendgrid, resend");
        };
    log.info("email provider: {}", chosen.name());
    return chosen;
  }

  /**
   * The unsubscribe links' HMAC key ({@code retention.email.unsubscribe-secret}, env {@code
   * RETENTION_UNSUBSCRIBE_SECRET}). On the embedded runtime a missing secret is generated at
   * start-up (links from before a restart then stop working); anywhere else it must be set.
   */
  @Bean
  @ConditionalOnMissingBean
  UnsubscribeLinks unsubscribeLinks(Environment env) {
    String secret =
        value(env, "retention.email.unsubscribe-secret", "RETENTION_UNSUBSCRIBE_SECRET");
    if (secret == null) {
      if (!embedded(env)) {
        throw new IllegalStateException(
            "retention.email.unsubscribe-secret (env RETENTION_UNSUBSCRIBE_SECRET) is not set: the"
                + " unsubscribe links in customer emails are signed with it; use at least 32"
                + " random characters, e.g. `openssl rand -base64 32`");
      }
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      secret = Base64.getEncoder().encodeToString(random);
      log.warn(
          "retention.email.unsubscribe-secret is not set: generated a random one for this run of"
              + " the embedded runtime; unsubscribe links sent before a restart will be rejected."
              + " Set RETENTION_UNSUBSCRIBE_SECRET to keep them valid.");
    }
    String base = env.getProperty("retention.public-base-url", "http://localhost:8080");
    return new UnsubscribeLinks(secret, base);
  }

  private static boolean embedded(Environment env) {
    return env.getProperty("spring.temporal.test-server.enabled", Boolean.class, false)
        || env.getProperty("retention.embedded-postgres.enabled", Boolean.class, false);
  }

  private static String required(Environment env, String key, String envVar, String provider) {
    String value = value(env, key, envVar);
    if (value == null) {
      throw new IllegalStateException(
          "retention.email.provider="
              + provider
              + " needs an API key: set "
              + envVar
              + " (or "
              + key
              + ")");
    }
    return value;
  }

  private static String value(Environment env, String key, String envVar) {
    String value = env.getProperty(key);
    if (!StringUtils.hasText(value)) {
      value = env.getProperty(envVar);
    }
    return StringUtils.hasText(value) ? value.trim() : null;
  }

  private static URI baseUrl(Environment env, String key, String fallback) {
    String value = env.getProperty(key);
    return URI.create(StringUtils.hasText(value) ? value.trim() : fallback);
  }

  private static Duration ofSeconds(long seconds) {
    return Duration.ofSeconds(seconds);
  }
}
