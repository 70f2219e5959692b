package dev.retention.activities.connectors.slack;

import dev.retention.data.connections.Connection;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Slack (docs/connectors/slack.md): on when {@code retention.slack.token} is set. Its {@link
 * Connection} is there either way, saying so when Slack is off.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SlackSettings.class)
public class SlackConfiguration {

  static final String ON = "!'${retention.slack.token:}'.isBlank()";

  @Bean(destroyMethod = "close")
  @ConditionalOnExpression(ON)
  SlackClient slackClient(SlackSettings settings) {
    return new SlackClient(settings);
  }

  @Bean
  @ConditionalOnExpression(ON)
  SlackOutbox slackOutbox(JdbcClient jdbc, TransactionTemplate tx) {
    return new SlackOutbox(jdbc, tx);
  }

  @Bean
  @ConditionalOnExpression(ON)
  SlackListeners slackListeners(SlackOutbox outbox) {
    return new SlackListeners(outbox);
  }

  @Bean
  @ConditionalOnExpression(ON)
  SlackSender slackSender(
      SlackSettings settings,
      SlackClient client,
      SlackOutbox outbox,
      JdbcClient jdbc,
      Clock clock,
      @Value("${retention.public-base-url:http://localhost:8080}") String publicBaseUrl) {
    return new SlackSender(settings, client, outbox, jdbc, clock, publicBaseUrl);
  }

  @Bean
  Connection slackConnection(
      SlackSettings settings,
      ObjectProvider<SlackClient> client,
      ObjectProvider<SlackOutbox> outbox,
      Clock clock) {
    return new SlackConnection(settings, client.getIfAvailable(), outbox.getIfAvailable(), clock);
  }
}
