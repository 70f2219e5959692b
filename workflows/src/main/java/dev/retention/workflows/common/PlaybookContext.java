package dev.retention.workflows.common;

import java.util.Objects;

/** What every playbook run is started with: whose run it is and at which cadence it plays. */
public record PlaybookContext(String customerId, String csmId, Cadence cadence) {
  public PlaybookContext {
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(csmId, "csmId");
    Objects.requireNonNull(cadence, "cadence");
  }
}
