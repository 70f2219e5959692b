package dev.retention.workflows.ports;

/** The run's current snapshot, and (optionally) one timeline entry to add with it. */
public record LedgerUpdate(RunSnapshot run, TimelineEntry entry) {}
