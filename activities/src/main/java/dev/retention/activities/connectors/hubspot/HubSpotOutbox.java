package dev.retention.activities.connectors.hubspot;

import dev.retention.data.ledger.Timeline;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The rows HubSpot still has to be told about (filled by V32's triggers in the writer's own
 * transaction): claimed by a sender for a while ({@code for update skip locked}, so several
 * instances share the work), then marked sent, rescheduled, or failed for good, which puts an entry
 * on the customer's timeline so the CSM sees it.
 */
@Repository
public class HubSpotOutbox {

  /** A claimed row. */
  public record Item(
      long id,
      String kind,
      String stepKey,
      String customerId,
      Long refId,
      int version,
      int attempts) {}

  /** Counts and latest facts for the connections page. */
  public record Stats(
      int companies,
      int pending,
      int failed,
      Instant lastSentAt,
      String lastFailure,
      Instant lastFailureAt) {}

  static final Duration LEASE = Duration.ofMinutes(2);

  private final JdbcClient jdbc;
  private final Clock clock;
  private final Timeline timeline;

  public HubSpotOutbox(JdbcClient jdbc, Clock clock, Timeline timeline) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.timeline = timeline;
  }

  /** Claims up to {@code limit} due rows for {@link #LEASE}, oldest first. */
  @Transactional
  public List<Item> claim(int limit) {
    Instant now = clock.instant();
    return jdbc
        .sql(
            """
            update hubspot_outbox o set leased_until = :lease, attempts = o.attempts + 1
            where o.id in (
              select id from hubspot_outbox
              where status = 'PENDING' and next_attempt_at <= :now
                and (leased_until is null or leased_until <= :now)
              order by id limit :limit
              for update skip locked)
            returning o.id, o.kind, o.step_key, o.customer_id, o.ref_id, o.version, o.attempts
            """)
        .param("lease", Timestamp.from(now.plus(LEASE)))
        .param("now", Timestamp.from(now))
        .param("limit", limit)
        .query(
            (rs, i) ->
                new Item(
                    rs.getLong("id"),
                    rs.getString("kind"),
                    rs.getString("step_key"),
                    rs.getString("customer_id"),
                    rs.getObject("ref_id") == null ? null : rs.getLong("ref_id"),
                    rs.getInt("version"),
                    rs.getInt("attempts")))
        .list()
        .stream()
        .sorted(java.util.Comparator.comparingLong(Item::id))
        .toList();
  }

  /**
   * Marks the row sent with HubSpot's id. A company row changed meanwhile (a newer version) stays
   * pending, to send the newer values.
   */
  public void sent(Item item, String hubspotId) {
    int done =
        jdbc.sql(
                """
                update hubspot_outbox set status = 'SENT', sent_at = :now, hubspot_id = :hid,
                  leased_until = null, last_error = null
                where id = :id and version = :version
                """)
            .param("now", Timestamp.from(clock.instant()))
            .param("hid", hubspotId)
            .param("id", item.id())
            .param("version", item.version())
            .update();
    if (done == 0) {
      jdbc.sql(
              "update hubspot_outbox set leased_until = null, attempts = 0, last_error = null"
                  + " where id = :id")
          .param("id", item.id())
          .update();
    }
  }

  /** Tries again at {@code at}; a rate limit ({@code counts} false) is not an attempt. */
  public void retry(Item item, Instant at, String error, boolean counts) {
    jdbc.sql(
            """
            update hubspot_outbox set next_attempt_at = :at, leased_until = null,
              last_error = :error, attempts = attempts - :uncount
            where id = :id
            """)
        .param("at", Timestamp.from(at))
        .param("error", error)
        .param("uncount", counts ? 0 : 1)
        .param("id", item.id())
        .update();
  }

  /**
   * Gives up on the row with HubSpot's last answer, and tells the CSM on the customer's timeline
   * (entry {@code HUBSPOT_FAILED}), in one transaction.
   */
  @Transactional
  public void failed(Item item, String what, String error) {
    Instant now = clock.instant();
    jdbc.sql(
            """
            update hubspot_outbox set status = 'FAILED', leased_until = null, last_error = :error,
              next_attempt_at = :now
            where id = :id
            """)
        .param("error", error)
        .param("now", Timestamp.from(now))
        .param("id", item.id())
        .update();
    timeline.add(
        item.customerId(),
        now,
        "HUBSPOT_FAILED",
        "Not written to HubSpot after "
            + item.attempts()
            + (item.attempts() == 1 ? " attempt: " : " attempts: ")
            + what
            + " ("
            + error
            + ")");
  }

  /** Queues a company update for every mapped customer (after an import). */
  public int queueAllCompanies() {
    return jdbc.sql(
            """
            insert into hubspot_outbox (kind, customer_id)
            select 'COMPANY', customer_id from hubspot_companies
            on conflict (customer_id) where kind = 'COMPANY' and status = 'PENDING'
            do update set version = hubspot_outbox.version + 1
            """)
        .update();
  }

  /** Our task behind a HubSpot task id, when the task came from us. */
  public java.util.Optional<Long> taskOf(String hubspotTaskId) {
    return jdbc.sql(
            "select ref_id from hubspot_outbox where kind = 'TASK' and hubspot_id = :hid limit 1")
        .param("hid", hubspotTaskId)
        .query(Long.class)
        .optional();
  }

  /** Our task behind a step key. */
  public java.util.Optional<Long> taskOfStepKey(String stepKey) {
    return jdbc.sql(
            "select ref_id from hubspot_outbox where kind = 'TASK' and step_key = :key limit 1")
        .param("key", stepKey)
        .query(Long.class)
        .optional();
  }

  public Stats stats() {
    return jdbc.sql(
            """
            select
              (select count(*) from hubspot_companies) as companies,
              (select count(*) from hubspot_outbox where status = 'PENDING') as pending,
              (select count(*) from hubspot_outbox where status = 'FAILED') as failed,
              (select max(sent_at) from hubspot_outbox) as last_sent,
              f.last_error, f.at
            from (select 1) one
            left join lateral (
              select last_error, coalesce(sent_at, next_attempt_at) as at from hubspot_outbox
              where status = 'FAILED' order by id desc limit 1) f on true
            """)
        .query(
            (rs, i) ->
                new Stats(
                    rs.getInt("companies"),
                    rs.getInt("pending"),
                    rs.getInt("failed"),
                    rs.getTimestamp("last_sent") == null
                        ? null
                        : rs.getTimestamp("last_sent").toInstant(),
                    rs.getString("last_error"),
                    rs.getTimestamp("at") == null ? null : rs.getTimestamp("at").toInstant()))
        .single();
  }
}
