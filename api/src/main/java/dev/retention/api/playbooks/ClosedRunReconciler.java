package dev.retention.api.playbooks;

import dev.retention.data.ledger.RunProjection;
import dev.retention.data.ledger.RunRecords;
import dev.retention.workflows.contract.RunView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A run terminated or failed from outside (the Temporal UI, {@code temporal workflow terminate})
 * cannot record its own end, so the projection would list it as running forever. This pass asks
 * Temporal about the runs the projection holds as running and records those that closed that way.
 * It runs on a schedule rather than inside a read, so a GET never writes.
 */
@Component
class ClosedRunReconciler {

  private static final Logger log = LoggerFactory.getLogger(ClosedRunReconciler.class);

  /** Runs checked per pass (the projection lists the newest first). */
  static final int BATCH = 500;

  private final RunExecutions executions;
  private final RunProjection projection;
  private final RunRecords records;

  ClosedRunReconciler(RunExecutions executions, RunProjection projection, RunRecords records) {
    this.executions = executions;
    this.projection = projection;
    this.records = records;
  }

  @Scheduled(
      initialDelayString = "${retention.playbooks.reconcile-interval:PT1M}",
      fixedDelayString = "${retention.playbooks.reconcile-interval:PT1M}")
  void reconcile() {
    int closed = 0;
    for (RunView row : projection.list(null, null, RunExecution.RUNNING, BATCH)) {
      closed += reconcile(row) ? 1 : 0;
    }
    if (closed > 0) {
      log.info("{} run(s) ended outside the workflow; marked closed in the projection", closed);
    }
  }

  /** Records the run's end when Temporal says it closed in a way the workflow could not record. */
  boolean reconcile(RunView row) {
    return executions
        .find(row.workflowId())
        .filter(e -> e.runId().equals(row.runId()) && e.closedFromOutside())
        .map(
            e -> {
              records.markClosed(e.runId(), e.status(), e.closedAt());
              return true;
            })
        .orElse(false);
  }
}
