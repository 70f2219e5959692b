package dev.retention.api.runtime;

/**
 * A stand-in for the app in {@link LeftoverProcessesTest}: a JVM that puts a watchdog on the
 * process whose pid it is given, says so, and waits to be killed.
 */
public final class WatchdogProbe {

  private WatchdogProbe() {}

  public static void main(String[] args) throws InterruptedException {
    LeftoverProcesses.watch(Long.parseLong(args[0]), "TERM");
    System.out.println("watching");
    System.out.flush();
    Thread.sleep(120_000);
  }
}
