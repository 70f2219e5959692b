package dev.retention.workflows.frame;

import dev.retention.workflows.contract.OutcomeRejection;
import io.temporal.workflow.Workflow;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * How events from outside (outcomes, signals) reach a run, and when their effects happen.
 *
 * <p>Since {@link RunVersions#RESHAPED} a handler applies its event at once: the playbook changes
 * the run's state, and what needs an activity (notes, tasks, emails, ledger) it hands to {@link
 * #later}, which queues it for the main thread. So an outcome is answered from the new state
 * without waiting for any activity, and the validator of the next outcome sees that state.
 *
 * <p>Runs started before kept the mailbox they were started with: handlers queue the event and the
 * main thread applies it (running its effects inline) in {@link #drain}; an outcome waits for that.
 */
final class RunInbox {

  private final BooleanSupplier synchronous;
  private final BooleanSupplier closed;
  private final Consumer<RunEvent> apply;

  /** Effects of applied events, for the main thread, in order. */
  private final Deque<Runnable> effects = new ArrayDeque<>();

  private boolean deferring;
  private long received;
  private long seen;

  // The mailbox of runs started before the reshape.
  private final Deque<RunEvent> mailbox = new ArrayDeque<>();
  private long queued;
  private long handled;
  private final Set<Long> dropped = new HashSet<>();

  RunInbox(BooleanSupplier synchronous, BooleanSupplier closed, Consumer<RunEvent> apply) {
    this.synchronous = synchronous;
    this.closed = closed;
    this.apply = apply;
  }

  /** A signal: applied now, or queued for the main thread (mailbox runs). */
  void receive(RunEvent event) {
    if (synchronous.getAsBoolean()) {
      applyNow(event);
    } else {
      queue(event);
    }
  }

  /**
   * An outcome the validator accepted. Mailbox runs answer once the main thread has applied it, or
   * fail it with {@link OutcomeRejection#RUN_CLOSED} when the run closed first.
   */
  void outcome(RunEvent.Outcome event) {
    if (synchronous.getAsBoolean()) {
      applyNow(event);
      return;
    }
    long ticket = queue(event);
    Workflow.await(() -> handled >= ticket);
    if (dropped.remove(ticket)) {
      throw OutcomeRejection.RUN_CLOSED.failure(
          "the run closed before " + event.outcome().type() + " was applied");
    }
  }

  /**
   * Runs {@code effect} on the main thread: queued when called while a handler applies an event, at
   * once otherwise (on the main thread, or while a mailbox run drains).
   */
  void later(Runnable effect) {
    if (deferring) {
      effects.add(effect);
    } else {
      effect.run();
    }
  }

  /** True while a handler applies an event: no activity may be called now. */
  boolean deferring() {
    return deferring;
  }

  /** Something for the main thread to do: an event or effect, or a state change to look at. */
  boolean hasWork() {
    return !mailbox.isEmpty() || !effects.isEmpty() || received != seen;
  }

  /** On the main thread: applies queued events (mailbox runs) and runs queued effects. */
  void drain() {
    seen = received;
    while (!mailbox.isEmpty()) {
      RunEvent event = mailbox.poll();
      if (closed.getAsBoolean()) {
        dropped.add(handled + 1);
      } else {
        apply.accept(event);
      }
      handled++;
    }
    while (!effects.isEmpty()) {
      effects.poll().run();
    }
  }

  /** Forgets effects not yet run (the run was stopped): nothing more happens on its behalf. */
  int discardEffects() {
    int discarded = effects.size();
    effects.clear();
    return discarded;
  }

  private void applyNow(RunEvent event) {
    received++;
    if (closed.getAsBoolean()) {
      return;
    }
    deferring = true;
    try {
      apply.accept(event);
    } finally {
      deferring = false;
    }
  }

  private long queue(RunEvent event) {
    mailbox.add(event);
    return ++queued;
  }
}
