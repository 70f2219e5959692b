package dev.retention.workflows.frame;

import dev.retention.workflows.ports.LedgerActivities;
import dev.retention.workflows.ports.LedgerUpdate;
import dev.retention.workflows.ports.TimelineEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Writes the run's snapshot, and its steps and outcome, to the projection and the timeline.
 *
 * <p>Runs started since {@link RunVersions#READABLE} fold their writes: a step's timeline entries
 * wait for the run's next snapshot (the next wait, or the close) and go with it in one {@code
 * Record}, named after the steps it carries, so a history reads as the playbook. Older runs write
 * each entry and each snapshot on its own, as they were started.
 */
final class RunLedger {

  private final RunState state;
  private final Function<String, LedgerActivities> ledger;
  private final BooleanSupplier folded;

  /** Entries of steps taken since the last write (folded runs only), in order. */
  private final List<TimelineEntry> pending = new ArrayList<>();

  private final Set<String> pendingSteps = new LinkedHashSet<>();

  RunLedger(RunState state, Function<String, LedgerActivities> ledger, BooleanSupplier folded) {
    this.state = state;
    this.ledger = ledger;
    this.folded = folded;
  }

  /**
   * The run's "started" entry: with the next write when {@code withNextWrite} (runs since {@link
   * RunVersions#FOLDED_START}, whose row the API wrote when it started them), else written at once
   * with the run's first row so the run is listed.
   */
  void started(String summary, boolean withNextWrite) {
    if (withNextWrite) {
      // A step's entry like any other (such runs fold their writes); under the key the API wrote
      // it with when it started the run (TimelineEntry.STARTED_KEY), so that one stays.
      entry("started", TimelineEntry.PLAYBOOK, summary);
      return;
    }
    TimelineEntry entry = entryOf("started", TimelineEntry.PLAYBOOK, summary);
    if (folded.getAsBoolean()) {
      write("RUNNING", List.of(entry), "started");
    } else {
      write("RUNNING", entry);
    }
  }

  /**
   * A timeline entry, unique per key and position in the step log, with the running snapshot: at
   * once (older runs), or with the next snapshot (folded runs).
   */
  void entry(String key, String kind, String summary) {
    TimelineEntry entry = entryOf(key, kind, summary);
    if (folded.getAsBoolean()) {
      pending.add(entry);
      pendingSteps.add(key);
    } else {
      write("RUNNING", entry);
    }
  }

  /** The running snapshot (e.g. a new next step), with the entries of the steps taken since. */
  void running() {
    if (folded.getAsBoolean()) {
      writePending("RUNNING", null);
    } else {
      write("RUNNING", null);
    }
  }

  /** Writes the entries of steps taken while the run waited (folded runs); nothing if none. */
  void flush() {
    if (folded.getAsBoolean() && !pending.isEmpty()) {
      writePending("RUNNING", null);
    }
  }

  /** The closing snapshot, with status {@code COMPLETED} or {@code CANCELLED}, and the outcome. */
  void closed(String status, String playbook) {
    state.clearWait();
    String reason = state.outcomeReason();
    TimelineEntry outcome =
        new TimelineEntry(
            "outcome",
            PlaybookRun.now(),
            "OUTCOME",
            playbook + " closed " + state.outcome() + (reason == null ? "" : ": " + reason));
    if (folded.getAsBoolean()) {
      writePending(status, outcome);
    } else {
      write(status, outcome);
    }
  }

  private TimelineEntry entryOf(String key, String kind, String summary) {
    return new TimelineEntry(key + "#" + state.stepCount(), PlaybookRun.now(), kind, summary);
  }

  /**
   * One write with the pending entries (and {@code last}, when given), named after them. The stub
   * comes first: a run that learnt it was stopped gets the stop there, and its pending entries go
   * with the closing write instead of being lost.
   */
  private void writePending(String status, TimelineEntry last) {
    List<TimelineEntry> entries = new ArrayList<>(pending);
    if (last != null) {
      entries.add(last);
    }
    LedgerActivities stub = ledger.apply("ledger: " + summary(status));
    pending.clear();
    pendingSteps.clear();
    Instant now = PlaybookRun.now();
    stub.record(new LedgerUpdate(state.snapshot(status, now), null, entries));
  }

  /**
   * What the Temporal UI shows for a folded write: the steps it records and what comes next, e.g.
   * {@code day-1-email, day-1-urgent-call-task; next day-3-email} or {@code day-17-churning-tag;
   * closed CHURNING}. Step names and outcomes only.
   */
  private String summary(String status) {
    StringBuilder text = new StringBuilder(String.join(", ", pendingSteps));
    if (!text.isEmpty()) {
      text.append("; ");
    }
    if (!"RUNNING".equals(status)) {
      text.append(status.toLowerCase(Locale.ROOT)).append(' ').append(state.outcome());
    } else if (state.nextStep() != null) {
      text.append("next ").append(state.nextStep().step());
    } else {
      text.append("stage ").append(state.stage());
    }
    return text.toString();
  }

  private void write(String status, TimelineEntry entry) {
    Instant now = PlaybookRun.now();
    ledger.apply(null).record(new LedgerUpdate(state.snapshot(status, now), entry));
  }

  private void write(String status, List<TimelineEntry> entries, String summary) {
    Instant now = PlaybookRun.now();
    ledger
        .apply("ledger: " + summary)
        .record(new LedgerUpdate(state.snapshot(status, now), null, entries));
  }
}
