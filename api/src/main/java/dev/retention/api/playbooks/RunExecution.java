package dev.retention.api.playbooks;

import java.time.Instant;

/**
 * A run as Temporal describes it: its run id, its status in the API's words ({@code RUNNING},
 * {@code COMPLETED}, {@code CANCELLED}, {@code FAILED}, {@code TERMINATED}), when it started and
 * when it closed.
 */
record RunExecution(
    String workflowId, String runId, String status, Instant startedAt, Instant closedAt) {

  static final String RUNNING = "RUNNING";

  boolean running() {
    return RUNNING.equals(status);
  }

  /**
   * Closed in a way the workflow could not record itself (terminated or failed from outside, e.g.
   * the Temporal UI): the projection still says {@code RUNNING} until it is told.
   */
  boolean closedFromOutside() {
    return closedAt != null && !"COMPLETED".equals(status) && !"CANCELLED".equals(status);
  }
}
