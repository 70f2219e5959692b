package dev.retention.workflows.ports;

/** What happened to one email. */
public enum EmailStatus {
  SENT,
  SKIPPED_SUPPRESSED
}
