package dev.retention.api.observability;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * A health check that answers within its deadline, whatever the part it checks is doing. An
 * orchestrator's probe has a timeout of its own (often 1 s): a check that waits 30 s for a pool
 * connection during a database outage gets a healthy app restarted. The check runs on its own
 * thread; past the deadline the answer is DOWN ("no answer within …"), and the check goes on in the
 * background: later probes wait for that same check instead of starting one more behind it, so a
 * hung dependency costs one thread, not one per probe.
 */
final class DeadlineHealth implements HealthIndicator {

  private final HealthIndicator check;
  private final Duration deadline;
  private final Executor executor;
  private final AtomicReference<CompletableFuture<Health>> inFlight = new AtomicReference<>();

  DeadlineHealth(HealthIndicator check, Duration deadline, Executor executor) {
    this.check = check;
    this.deadline = deadline;
    this.executor = executor;
  }

  @Override
  public Health health() {
    CompletableFuture<Health> running = inFlight.get();
    if (running == null) {
      CompletableFuture<Health> started = new CompletableFuture<>();
      running = inFlight.compareAndExchange(null, started);
      if (running == null) {
        running = started;
        executor.execute(() -> run(started));
      }
    }
    try {
      return running.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return Health.down()
          .withDetail("error", "no answer within " + deadline.toMillis() + " ms")
          .build();
    } catch (ExecutionException e) {
      return Health.down().withDetail("error", e.getCause().getClass().getSimpleName()).build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Health.down().withDetail("error", "interrupted").build();
    }
  }

  private void run(CompletableFuture<Health> result) {
    try {
      Health health = check.health();
      result.complete(health == null ? Health.unknown().build() : health);
    } catch (RuntimeException | Error e) {
      result.completeExceptionally(e);
    } finally {
      inFlight.compareAndSet(result, null);
    }
  }
}
