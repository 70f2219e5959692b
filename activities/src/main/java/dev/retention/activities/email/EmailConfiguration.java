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
import org.springframework.boot.context.properties.EnableConfigurationProperties;
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
@EnableConfigurationProperties(EmailProperties.class)
class EmailConfiguration {

  private static final Logger log = LoggerFactory.getLogger(EmailConfiguration.class);

  @Bean
  @ConditionalOnMissingBean
  EmailProvider emailProvider(EmailProperties email, Environment env, Clock clock) {
    String provider = email.provider().trim();
    Duration timeout = email.timeout();
    EmailProvider chosen =
        switch (provider) {
          case "log" -> new LogEmailProvider();
          case "sendgrid" ->
              new SendGridEmailProvider(
                  required(
                      email.sendgrid().apiKey(),
                      env,
                      "retention.email.sendgrid.api-key",
                      "SENDGRID_API_KEY",
                      provider),
                  baseUrl(email.sendgrid().baseUrl(), SendGridEmailProvider.DEFAULT_BASE_URL),
                  timeout,
                  clock);
          case "resend" ->
              new ResendEmailProvider(
                  required(
                      email.resend().apiKey(),
                      env,
                      "retention.email.resend.api-key",
                      "RESEND_API_KEY",
                      provider),
                  baseUrl(email.resend().baseUrl(), ResendEmailProvider.DEFAULT_BASE_URL),
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
  UnsubscribeLinks unsubscribeLinks(EmailProperties email, Environment env) {
    String secret = value(email.unsubscribeSecret(), env, "RETENTION_UNSUBSCRIBE_SECRET");
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

  private static String required(
      String configured, Environment env, String key, String envVar, String provider) {
    String value = value(configured, env, envVar);
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

  /**
   * The configured value, else the environment variable's (application.yaml maps them, but a module
   * used without it still finds its keys), trimmed; null when neither is set.
   */
  private static String value(String configured, Environment env, String envVar) {
    String value = StringUtils.hasText(configured) ? configured : env.getProperty(envVar);
    return StringUtils.hasText(value) ? value.trim() : null;
  }

  private static URI baseUrl(String configured, String fallback) {
    return URI.create(StringUtils.hasText(configured) ? configured.trim() : fallback);
  }
}
