package dev.retention.activities.email;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses the email provider ({@code retention.email.provider}); {@code log} is the default. */
@Configuration(proxyBeanMethods = false)
class EmailConfiguration {

  @Bean
  @ConditionalOnMissingBean
  EmailProvider emailProvider(
      @org.springframework.beans.factory.annotation.Value("${retention.email.provider:log}")
          String provider) {
    return switch (provider) {
      case "log" -> new LogEmailProvider();
      default ->
          throw new IllegalStateException(
              "retention.email.provider=" + provider + " is not available; use: log");
    };
  }
}
