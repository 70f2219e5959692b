package dev.retention.workflows.frame;

import dev.retention.workflows.contract.NextStep;
import dev.retention.workflows.contract.WaitingOn;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * A run's durable waits: until a step's time or a deadline, acting on events as they come. In runs
 * readable in the Temporal UI ({@link RunVersions#READABLE}) each timer is named after the step it
 * waits for ({@code day-3-email}, {@code decision-deadline}).
 */
final class RunWaits {

  private final RunState run;
  private final RunInbox inbox;
  private final RunLedger ledger;
  private final BooleanSupplier readable;

  RunWaits(RunState run, RunInbox inbox, RunLedger ledger, BooleanSupplier readable) {
    this.run = run;
    this.inbox = inbox;
    this.ledger = ledger;
    this.readable = readable;
  }

  /** See {@link PlaybookRun#waitUntil}. */
  boolean waitUntil(
      Instant at, String stepName, WaitingOn on, String waitingFor, BooleanSupplier keepOn) {
    inbox.drain();
    if (run.isClosed() || !keepOn.getAsBoolean()) {
      return false;
    }
    run.waitFor(new NextStep(stepName, at), on, waitingFor);
    ledger.running();
    while (true) {
      inbox.drain();
      if (run.isClosed() || !keepOn.getAsBoolean()) {
        // What the run waited for is moot; the next wait (or the close) says what comes next,
        // and carries the entries of the steps the events caused.
        run.clearWait();
        return false;
      }
      // The run waits on: the steps the events caused go on the timeline now.
      ledger.flush();
      Duration left = Duration.between(PlaybookRun.now(), at);
      if (left.isNegative() || left.isZero()) {
        run.clearWait();
        return true;
      }
      awaitWork(left, stepName);
    }
  }

  /**
   * {@code Workflow.await(left, inbox::hasWork)}; in readable runs with the timer named after the
   * step. Like the SDK's timed await (1.38, without its opt-in flag) the timer is left to fire when
   * work comes first, not cancelled: a cancel can cross a timer that fired meanwhile.
   */
  private void awaitWork(Duration left, String stepName) {
    if (!readable.getAsBoolean()) {
      Workflow.await(left, inbox::hasWork);
      return;
    }
    if (inbox.hasWork()) {
      return;
    }
    Promise<Void> timer =
        Workflow.newTimer(left, TimerOptions.newBuilder().setSummary(stepName).build());
    Workflow.await(() -> timer.isCompleted() || inbox.hasWork());
  }
}
