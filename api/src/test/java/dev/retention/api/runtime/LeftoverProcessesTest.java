package dev.retention.api.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The watchdog beside each local server: it stops the server when the app's JVM dies, also after a
 * {@code kill -9}, and leaves quietly when the server stopped first.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class LeftoverProcessesTest {

  @Test
  void aKill9OfTheApp_stopsTheServer() throws Exception {
    Process server = new ProcessBuilder("sleep", "300").start();
    Process app =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                WatchdogProbe.class.getName(),
                Long.toString(server.pid()))
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("watching");

      app.destroyForcibly(); // SIGKILL: no shutdown hook runs
      long killed = System.nanoTime();
      assertThat(app.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(server.waitFor(10, TimeUnit.SECONDS))
          .as("the server outlived the app's kill -9 by 10 s")
          .isTrue();
      System.out.printf(
          "watchdog: server stopped %d ms after the app's kill -9%n",
          Duration.ofNanos(System.nanoTime() - killed).toMillis());
    } finally {
      app.destroyForcibly();
      server.destroyForcibly();
    }
  }

  @Test
  void aServerThatStopsFirst_releasesItsWatchdog() throws Exception {
    Process server = new ProcessBuilder("sleep", "300").start();
    LeftoverProcesses.watch(server.pid(), "TERM");
    ProcessHandle watchdog =
        ProcessHandle.current()
            .children()
            .filter(p -> LeftoverProcesses.commandOf(p).contains(Long.toString(server.pid())))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no watchdog for " + server.pid()));
    assertThat(watchdog.isAlive()).isTrue();

    server.destroy();
    assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
    watchdog.onExit().get(10, TimeUnit.SECONDS);
    assertThat(watchdog.isAlive()).isFalse();
  }
}
