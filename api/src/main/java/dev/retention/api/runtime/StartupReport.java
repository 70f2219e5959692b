package dev.retention.api.runtime;

import dev.retention.api.security.login.Credentials;
import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Says, in one short block at start-up, where the API, Temporal and the database are. */
@Component
@ConditionalOnWebApplication
class StartupReport {

  private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

  private final Environment env;
  private final ObjectProvider<LocalDatabase> localDatabase;
  private final PlaybookSettings settings;
  private final Credentials credentials;

  StartupReport(
      Environment env,
      ObjectProvider<LocalDatabase> localDatabase,
      PlaybookSettings settings,
      Credentials credentials) {
    this.env = env;
    this.localDatabase = localDatabase;
    this.settings = settings;
    this.credentials = credentials;
  }

  @EventListener
  void onReady(ApplicationReadyEvent event) {
    String port = env.getProperty("local.server.port", env.getProperty("server.port", "8080"));
    String temporal =
        env.getProperty(
                EmbeddedRuntimeEnvironment.TEMPORAL_DESCRIPTION,
                env.getProperty("spring.temporal.connection.target", "(none)"))
            + "\n            namespace "
            + env.getProperty("spring.temporal.namespace");
    LocalDatabase local = localDatabase.getIfAvailable();
    String database =
        local != null ? local.describe() : redact(env.getProperty("spring.datasource.url"));
    log.info(
        """

        ---- retention playbooks ready in {} ms ----
          API       http://localhost:{}/api  (health: /actuator/health)
          Role      {}
          Temporal  {}  task queue {}
          Database  {}
          Day       retention.playbooks.day-length = {}
        {}---------------------------------------------""",
        ManagementFactory.getRuntimeMXBean().getUptime(),
        port,
        env.getProperty("retention.role", "both"),
        temporal,
        env.getProperty("retention.task-queue"),
        database,
        settings.dayLength(),
        credentialsBlock(port));
  }

  /** The credentials this start created, shown here once; never logged again. */
  private String credentialsBlock(String port) {
    Credentials.Created created = credentials.takeCreated();
    if (created.isEmpty()) {
      return "  Access    every call needs credentials (first-start ones were shown once; admins"
          + " make more at POST /api/admin/keys)\n";
    }
    StringBuilder block = new StringBuilder("  Access    shown this once; keep them:\n");
    if (created.adminKey() != null) {
      block
          .append("    admin key (scope admin), for the README walk-through:\n")
          .append("      export RETENTION_KEY=")
          .append(created.adminKey())
          .append('\n');
    }
    if (!created.logins().isEmpty()) {
      block.append("    logins (POST http://localhost:").append(port).append("/api/session):\n");
      created
          .logins()
          .forEach(
              l ->
                  block
                      .append("      ")
                      .append(
                          String.format(
                              "%-6s %-8s password %s", l.username(), l.role(), l.password()))
                      .append('\n'));
    }
    return block.toString();
  }

  private static String redact(String url) {
    return url == null ? "(none)" : url.replaceAll("password=[^&]*", "password=***");
  }
}
