package dev.retention.activities.connectors.hubspot;

import dev.retention.data.crm.TaskQueue;
import java.net.URI;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.util.StringUtils;

/**
 * The CRM is chosen by {@code retention.crm.provider} (env {@code RETENTION_CRM_PROVIDER}): {@code
 * builtin} (the default: tasks, notes and tags in our tables) or {@code hubspot} (the same, and
 * mirrored to HubSpot through the outbox; a token is then required, see {@link HubSpotSettings}).
 * The {@link HubSpotConnection} exists either way, for the connections page.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HubSpotSettings.class)
class HubSpotConfiguration {

  static final String PROVIDER = "retention.crm.provider";

  @Bean
  HubSpotHealth hubSpotHealth(Environment env) {
    String provider = env.getProperty(PROVIDER, "builtin").trim();
    if (!provider.equals("builtin") && !provider.equals("hubspot")) {
      throw new IllegalStateException(
          PROVIDER + "=" + provider + " is not available; use one of: builtin, hubspot");
    }
    return new HubSpotHealth();
  }

  @Bean
  HubSpotConnection hubSpotConnection(
      ObjectProvider<HubSpotCrm> crm, HubSpotOutbox outbox, HubSpotHealth health, Clock clock) {
    return new HubSpotConnection(crm, outbox, health, clock);
  }

  /** The HubSpot side, only with {@code retention.crm.provider=hubspot}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(name = PROVIDER, havingValue = "hubspot")
  static class On {

    private static final Logger log = LoggerFactory.getLogger(HubSpotConfiguration.class);

    @Bean
    HubSpotCrm hubSpotCrm(HubSpotSettings settings, Environment env, Clock clock) {
      String token =
          StringUtils.hasText(settings.token())
              ? settings.token().trim()
              : env.getProperty("HUBSPOT_TOKEN", "").trim();
      if (token.isEmpty()) {
        throw new IllegalStateException(
            PROVIDER
                + "=hubspot needs the private app's token: set HUBSPOT_TOKEN (or"
                + " retention.hubspot.token)");
      }
      String base =
          StringUtils.hasText(settings.baseUrl())
              ? settings.baseUrl().trim()
              : HubSpotSettings.DEFAULT_BASE_URL;
      log.info("CRM: built-in, mirrored to HubSpot at {}", base);
      return new HubSpotCrm(
          new HubSpotApi(
              token, URI.create(base), settings.timeout(), settings.requestsPerSecond(), clock),
          settings);
    }

    @Bean
    HubSpotSender hubSpotSender(
        HubSpotCrm crm,
        HubSpotOutbox outbox,
        HubSpotHealth health,
        HubSpotSettings settings,
        JdbcClient jdbc,
        Clock clock) {
      return new HubSpotSender(crm, outbox, health, settings, jdbc, clock);
    }

    @Bean
    HubSpotCompletions hubSpotCompletions(HubSpotOutbox outbox, TaskQueue tasks) {
      return new HubSpotCompletions(outbox, tasks);
    }

    @Bean
    HubSpotPoller hubSpotPoller(
        HubSpotCrm crm,
        HubSpotCompletions completions,
        HubSpotHealth health,
        JdbcClient jdbc,
        Clock clock) {
      return new HubSpotPoller(crm, completions, health, jdbc, clock);
    }

    @Bean
    HubSpotImport hubSpotImport(
        HubSpotCrm crm, HubSpotOutbox outbox, HubSpotSettings settings, JdbcClient jdbc) {
      return new HubSpotImport(crm, outbox, settings, jdbc);
    }

    @Bean
    Schedule hubSpotSchedule(HubSpotSender sender, HubSpotPoller poller, HubSpotSettings s) {
      return new Schedule(sender, poller, s);
    }
  }

  /** The sender's and the poller's turns. */
  static class Schedule {
    private final HubSpotSender sender;
    private final HubSpotPoller poller;
    private final HubSpotSettings settings;

    Schedule(HubSpotSender sender, HubSpotPoller poller, HubSpotSettings settings) {
      this.sender = sender;
      this.poller = poller;
      this.settings = settings;
    }

    @Scheduled(
        initialDelayString = "${retention.hubspot.send-interval:PT5S}",
        fixedDelayString = "${retention.hubspot.send-interval:PT5S}")
    void send() {
      sender.drain();
    }

    @Scheduled(
        initialDelayString = "${retention.hubspot.poll-interval:PT1M}",
        fixedDelayString = "${retention.hubspot.poll-interval:PT1M}")
    void poll() {
      if (settings.poll()) {
        poller.poll();
      }
    }
  }
}
