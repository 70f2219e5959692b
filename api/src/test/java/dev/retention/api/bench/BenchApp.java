package dev.retention.api.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.retention.api.codec.AesGcmPayloadCodec;
import dev.retention.api.codec.CodecKeyRing;
import dev.retention.api.codec.CustomerDataKeys;
import dev.retention.api.codec.JdbcCustomerKeyStore;
import io.temporal.common.converter.DataConverter;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The packaged app ({@code target/retention-playbooks.jar}, the default build) run as its own
 * process, the way the README runs it: on its default runtime (it starts the Temporal CLI's dev
 * server and an embedded PostgreSQL) in a data folder of the benchmark's, on the benchmark's ports,
 * with the bench key, a payload key the benchmark also holds, and no demo data. Its heap and RSS
 * are read from outside (jcmd, /proc). The data folder is made under {@code java.io.tmpdir}, which
 * {@code bench/java} points into {@code api/target/bench}; closing deletes its data and keeps the
 * app's logs there.
 */
final class BenchApp implements AutoCloseable {

  /** The ports of one benchmark app; -Dbench.port and the like change them. */
  record Ports(int http, int temporal, int ui, int postgres) {
    static Ports configured() {
      return new Ports(
          Integer.getInteger("bench.port", 18391),
          Integer.getInteger("bench.temporal-port", 17693),
          Integer.getInteger("bench.temporal-ui-port", 18693),
          Integer.getInteger("bench.postgres-port", 15693));
    }
  }

  /** Heap after a full collection (the live set), heap committed, and resident memory, in MB. */
  record Memory(double heapUsedMb, double heapCommittedMb, double rssMb, double devServerRssMb) {}

  private static final Pattern HEAP = Pattern.compile("committed (\\d+)K, used (\\d+)K");
  private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

  final Path work;
  final Ports ports;
  final BenchHttp http;
  private final String codecKey;
  private final List<String> extraArgs;
  private Process process;
  private HikariDataSource database;
  private int starts;

  private BenchApp(Path work, Ports ports, List<String> extraArgs) {
    this.work = work;
    this.ports = ports;
    this.http = new BenchHttp(ports.http());
    this.codecKey = CodecKeyRing.newBase64Key(new SecureRandom());
    this.extraArgs = extraArgs;
  }

  /** A fresh data folder, not started yet. */
  static BenchApp fresh(Ports ports, String... extraArgs) throws IOException {
    return new BenchApp(Files.createTempDirectory("retention-bench"), ports, List.of(extraArgs));
  }

  /** The app logs to its own file; the benchmark prints its table and warnings only. */
  static void quietLogging() {
    ((ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
  }

  /**
   * Starts the app the fast way ({@code bin/run-jar}: the unpacked jar with the JDK's class cache,
   * which its first start records) and waits until its health is UP; answers how long that took.
   */
  Duration start() throws Exception {
    return start(Launch.RUN_JAR);
  }

  /** How the app is started. */
  enum Launch {
    /** Plain {@code java -jar} on the jar. */
    PLAIN,
    /** {@code bin/run-jar}: the unpacked jar with the JDK's class cache. */
    RUN_JAR,
    /**
     * {@code bin/run}, the README's run command: a check that the jar is up to date, then {@code
     * bin/run-jar} from {@code api/}. Only for the default jar, which is the one it runs.
     */
    RUN_COMMAND
  }

  /** As {@link #start()}, launched as {@code launch} says. */
  Duration start(Launch launch) throws Exception {
    Path jar = Path.of(System.getProperty("bench.jar", "target/retention-playbooks.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar.toAbsolutePath() + " is not built");
    }
    Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
    // Its temp files (Tomcat's, the PostgreSQL binaries it unpacks) in the data folder too.
    Files.createDirectories(work.resolve("tmp"));
    // -Dbench.app-java-opts: more JVM flags for the app, ';' between them (a flight recording).
    List<String> jvm = new ArrayList<>(List.of("-Djava.io.tmpdir=" + work.resolve("tmp")));
    for (String flag : System.getProperty("bench.app-java-opts", "").split(";", -1)) {
      if (!flag.isBlank()) {
        jvm.add(flag.strip());
      }
    }
    List<String> command = new ArrayList<>();
    Map<String, String> environment = new java.util.HashMap<>();
    if (launch == Launch.RUN_COMMAND && System.getProperty("bench.jar") != null) {
      throw new IllegalStateException("bin/run starts the default jar, not " + jar);
    }
    if (launch != Launch.PLAIN) {
      command.add(Path.of("..", "bin", launch == Launch.RUN_JAR ? "run-jar" : "run").toString());
      environment.put("RETENTION_JAR", jar.toString());
      environment.put("JAVA_HOME", java.getParent().getParent().toString());
      environment.put("JAVA_OPTS", String.join(" ", jvm));
    } else {
      command.add(java.toString());
      command.addAll(jvm);
      command.addAll(List.of("-jar", jar.toString()));
    }
    command.addAll(
        List.of(
            "--server.port=" + ports.http(),
            "--retention.dev-server.port=" + ports.temporal(),
            "--retention.dev-server.ui-port=" + ports.ui(),
            "--retention.dev-server.db-file=" + work.resolve("temporal.db"),
            "--retention.embedded-postgres.data-dir=" + work.resolve("postgres"),
            "--retention.embedded-postgres.port=" + ports.postgres(),
            "--retention.codec.keys=bench:" + codecKey,
            "--retention.demo-data.enabled=false",
            "--retention.security.bootstrap-admin-key=" + BenchHttp.KEY,
            "--retention.email.unsubscribe-secret=bench-only-unsubscribe-secret-0123456789",
            "--logging.level.dev.retention=WARN"));
    command.addAll(extraArgs);
    starts++;
    Path log = work.resolve("app-" + starts + ".log");
    long began = System.nanoTime();
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    process = builder.start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!up()) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the app exited; see " + log + "\n" + tail(log));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the app was not up within 5 minutes; see " + log);
      }
      Thread.sleep(100);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - began);
    // The dev server the app started keeps its pid beside its database file.
    if (pidIn(work.resolve("temporal.pid")).flatMap(ProcessHandle::of).isEmpty()) {
      throw new IllegalStateException(
          "the app is not on the Temporal CLI's dev server; see " + log);
    }
    return took;
  }

  private boolean up() {
    try {
      HttpResponse<String> health = http.exchange("GET", "/actuator/health", null);
      return health.statusCode() == 200 && health.body().contains("\"UP\"");
    } catch (Exception e) {
      return false;
    }
  }

  long pid() {
    return process.pid();
  }

  /**
   * The data converter the app uses (same payload key, and its customer data keys through the app's
   * own key store on its database), for the benchmark's own SDK client.
   */
  DataConverter dataConverter() {
    CodecKeyRing ring = CodecKeyRing.of(Map.of("bench", codecKey), "bench");
    DataSource db = database();
    return new AesGcmPayloadCodec(
            ring,
            new CustomerDataKeys(
                ring,
                new JdbcCustomerKeyStore(
                    org.springframework.jdbc.core.simple.JdbcClient.create(db),
                    new org.springframework.jdbc.datasource.DataSourceTransactionManager(db))))
        .dataConverter();
  }

  String temporalTarget() {
    return "127.0.0.1:" + ports.temporal();
  }

  /** The app's database (its embedded PostgreSQL), for reading what it recorded. */
  synchronized DataSource database() {
    if (database == null) {
      database = new HikariDataSource();
      database.setJdbcUrl("jdbc:postgresql://localhost:" + ports.postgres() + "/postgres");
      database.setUsername("postgres");
      database.setPassword("postgres");
      // As many as the yardstick's statements at once (bench.concurrency) and one to look on.
      database.setMaximumPoolSize(Integer.getInteger("bench.concurrency", 2) + 1);
    }
    return database;
  }

  /** A full collection first, so the heap figure is what the app keeps, not garbage. */
  Memory memory() throws Exception {
    jcmd("GC.run");
    // -Dbench.histogram=true: the live objects by class, beside the logs, to see what the heap
    // holds.
    if (Boolean.getBoolean("bench.histogram")) {
      // In target/bench (the benchmark runs in api/), which outlives the data folder.
      Files.writeString(
          Path.of("target", "bench", "histogram-" + System.currentTimeMillis() + ".txt"),
          jcmd("GC.class_histogram"));
    }
    Matcher heap = HEAP.matcher(jcmd("GC.heap_info"));
    if (!heap.find()) {
      throw new IllegalStateException("no heap figures from jcmd GC.heap_info");
    }
    double devServer = pidIn(work.resolve("temporal.pid")).map(BenchApp::rssMb).orElse(Double.NaN);
    return new Memory(
        Long.parseLong(heap.group(2)) / 1024.0,
        Long.parseLong(heap.group(1)) / 1024.0,
        rssMb(process.pid()),
        devServer);
  }

  private String jcmd(String what) throws Exception {
    Path jcmd =
        Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
    Process p =
        new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), what)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + what + " failed: " + out);
    }
    return out;
  }

  private static double rssMb(long pid) {
    try {
      Matcher m = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
      return m.find() ? Long.parseLong(m.group(1)) / 1024.0 : Double.NaN;
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  private static Optional<Long> pidIn(Path file) {
    try {
      return Optional.of(Long.parseLong(Files.readAllLines(file).getFirst().strip()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Stops the app as an operator would (SIGTERM), and with it its dev server and PostgreSQL. */
  void stop() throws InterruptedException {
    synchronized (this) {
      if (database != null) {
        database.close();
        database = null;
      }
    }
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  /** The dev server's SQLite files (database, write-ahead log), in bytes. */
  long devServerDiskBytes() throws IOException {
    long bytes = 0;
    for (String suffix : List.of("", "-wal", "-shm")) {
      Path f = work.resolve("temporal.db" + suffix);
      if (Files.isRegularFile(f)) {
        bytes += Files.size(f);
      }
    }
    return bytes;
  }

  /** Stops the app, then deletes its data (the logs stay beside them for a look afterwards). */
  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try (var files = Files.walk(work)) {
      files
          .sorted(java.util.Comparator.reverseOrder())
          .filter(f -> !f.getFileName().toString().endsWith(".log") && !f.equals(work))
          .forEach(
              f -> {
                try {
                  Files.deleteIfExists(f);
                } catch (IOException e) {
                  // a non-empty folder that holds a log: kept
                }
              });
    } catch (IOException e) {
      System.err.println("bench: could not clean " + work + ": " + e);
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }
}
