package dev.retention.api.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * One embedded PostgreSQL for all the application contexts of a test JVM, each context on a new,
 * empty database of its own (which the app migrates at its start, as it would a fresh one), instead
 * of a PostgreSQL per context: every context of the suite used to run initdb and start and stop a
 * server of its own, a second or more of CPU each on a machine whose two cores the api tests keep
 * busy. The server is stopped when the JVM exits (the embedded PostgreSQL's own hook).
 *
 * <p>Only for a context that asks for a throw-away embedded PostgreSQL ({@code
 * retention.embedded-postgres.data-dir} blank, no {@code spring.datasource.url}): it gets the
 * database as {@code spring.datasource.url}, so the app takes it as its external database. A test
 * of the embedded PostgreSQL itself keeps its own by setting {@value #PROPERTY} to false. Runs
 * before the app's {@code EmbeddedRuntimeEnvironment}, which decides between the two. Registered in
 * {@code META-INF/spring.factories} (test resources).
 */
public final class SharedTestPostgres implements EnvironmentPostProcessor, Ordered {

  /** False: the context starts its own embedded PostgreSQL, as the app does. */
  public static final String PROPERTY = "retention.test.shared-postgres";

  static final String SOURCE = "retention-test-shared-postgres";

  /** Room for the pools of every context a test JVM keeps (32 connections each by default). */
  private static final int MAX_CONNECTIONS = 600;

  private static EmbeddedPostgres server;
  private static int databases;

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
    boolean throwAway =
        env.containsProperty("retention.embedded-postgres.data-dir")
            && env.getProperty("retention.embedded-postgres.data-dir", "").isBlank();
    if (!throwAway
        || StringUtils.hasText(env.getProperty("spring.datasource.url"))
        || !env.getProperty(PROPERTY, Boolean.class, true)) {
      return;
    }
    env.getPropertySources()
        .addFirst(
            new MapPropertySource(
                SOURCE,
                Map.of(
                    "spring.datasource.url", newDatabase(),
                    "spring.datasource.username", "postgres",
                    "spring.datasource.password", "postgres")));
  }

  /** A new, empty database on the JVM's server (started on first use); its JDBC URL. */
  static synchronized String newDatabase() {
    try {
      if (server == null) {
        server =
            EmbeddedPostgres.builder()
                .setServerConfig("max_connections", String.valueOf(MAX_CONNECTIONS))
                .start();
      }
      String name = "context_" + ++databases;
      try (Connection connection = server.getPostgresDatabase().getConnection();
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE DATABASE " + name);
      }
      return server.getJdbcUrl("postgres", name);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the tests' embedded PostgreSQL", e);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create a database for a test context", e);
    }
  }

  @Override
  public int getOrder() {
    // Before the app's EmbeddedRuntimeEnvironment (the lowest precedence), after the rest.
    return Ordered.LOWEST_PRECEDENCE - 1;
  }
}
