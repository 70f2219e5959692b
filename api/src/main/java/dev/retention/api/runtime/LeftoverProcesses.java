package dev.retention.api.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The local servers the app starts (the Temporal dev server, the embedded PostgreSQL) outlive a
 * {@code kill -9} of the app unless something stops them. Two things do: a watchdog, a tiny shell
 * started beside each server that signals it the moment the app dies, and, at the next start, the
 * pid file in the data folder, whose process is stopped when it is still alive and still that
 * server.
 */
final class LeftoverProcesses {

  private LeftoverProcesses() {}

  /** The pid on the first line of a pid file, when the file exists and holds one. */
  static Optional<Long> pidIn(Path pidFile) {
    try {
      if (!Files.isRegularFile(pidFile)) {
        return Optional.empty();
      }
      List<String> lines = Files.readAllLines(pidFile);
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Stops the process of a pid file when it is alive and its command mentions {@code expected} (a
   * pid reused by an unrelated process is left alone); answers whether one was stopped.
   */
  static boolean stopLeftover(Path pidFile, String expected, Duration grace) {
    Optional<ProcessHandle> process =
        pidIn(pidFile)
            .flatMap(ProcessHandle::of)
            .filter(ProcessHandle::isAlive)
            .filter(p -> p.pid() != ProcessHandle.current().pid())
            .filter(p -> commandOf(p).contains(expected));
    if (process.isEmpty()) {
      return false;
    }
    stop(process.get(), grace);
    return true;
  }

  /** SIGTERM, then SIGKILL after the grace period. */
  static void stop(ProcessHandle process, Duration grace) {
    process.destroy();
    try {
      process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      process.destroyForcibly();
      awaitExit(process.onExit(), Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      // gone
    }
  }

  /**
   * A watchdog that sends {@code signal} (e.g. {@code TERM}, {@code INT}) to {@code pid} the moment
   * this JVM is gone, also after a {@code kill -9}: a shell blocked reading a pipe whose other end
   * only this JVM holds. The kernel closes that end when the JVM dies, however it dies, and the
   * read returns at once (no polling). When the server stops first (a normal shutdown), the JVM
   * writes a line into the pipe and the watchdog leaves without signalling. POSIX shells only;
   * elsewhere the pid file suffices.
   */
  static void watch(long pid, String signal) {
    if (!Files.isExecutable(Path.of("/bin/sh"))) {
      return;
    }
    String script =
        "trap '' INT HUP; if read -r released; then exit 0; fi; kill -%s %d 2>/dev/null; exit 0"
            .formatted(signal, pid);
    Process watchdog;
    try {
      watchdog =
          new ProcessBuilder("/bin/sh", "-c", script)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      // Without a watchdog the pid file still lets the next start stop a leftover.
      return;
    }
    Optional<ProcessHandle> server = ProcessHandle.of(pid);
    if (server.isEmpty()) {
      release(watchdog);
    } else {
      var unused = server.get().onExit().thenRun(() -> release(watchdog));
    }
  }

  private static void release(Process watchdog) {
    try (var pipe = watchdog.getOutputStream()) {
      pipe.write('\n');
    } catch (IOException e) {
      // The watchdog is gone already.
    }
  }

  static String commandOf(ProcessHandle process) {
    ProcessHandle.Info info = process.info();
    return info.commandLine().or(info::command).orElse("");
  }

  private static void awaitExit(CompletableFuture<ProcessHandle> exit, Duration timeout) {
    try {
      exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // best effort
    }
  }
}
