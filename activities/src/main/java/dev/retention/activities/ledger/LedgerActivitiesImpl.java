package dev.retention.activities.ledger;

import dev.retention.activities.crm.TaskQueue;
import dev.retention.activities.privacy.PersonalData;
import dev.retention.workflows.ports.LedgerActivities;
import dev.retention.workflows.ports.LedgerUpdate;
import dev.retention.workflows.ports.RunSnapshot;
import dev.retention.workflows.ports.TimelineEntry;
import io.temporal.spring.boot.ActivityImpl;
import java.sql.Timestamp;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes a run's snapshot and its timeline entries in one transaction. Idempotent: the snapshot is
 * an upsert that never reopens a closed run, and a timeline entry is unique per run and key. A run
 * closing {@code CANCELLED} is recorded as stopped ({@link RunCancellations}), however it was
 * stopped (the API, or the Temporal UI): an activity of it still in flight sends and holds nothing.
 * An erasure holds against it (see {@link PersonalData}).
 */
@Component
@ActivityImpl(taskQueues = "${retention.task-queue}")
public class LedgerActivitiesImpl implements LedgerActivities {

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final TaskQueue tasks;
  private final RunCancellations cancellations;

  public LedgerActivitiesImpl(
      JdbcClient jdbc, TransactionTemplate tx, TaskQueue tasks, RunCancellations cancellations) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.tasks = tasks;
    this.cancellations = cancellations;
  }

  @Override
  public void record(LedgerUpdate update) {
    tx.executeWithoutResult(
        status -> {
          String decidedBefore =
              jdbc.sql("select outcome from playbook_runs where run_id = :r for update")
                  .param("r", update.run().runId())
                  .query(String.class)
                  .optional()
                  .orElse(null);
          upsert(update.run());
          variants(update.run());
          for (TimelineEntry entry : update.allEntries()) {
            insert(update.run(), entry);
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

  /**
   * The run's row as the run sees itself. Its own start goes to {@code run_started_at}, on the same
   * clock as its time of first value, so the onboarding report's time to first value is the run's
   * own; {@code started_at} stays what the API wrote the moment it started the run (lists are
   * ordered and paged by it, so it must not move).
   */
  private void upsert(RunSnapshot r) {
    jdbc.sql(
            """
            insert into playbook_runs (run_id, workflow_id, playbook, customer_id, csm_id, status,
              stage, outcome, next_step, next_step_at, waiting_on, started_at, run_started_at,
              closed_at, first_value_at)
            values (:runId, :workflowId, :playbook, :customerId, :csmId, :status, :stage, :outcome,
              :nextStep, :nextStepAt, :waitingOn, :startedAt, :startedAt, :closedAt, :firstValueAt)
            on conflict (run_id) do update set status = excluded.status, stage = excluded.stage,
              outcome = excluded.outcome, run_started_at = excluded.run_started_at,
              next_step = excluded.next_step,
              next_step_at = excluded.next_step_at, waiting_on = excluded.waiting_on,
              closed_at = excluded.closed_at,
              first_value_at = excluded.first_value_at,
              updated_at = now()
            where playbook_runs.closed_at is null
            """)
        .param("runId", r.runId())
        .param("workflowId", r.workflowId())
        .param("playbook", r.playbook())
        .param("customerId", r.customerId())
        .param("csmId", r.csmId())
        .param("status", r.status())
        .param("stage", r.stage())
        .param("outcome", r.outcome())
        .param("nextStep", r.nextStep())
        .param("nextStepAt", ts(r.nextStepAt()))
        .param("waitingOn", r.waitingOn())
        .param("startedAt", ts(r.startedAt()))
        .param("closedAt", ts(r.closedAt()))
        .param("firstValueAt", ts(r.firstValueAt()))
        .update();
  }

  /**
   * The A/B variants the run took so far, each once per run and experiment: a retried or later
   * write carries the same variant (a pure function of customer and experiment), so the first
   * stays.
   */
  private void variants(RunSnapshot r) {
    r.variants()
        .forEach(
            (experiment, variant) ->
                jdbc.sql(
                        """
                        insert into playbook_run_variants (run_id, workflow_id, playbook,
                          experiment, variant)
                        values (:runId, :workflowId, :playbook, :experiment, :variant)
                        on conflict (run_id, experiment) do nothing
                        """)
                    .param("runId", r.runId())
                    .param("workflowId", r.workflowId())
                    .param("playbook", r.playbook())
                    .param("experiment", experiment)
                    .param("variant", variant)
                    .update());
  }

  /**
   * One timeline entry; {@value PersonalData#ERASED} in place of its summary when the customer's
   * personal data was erased after the run started (a step that was in flight during the erasure).
   */
  private void insert(RunSnapshot r, TimelineEntry e) {
    jdbc.sql(
            """
            insert into timeline (customer_id, at, kind, playbook, workflow_id, run_id, entry_key, summary)
            select c.id, :at, :kind, :playbook, :workflowId, :runId, :key,
              case when %s then :erased else :summary end
            from customers c where c.id = :customerId
            for key share
            on conflict (run_id, entry_key) do nothing
            """
                .formatted(PersonalData.ERASED_SINCE_START))
        .param("runStartedAt", ts(r.startedAt()))
        .param("erased", PersonalData.ERASED)
        .param("customerId", r.customerId())
        .param("at", ts(e.at()))
        .param("kind", e.kind())
        .param("playbook", r.playbook())
        .param("workflowId", r.workflowId())
        .param("runId", r.runId())
        .param("key", e.key())
        .param("summary", e.summary())
        .update();
  }

  private static Timestamp ts(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }
}
