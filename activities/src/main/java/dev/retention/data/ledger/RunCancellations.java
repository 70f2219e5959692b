package dev.retention.data.ledger;

import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs that were stopped (a {@code DELETE /api/playbooks/{id}}, or a run seen closing {@code
 * CANCELLED}). The stop is recorded before the API answers {@code 202}; from then on, nothing of
 * the run that was not claimed before goes out: an email step claims its row only {@link
 * #unlessStopped while the run is not stopped}, and the stop gives back the send slots the run held
 * for emails that did not go out.
 *
 * <p>The stop and a claim take the same per-run lock (a transaction-scoped advisory lock), so one
 * of them comes first: a claim before the stop is an email in flight (it goes out, and the run
 * records it), a claim after it is refused.
 */
@Repository
public class RunCancellations {

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;

  public RunCancellations(JdbcClient jdbc, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.tx = tx;
  }

  /**
   * Records that the run is stopped and releases its send slots whose email was not sent nor is
   * being sent; idempotent.
   */
  public void record(String workflowId, String runId) {
    tx.executeWithoutResult(status -> recordInTransaction(workflowId, runId));
  }

  /** As {@link #record}, inside the caller's transaction. */
  public void recordInTransaction(String workflowId, String runId) {
    lock(runId);
    jdbc.sql(
            """
            insert into run_cancellations (run_id, workflow_id) values (:r, :w)
            on conflict (run_id) do nothing
            """)
        .param("r", runId)
        .param("w", workflowId)
        .update();
    // The day of an email that went out (or is going out) stays taken; the others go back to the
    // customer's other playbooks.
    jdbc.sql(
            """
            delete from email_slots s where s.run_id = :r and not exists (
              select 1 from communications c
              where c.run_id = s.run_id and c.step = s.step and c.status in ('SENT', 'PENDING'))
            """)
        .param("r", runId)
        .update();
  }

  /** Whether the run was stopped. */
  public boolean isStopped(String runId) {
    return jdbc.sql("select count(*) from run_cancellations where run_id = :r")
            .param("r", runId)
            .query(Long.class)
            .single()
        > 0;
  }

  /**
   * Runs {@code work} in one transaction with the run's lock held, unless the run is stopped; then
   * {@code stopped} answers instead (it may throw). A stop recorded meanwhile waits for the commit.
   */
  public <T> T unlessStopped(String runId, Supplier<T> work, Supplier<T> stopped) {
    return tx.execute(
        status -> {
          lock(runId);
          return isStopped(runId) ? stopped.get() : work.get();
        });
  }

  private void lock(String runId) {
    jdbc.sql("select pg_advisory_xact_lock(hashtextextended(:r, 14))")
        .param("r", runId)
        .query((rs, i) -> 1)
        .list();
  }
}
