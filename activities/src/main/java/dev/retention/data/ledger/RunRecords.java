package dev.retention.data.ledger;

import dev.retention.workflows.ports.RunSnapshot;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The one writer of the {@code playbook_runs} projection (and of the variants a run took): the
 * API's record of a start, the run's own snapshot, and the closes the workflow could not write
 * itself. Reads are {@link RunProjection}'s. Each method runs in the caller's transaction when
 * there is one. ArchitectureTableWritersTest holds every other class to not writing the table.
 */
@Repository
public class RunRecords {

  private final JdbcClient jdbc;

  public RunRecords(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Records a run the moment the API started it, so the projection never lags a start made here
   * (the workflow's own first write, moments later, fills in stage and next step, and its own start
   * time beside this one).
   */
  public void recordStarted(
      String runId,
      String workflowId,
      String playbook,
      String customerId,
      String csmId,
      Instant startedAt,
      Integer playbookVersion) {
    jdbc.sql(
            """
            insert into playbook_runs (run_id, workflow_id, playbook, customer_id, csm_id, status,
              started_at, definition_version)
            values (:run, :workflow, :playbook, :customer, :csm, 'RUNNING', :at, :version)
            on conflict (run_id) do update set definition_version = excluded.definition_version
            """)
        .param("run", runId)
        .param("workflow", workflowId)
        .param("playbook", playbook)
        .param("customer", customerId)
        .param("csm", csmId)
        .param("at", Timestamp.from(startedAt))
        .param("version", playbookVersion)
        .update();
  }

  /**
   * The outcome the run had decided so far (null: none, or no row yet), its row locked {@code for
   * update} until the caller's transaction ends, so two writes of one run apply in turn.
   */
  public Optional<String> lockDecidedOutcome(String runId) {
    return jdbc.sql("select outcome from playbook_runs where run_id = :r for update")
        .param("r", runId)
        .query(String.class)
        .optional();
  }

  /**
   * The run's row as the run sees itself, and the A/B variants it took so far. Its own start goes
   * to {@code run_started_at}, on the same clock as its time of first value, so the onboarding
   * report's time to first value is the run's own; {@code started_at} stays what the API wrote the
   * moment it started the run (lists are ordered and paged by it, so it must not move). An upsert
   * that never reopens a closed run.
   */
  public void recordSnapshot(RunSnapshot r) {
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
    variants(r);
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
   * Marks a run closed with a status the workflow itself could not write (terminated, failed, or
   * lost with an in-memory Temporal service).
   */
  public void markClosed(String runId, String status, Instant closedAt) {
    jdbc.sql(
            """
            update playbook_runs set status = :status, next_step = null, next_step_at = null,
              closed_at = coalesce(closed_at, :closedAt), updated_at = now()
            where run_id = :run and status = 'RUNNING'
            """)
        .param("status", status)
        .param("closedAt", Timestamp.from(closedAt))
        .param("run", runId)
        .update();
  }

  /**
   * Marks every run the projection holds as running {@code TERMINATED} now (the embedded Temporal
   * service lost them on a restart); the number of runs marked.
   */
  public int terminateAllRunning() {
    return jdbc.sql(
            """
            update playbook_runs set status = 'TERMINATED', next_step = null, next_step_at = null,
              closed_at = now(), updated_at = now()
            where status = 'RUNNING'
            """)
        .update();
  }

  private static Timestamp ts(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }
}
