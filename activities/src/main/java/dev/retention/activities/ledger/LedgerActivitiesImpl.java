package dev.retention.activities.ledger;

import dev.retention.data.crm.TaskQueue;
import dev.retention.data.ledger.RunCancellations;
import dev.retention.data.ledger.RunRecords;
import dev.retention.data.ledger.Timeline;
import dev.retention.data.privacy.PersonalData;
import dev.retention.workflows.ports.LedgerActivities;
import dev.retention.workflows.ports.LedgerUpdate;
import dev.retention.workflows.ports.TimelineEntry;
import io.temporal.spring.boot.ActivityImpl;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes a run's snapshot ({@link RunRecords}) and its timeline entries ({@link Timeline}) in one
 * transaction. Idempotent: the snapshot is an upsert that never reopens a closed run, and a
 * timeline entry is unique per run and key. A run closing {@code CANCELLED} is recorded as stopped
 * ({@link RunCancellations}), however it was stopped (the API, or the Temporal UI): an activity of
 * it still in flight sends and holds nothing. An erasure holds against it (see {@link
 * PersonalData}).
 */
@Component
@ActivityImpl(taskQueues = "${retention.task-queue}")
public class LedgerActivitiesImpl implements LedgerActivities {

  private final TransactionTemplate tx;
  private final RunRecords runs;
  private final Timeline timeline;
  private final TaskQueue tasks;
  private final RunCancellations cancellations;

  public LedgerActivitiesImpl(
      TransactionTemplate tx,
      RunRecords runs,
      Timeline timeline,
      TaskQueue tasks,
      RunCancellations cancellations) {
    this.tx = tx;
    this.runs = runs;
    this.timeline = timeline;
    this.tasks = tasks;
    this.cancellations = cancellations;
  }

  @Override
  public void record(LedgerUpdate update) {
    tx.executeWithoutResult(
        status -> {
          String decidedBefore = runs.lockDecidedOutcome(update.run().runId()).orElse(null);
          runs.recordSnapshot(update.run());
          for (TimelineEntry entry : update.allEntries()) {
            timeline.addForRun(update.run(), entry);
          }
          // The steps this write carries may do a task's work, and a decided outcome may make
          // one moot: those tasks end now (docs/playbooks.md, "When a task ends").
          tasks.endTasks(
              update.run(),
              update.allEntries(),
              decidedBefore == null && update.run().outcome() != null);
          if ("CANCELLED".equals(update.run().status())) {
            cancellations.recordInTransaction(update.run().workflowId(), update.run().runId());
          }
        });
  }
}
