package dev.retention.workflows.common;

import dev.retention.workflows.ports.LedgerActivities;
import dev.retention.workflows.ports.LedgerUpdate;
import dev.retention.workflows.ports.TimelineEntry;
import java.time.Instant;
import java.util.function.Supplier;

/** Writes the run's snapshot, and its steps and outcome, to the projection and the timeline. */
final class RunLedger {

  private final RunState state;
  private final Supplier<LedgerActivities> ledger;

  RunLedger(RunState state, Supplier<LedgerActivities> ledger) {
    this.state = state;
    this.ledger = ledger;
  }

  /** A timeline entry, unique per key and position in the step log, with the running snapshot. */
  void entry(String key, String kind, String summary) {
    write(
        "RUNNING",
        new TimelineEntry(key + "#" + state.stepCount(), PlaybookRun.now(), kind, summary));
  }

  /** The running snapshot alone (e.g. a new next step). */
  void running() {
    write("RUNNING", null);
  }

  /** The closing snapshot, with status {@code COMPLETED} or {@code CANCELLED}, and the outcome. */
  void closed(String status, String playbook) {
    state.clearWait();
    String reason = state.outcomeReason();
    write(
        status,
        new TimelineEntry(
            "outcome",
            PlaybookRun.now(),
            "OUTCOME",
            playbook + " closed " + state.outcome() + (reason == null ? "" : ": " + reason)));
  }

  private void write(String status, TimelineEntry entry) {
    Instant now = PlaybookRun.now();
    ledger.get().record(new LedgerUpdate(state.snapshot(status, now), entry));
  }
}
