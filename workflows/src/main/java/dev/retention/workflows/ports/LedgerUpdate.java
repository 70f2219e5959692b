package dev.retention.workflows.ports;

import java.util.ArrayList;
import java.util.List;

/**
 * The run's current snapshot, and the timeline entries to add with it: {@code entry} (one, as runs
 * started before the folded ledger write it) and {@code entries} (the steps a folded write carries,
 * in order). Either may be null.
 */
public record LedgerUpdate(RunSnapshot run, TimelineEntry entry, List<TimelineEntry> entries) {

  public LedgerUpdate(RunSnapshot run, TimelineEntry entry) {
    this(run, entry, null);
  }

  /** Every entry this update adds, in order. */
  public List<TimelineEntry> allEntries() {
    List<TimelineEntry> all = new ArrayList<>();
    if (entry != null) {
      all.add(entry);
    }
    if (entries != null) {
      all.addAll(entries);
    }
    return all;
  }
}
