package dev.retention.api.observability;

import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jdbc.health.DataSourceHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The parts {@code /actuator/health} checks, PostgreSQL ({@code db}) and Temporal ({@code
 * temporal}), each answering within {@link #DEADLINE}: the two together stay under a second, the
 * usual timeout of an orchestrator's probe, during an outage of either. (The bean named {@code
 * dbHealthIndicator} replaces Spring Boot's own, which waits for a pool connection, 30 s.)
 */
@Configuration(proxyBeanMethods = false)
class HealthChecks {

  static final Duration DEADLINE = Duration.ofMillis(450);

  private static final Executor CHECKS =
      command -> Thread.ofVirtual().name("health-check").start(command);

  @Bean
  HealthIndicator dbHealthIndicator(DataSource dataSource) {
    return database(dataSource, DEADLINE);
  }

  @Bean
  HealthIndicator temporalHealthIndicator(WorkflowServiceStubs service) {
    return new DeadlineHealth(new TemporalHealth(service, DEADLINE), DEADLINE, CHECKS);
  }

  static HealthIndicator database(DataSource dataSource, Duration deadline) {
    return new DeadlineHealth(new DataSourceHealthIndicator(dataSource), deadline, CHECKS);
  }
}
