package dev.retention.api.events;

import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.ledger.QueuedStarts;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Makes the runs a metrics batch queued ({@link QueuedStarts}): the batch itself for its own starts
 * when it answers once they are made, this relay for those of a batch that answered at once ({@code
 * Prefer: respond-async}), for starts that failed (Temporal unreachable: taken again after a
 * backoff of 5 s, doubling up to 10 minutes, never dropped), and for those whose starter died
 * (taken again once its lease of 2 minutes ran out). It drains the queue when woken and every
 * {@code retention.batch.start-relay-interval} (10 s), one pass at a time per instance; instances
 * take disjoint rows.
 */
@Component
public class QueuedStartRelay {

  private static final Logger log = LoggerFactory.getLogger(QueuedStartRelay.class);

  /** How long a starter holds a queued start before another may take it. */
  public static final Duration LEASE = Duration.ofMinutes(2);

  static final Duration FIRST_BACKOFF = Duration.ofSeconds(5);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

  /** Starts taken per round of a pass. */
  static final int PASS = 200;

  private final QueuedStarts queue;
  private final CustomerDirectory directory;
  private final CustomerEvents events;
  private final Clock clock;
  private final int parallelism;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean pending = new AtomicBoolean();

  QueuedStartRelay(
      QueuedStarts queue,
      CustomerDirectory directory,
      CustomerEvents events,
      Clock clock,
      @Value("${retention.batch.parallelism:32}") int parallelism) {
    this.queue = queue;
    this.directory = directory;
    this.events = events;
    this.clock = clock;
    this.parallelism = Math.max(1, parallelism);
  }

  /** What became of one attempt: the runs it touched, or why it is to be tried again. */
  public sealed interface Attempt {
    /** The start is done: its run started, was found running, or was kept out (no run). */
    record Made(CustomerEvents.Touched touched) implements Attempt {}

    /** It failed and stays queued, taken again after its backoff. */
    record Retrying(String reason) implements Attempt {}
  }

  /**
   * Makes one queued start the caller has taken (its lease is the caller's): done, its row goes;
   * failed, it waits out its backoff in the queue.
   */
  public Attempt start(
      QueuedStarts.Queued start, Customer customer, CustomerEvents.ScoreRules rules) {
    if (customer == null) {
      // Gone since it was queued (its row would have gone with it): nothing to start.
      queue.done(start.id());
      return new Attempt.Made(CustomerEvents.Touched.of(List.of()));
    }
    try {
      CustomerEvents.Touched touched =
          events.start(
              customer,
              new CustomerEvents.Crossing(start.playbook(), start.score(), start.planUsage()),
              rules);
      queue.done(start.id());
      return new Attempt.Made(touched);
    } catch (RuntimeException e) {
      String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
      Duration backoff = backoff(start.attempts());
      log.warn(
          "queued {} start for {} failed (attempt {}); taken again in {}",
          start.playbook(),
          start.customerId(),
          start.attempts() + 1,
          backoff,
          e);
      try {
        queue.failed(start.id(), reason, clock.instant().plus(backoff));
      } catch (RuntimeException databaseDown) {
        // The row keeps its lease and is taken again once the lease runs out.
        log.warn("queued start {}: its failure could not be recorded", start.id(), databaseDown);
      }
      return new Attempt.Retrying(reason);
    }
  }

  /** 5 s, doubling with every failure before, at most 10 minutes. */
  static Duration backoff(int failuresBefore) {
    return failuresBefore >= 7
        ? MAX_BACKOFF
        : Duration.ofMillis(
            Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << failuresBefore));
  }

  @Scheduled(
      initialDelayString = "${retention.batch.start-relay-interval:PT10S}",
      fixedDelayString = "${retention.batch.start-relay-interval:PT10S}")
  void scheduled() {
    wake();
  }

  /** Drains the queue soon, on a thread of its own; a pass under way takes another turn. */
  public void wake() {
    pending.set(true);
    if (draining.compareAndSet(false, true)) {
      Thread.ofVirtual().name("queued-starts").start(this::drainWhilePending);
    }
  }

  private void drainWhilePending() {
    try {
      while (pending.getAndSet(false)) {
        try {
          int made = drain();
          if (made > 0) {
            log.info("queued starts: {} taken and tried", made);
          }
        } catch (RuntimeException e) {
          log.warn("queued starts: a pass failed; tried again at the next", e);
        }
      }
    } finally {
      draining.set(false);
      if (pending.get()) {
        wake();
      }
    }
  }

  /** Takes what is due and tries it, until nothing is due: how many it took. */
  int drain() {
    int total = 0;
    while (true) {
      List<QueuedStarts.Queued> taken = queue.takeDue(PASS, clock.instant(), LEASE);
      if (taken.isEmpty()) {
        return total;
      }
      total += taken.size();
      Map<String, Customer> customers =
          directory.findCustomers(
              taken.stream().map(QueuedStarts.Queued::customerId).distinct().toList());
      CustomerEvents.ScoreRules rules = events.scoreRules();
      AtMost.forEach(
          taken, parallelism, start -> start(start, customers.get(start.customerId()), rules));
      if (taken.size() < PASS) {
        return total;
      }
    }
  }
}
