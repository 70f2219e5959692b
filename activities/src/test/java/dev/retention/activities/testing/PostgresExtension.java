package dev.retention.activities.testing;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A real PostgreSQL for activity tests: one embedded server for the whole test run (started on
 * first use, migrated with the module's Flyway scripts, closed when the run ends), every table
 * emptied before each test. Test classes get the {@link DataSource} as a parameter, e.g. of a
 * {@code @BeforeAll} method.
 */
public final class PostgresExtension implements BeforeEachCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PostgresExtension.class);

  @Override
  public void beforeEach(ExtensionContext context) {
    database(context).truncateAll();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == DataSource.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return database(context).dataSource();
  }

  private static Database database(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(Database.class, type -> Database.start(), Database.class);
  }

  /** The server, a small pool on it, and the tables the migration created. */
  record Database(EmbeddedPostgres postgres, HikariDataSource dataSource, List<String> tables)
      implements AutoCloseable {

    static Database start() {
      try {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        ds.setUsername("postgres");
        ds.setPassword("postgres");
        ds.setMaximumPoolSize(4);
        ds.setPoolName("activities-test");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        List<String> tables =
            JdbcClient.create(ds)
                .sql(
                    """
                    select tablename from pg_tables
                    where schemaname = 'public'
                      and tablename not in ('flyway_schema_history', 'audit_log')
                    order by tablename
                    """)
                .query(String.class)
                .list();
        return new Database(postgres, ds, tables);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
      }
    }

    void truncateAll() {
      JdbcClient.create(dataSource)
          .sql("truncate table " + String.join(", ", tables) + " restart identity cascade")
          .update();
    }

    @Override
    public void close() throws IOException {
      dataSource.close();
      postgres.close();
    }
  }
}
