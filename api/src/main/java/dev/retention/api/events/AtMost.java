package dev.retention.api.events;

import java.util.Collection;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Work on virtual threads, at most so many at a time: the playbook rules of a batch's customers and
 * the relay's queued starts, each of which waits on Temporal and the database.
 */
public final class AtMost {

  private AtMost() {}

  /** Does {@code each} for every item, {@code atOnce} at a time; returns when all are done. */
  public static <T> void forEach(Collection<T> items, int atOnce, Consumer<T> each) {
    Semaphore permits = new Semaphore(Math.max(1, atOnce));
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (T item : items) {
        permits.acquireUninterruptibly();
        threads.execute(
            () -> {
              try {
                each.accept(item);
              } finally {
                permits.release();
              }
            });
      }
    }
  }
}
