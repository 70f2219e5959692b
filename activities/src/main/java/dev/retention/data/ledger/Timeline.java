package dev.retention.data.ledger;

import dev.retention.data.privacy.Tombstone;
import dev.retention.workflows.ports.RunSnapshot;
import dev.retention.workflows.ports.TimelineEntry;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The customer's timeline: emails, tasks, outcomes and score changes, newest first.
 *
 * <p>The one writer of the {@code timeline} table: every entry, erasure and purge goes through this
 * class (ArchitectureTableWritersTest holds it to that). Each method runs in the caller's
 * transaction when there is one.
 */
@Repository
public class Timeline {

  /** An entry that belongs to no run, for {@link #addAll}. */
  public record NewEntry(String customerId, String kind, String summary) {}

  private final JdbcClient jdbc;

  public Timeline(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Adds an entry that belongs to no run (e.g. a score change). */
  public void add(String customerId, Instant at, String kind, String summary) {
    jdbc.sql(
            "insert into timeline (customer_id, at, kind, summary) values (:c, :at, :kind, :summary)")
        .param("c", customerId)
        .param("at", Timestamp.from(at))
        .param("kind", kind)
        .param("summary", summary)
        .update();
  }

  /**
   * Adds entries that belong to no run, all at {@code at}, in one set-based statement; their ids
   * follow the list's order (a batch of scores: each customer's score, then its alert).
   */
  public void addAll(Instant at, List<NewEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    jdbc.sql(
            """
            insert into timeline (customer_id, at, kind, summary)
            select customer_id, :at, kind, summary
            from unnest(cast(:customers as text[]), cast(:kinds as text[]),
              cast(:summaries as text[])) with ordinality as e(customer_id, kind, summary, ord)
            order by ord
            """)
        .param("at", Timestamp.from(at))
        .param("customers", entries.stream().map(NewEntry::customerId).toArray(String[]::new))
        .param("kinds", entries.stream().map(NewEntry::kind).toArray(String[]::new))
        .param("summaries", entries.stream().map(NewEntry::summary).toArray(String[]::new))
        .update();
  }

  /**
   * One entry a run's step wrote, once per run and key; {@value Tombstone#ERASED} in place of its
   * summary when the customer's personal data was erased after the run started (a step that was in
   * flight during the erasure). Locks the customer row ({@code for key share}) like every writer
   * that checks the erasure tombstone.
   */
  public void addForRun(RunSnapshot r, TimelineEntry e) {
    jdbc.sql(
            """
            insert into timeline (customer_id, at, kind, playbook, workflow_id, run_id, entry_key, summary)
            select c.id, :at, :kind, :playbook, :workflowId, :runId, :key,
              case when %s then :erased else :summary end
            from customers c where c.id = :customerId
            for key share
            on conflict (run_id, entry_key) do nothing
            """
                .formatted(Tombstone.ERASED_SINCE_START))
        .param("runStartedAt", ts(r.startedAt()))
        .param("erased", Tombstone.ERASED)
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

  /**
   * One entry about a run written from outside it (a provider's event about an email it sent, the
   * API's record of the run's start), once per run and key; the playbook is the one the projection
   * knows for the run.
   */
  public void addAboutRun(
      String customerId,
      String workflowId,
      String runId,
      String key,
      Instant at,
      String kind,
      String summary) {
    jdbc.sql(
            """
            insert into timeline (customer_id, at, kind, playbook, workflow_id, run_id, entry_key,
              summary)
            values (:c, :at, :kind, (select playbook from playbook_runs where run_id = :r), :w, :r,
              :key, :summary)
            on conflict (run_id, entry_key) do nothing
            """)
        .param("c", customerId)
        .param("at", Timestamp.from(at))
        .param("kind", kind)
        .param("w", workflowId)
        .param("r", runId)
        .param("key", key)
        .param("summary", summary)
        .update();
  }

  /**
   * An {@code OUTCOME} entry for every run the projection holds as running, saying it was lost when
   * the embedded Temporal service restarted; once per run.
   */
  public int addLostOnRestart() {
    return jdbc.sql(
            """
            insert into timeline (customer_id, at, kind, playbook, workflow_id, run_id, entry_key, summary)
            select customer_id, now(), 'OUTCOME', playbook, workflow_id, run_id, 'lost-on-restart',
              playbook || ' run lost: the embedded Temporal service was restarted'
            from playbook_runs where status = 'RUNNING'
            on conflict (run_id, entry_key) do nothing
            """)
        .update();
  }

  /** Replaces the summary of every entry of the customer's (an erasure); the rows changed. */
  public int eraseSummaries(String customerId, String replacement) {
    return jdbc.sql("update timeline set summary = :x where customer_id = :id")
        .param("x", replacement)
        .param("id", customerId)
        .update();
  }

  /** Deletes the entries older than the cutoff (the retention period); the rows deleted. */
  public int deleteBefore(Instant cutoff) {
    return jdbc.sql("delete from timeline where at < :cutoff")
        .param("cutoff", Timestamp.from(cutoff))
        .update();
  }

  public List<TimelineItem> forCustomer(String customerId, int limit) {
    return jdbc.sql(
            """
            select at, kind, playbook, workflow_id, summary from timeline
            where customer_id = :c order by at desc, id desc limit :limit
            """)
        .param("c", customerId)
        .param("limit", limit)
        .query(
            (rs, i) ->
                new TimelineItem(
                    rs.getTimestamp("at").toInstant(),
                    rs.getString("kind"),
                    rs.getString("playbook"),
                    rs.getString("workflow_id"),
                    rs.getString("summary")))
        .list();
  }

  private static Timestamp ts(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }
}
