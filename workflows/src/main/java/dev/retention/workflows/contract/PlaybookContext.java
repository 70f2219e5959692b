package dev.retention.workflows.contract;

import java.util.Objects;

/**
 * What every playbook run is started with: whose run it is, at which cadence it plays, and whether
 * the real-world sending rules (business hours, one automated email a day) apply. They are defined
 * in real days, so they are off for short demo days unless enabled explicitly.
 */
public record PlaybookContext(
    String customerId, String csmId, Cadence cadence, boolean sendingRules) {
  public PlaybookContext {
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(csmId, "csmId");
    Objects.requireNonNull(cadence, "cadence");
  }

  /** A context without the sending rules. */
  public PlaybookContext(String customerId, String csmId, Cadence cadence) {
    this(customerId, csmId, cadence, false);
  }
}
