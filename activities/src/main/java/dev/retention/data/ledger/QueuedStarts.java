package dev.retention.data.ledger;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The one writer of {@code queued_starts}: the runs a metrics batch decided to start, queued in the
 * transaction of the scores that crossed, so the crossing outlives a crash before its start. Each
 * row is taken by one starter at a time: taking it moves its {@code due_at} past the lease, so
 * another instance (or this one's relay) takes it again only if the starter died; a start that
 * failed moves it past its backoff. Starting a run twice is harmless (one run per playbook per
 * customer: the second finds the first running), so a lease that runs out early costs only a call.
 */
@Repository
public class QueuedStarts {

  /** A run to start: the playbook a customer's new score crossed into, with that score. */
  public record NewStart(String customerId, String playbook, int score, double planUsage) {}

  /** A queued start as taken: its row id, what to start, and how often it failed before. */
  public record Queued(
      long id, String customerId, String playbook, int score, double planUsage, int attempts) {}

  private final JdbcClient jdbc;

  public QueuedStarts(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Queues the starts in one statement, in the caller's transaction, taken by the caller until
   * {@code takenUntil} ({@code now} or earlier: due at once, for the relay). Answers the rows, in
   * the list's order.
   */
  public List<Queued> queue(List<NewStart> starts, Instant takenUntil) {
    if (starts.isEmpty()) {
      return List.of();
    }
    return jdbc
        .sql(
            """
            insert into queued_starts (customer_id, playbook, score, plan_usage, due_at)
            select customer_id, playbook, score, plan_usage, :due
            from unnest(cast(:customers as text[]), cast(:playbooks as text[]),
              cast(:scores as int[]), cast(:usages as float8[])) with ordinality
              as s(customer_id, playbook, score, plan_usage, ord)
            order by ord
            returning id, customer_id, playbook, score, plan_usage, attempts
            """)
        .param("due", Timestamp.from(takenUntil))
        .param("customers", starts.stream().map(NewStart::customerId).toArray(String[]::new))
        .param("playbooks", starts.stream().map(NewStart::playbook).toArray(String[]::new))
        .param("scores", starts.stream().mapToInt(NewStart::score).boxed().toArray(Integer[]::new))
        .param(
            "usages",
            starts.stream().mapToDouble(NewStart::planUsage).boxed().toArray(Double[]::new))
        .query((rs, i) -> queued(rs))
        .list()
        .stream()
        .sorted(java.util.Comparator.comparingLong(Queued::id))
        .toList();
  }

  /**
   * Takes up to {@code limit} starts that are due (oldest first), leasing each for {@code lease}.
   * Safe with several instances: rows another is taking are skipped.
   */
  public List<Queued> takeDue(int limit, Instant now, Duration lease) {
    return jdbc
        .sql(
            """
            update queued_starts q set due_at = :until
            where q.id in (
              select id from queued_starts where due_at <= :now
              order by due_at, id limit :limit for update skip locked)
            returning q.id, q.customer_id, q.playbook, q.score, q.plan_usage, q.attempts
            """)
        .param("until", Timestamp.from(now.plus(lease)))
        .param("now", Timestamp.from(now))
        .param("limit", limit)
        .query((rs, i) -> queued(rs))
        .list()
        .stream()
        .sorted(java.util.Comparator.comparingLong(Queued::id))
        .toList();
  }

  /** The start is done (its run started, found running, or kept out): the row goes. */
  public void done(long id) {
    jdbc.sql("delete from queued_starts where id = :id").param("id", id).update();
  }

  /** The start failed; it is taken again at {@code retryAt}, with the reason kept beside it. */
  public void failed(long id, String reason, Instant retryAt) {
    jdbc.sql(
            """
            update queued_starts set attempts = attempts + 1, last_error = :reason, due_at = :retry
            where id = :id
            """)
        .param("id", id)
        .param("reason", reason)
        .param("retry", Timestamp.from(retryAt))
        .update();
  }

  /** How many starts are queued (due or not). */
  public long pending() {
    return jdbc.sql("select count(*) from queued_starts").query(Long.class).single();
  }

  private static Queued queued(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new Queued(
        rs.getLong("id"),
        rs.getString("customer_id"),
        rs.getString("playbook"),
        rs.getInt("score"),
        rs.getDouble("plan_usage"),
        rs.getInt("attempts"));
  }
}
