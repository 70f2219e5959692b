package dev.retention.activities.testing;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A real PostgreSQL for activity tests: one embedded server for the whole test run (started on
 * first use, closed when the run ends), and a database of its own for each test class while it
 * runs, copied from one the module's Flyway scripts migrated once. Test classes run side by side
 * (the module's surefire configuration), so no two classes ever share a database at the same
 * moment; a database a class is done with serves the next class. Every table is emptied before each
 * test. Test classes get the {@link DataSource} as a parameter, e.g. of a {@code @BeforeAll}
 * method.
 */
public final class PostgresExtension
    implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PostgresExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    database(context);
  }

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

  /** The database the test class of {@code context} holds, taken when the class starts. */
  private static Database database(ExtensionContext context) {
    ExtensionContext owner = context;
    while (owner.getTestMethod().isPresent() && owner.getParent().isPresent()) {
      owner = owner.getParent().get();
    }
    Server server =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .computeIfAbsent(Server.class, type -> Server.start(), Server.class);
    return owner
        .getStore(NAMESPACE)
        .computeIfAbsent(Lease.class, type -> new Lease(server, server.take()), Lease.class)
        .database();
  }

  /** A class's hold on a database: handed back when the class's tests are done. */
  record Lease(Server server, Database database) implements AutoCloseable {
    @Override
    public void close() {
      server.giveBack(database);
    }
  }

  /** The embedded server, the migrated database every class's copy comes from, the free copies. */
  static final class Server implements AutoCloseable {

    private static final String TEMPLATE = "activities_template";

    private final EmbeddedPostgres postgres;
    private final List<String> tables;
    private final Queue<Database> free = new ConcurrentLinkedQueue<>();
    private final Queue<Database> all = new ConcurrentLinkedQueue<>();
    private final AtomicInteger copies = new AtomicInteger();

    private Server(EmbeddedPostgres postgres, List<String> tables) {
      this.postgres = postgres;
      this.tables = tables;
    }

    static Server start() {
      try {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        JdbcClient.create(postgres.getPostgresDatabase())
            .sql("create database " + TEMPLATE)
            .update();
        // Migrated through a pool closed right after: a database is copied only while nobody is
        // connected to it.
        try (HikariDataSource template = pool(postgres, TEMPLATE, "activities-template")) {
          Flyway.configure()
              .dataSource(template)
              .locations("classpath:db/migration")
              .load()
              .migrate();
          List<String> tables =
              JdbcClient.create(template)
                  .sql(
                      """
                      select tablename from pg_tables
                      where schemaname = 'public'
                        and tablename not in ('flyway_schema_history', 'audit_log')
                      order by tablename
                      """)
                  .query(String.class)
                  .list();
          return new Server(postgres, tables);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
      }
    }

    /** A free copy, or a new one when every copy is held by a class still running. */
    Database take() {
      Database database = free.poll();
      if (database != null) {
        return database;
      }
      String name = "activities_" + copies.incrementAndGet();
      // One copy at a time, so classes starting together never copy the template at once (a copy
      // takes a fraction of a second, and happens once per class running side by side).
      synchronized (this) {
        JdbcClient.create(postgres.getPostgresDatabase())
            .sql("create database " + name + " template " + TEMPLATE)
            .update();
      }
      Database copy = new Database(pool(postgres, name, name), tables);
      all.add(copy);
      return copy;
    }

    /** A class is done with {@code database}: the next class to start takes it. */
    void giveBack(Database database) {
      free.add(database);
    }

    private static HikariDataSource pool(EmbeddedPostgres postgres, String database, String name) {
      HikariDataSource ds = new HikariDataSource();
      ds.setJdbcUrl(postgres.getJdbcUrl("postgres", database));
      ds.setUsername("postgres");
      ds.setPassword("postgres");
      ds.setMaximumPoolSize(4);
      ds.setPoolName(name);
      return ds;
    }

    @Override
    public void close() throws IOException {
      all.forEach(database -> database.dataSource().close());
      postgres.close();
    }
  }

  /** One class's database: a small pool on it, and the tables the migration created. */
  record Database(HikariDataSource dataSource, List<String> tables) {

    void truncateAll() {
      JdbcClient.create(dataSource)
          .sql("truncate table " + String.join(", ", tables) + " restart identity cascade")
          .update();
    }
  }
}
