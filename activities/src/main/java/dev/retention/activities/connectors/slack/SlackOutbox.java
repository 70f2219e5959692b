package dev.retention.activities.connectors.slack;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The Slack outbox ({@code slack_outbox}): a row per message, added in the transaction of the task
 * or alert it is about and keyed so that a retry adds nothing, then claimed by the sender (row
 * locks skipped, so several instances share the work), sent, and marked sent, retried later or
 * failed for good with its last error.
 */
public class SlackOutbox {

  /** The kinds of message. */
  public enum Kind {
    ALERT,
    URGENT_TASK,
    ESCALATION,
    SLA_BREACHED
  }

  /** A claimed row: what to send and to whom. */
  public record Row(
      long id,
      String key,
      Kind kind,
      Long taskId,
      String workflowId,
      String runId,
      String step,
      String customerId,
      String recipientEmail,
      int attempts) {}

  /** The last message sent and the last failure, for the connection's status. */
  public record Summary(
      Instant lastSentAt,
      String lastChannel,
      String lastError,
      Instant lastErrorAt,
      long pending,
      long failed) {}

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;

  public SlackOutbox(JdbcClient jdbc, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.tx = tx;
  }

  /**
   * The message about a task just created, when it is one a person should hear of at once: urgent
   * or high priority, or for the manager or the executive (an escalation; one named {@code
   * …sla-escalation} is a breached SLA). A normal task for the CSM adds nothing. Idempotent.
   */
  public void taskCreated(long taskId) {
    jdbc.sql(
            """
            insert into slack_outbox (message_key, kind, task_id, workflow_id, run_id, step,
              customer_id, recipient_email)
            select 'task:' || t.id,
              case when t.assignee <> 'CSM' and t.step like '%sla-escalation' then 'SLA_BREACHED'
                   when t.assignee <> 'CSM' then 'ESCALATION'
                   else 'URGENT_TASK' end,
              t.id, t.workflow_id, t.run_id, t.step, t.customer_id, t.assignee_email
            from crm_tasks t
            where t.id = :id and (t.priority in ('URGENT', 'HIGH') or t.assignee <> 'CSM')
            on conflict (message_key) do nothing
            """)
        .param("id", taskId)
        .update();
  }

  /** The message about an alert of a run's step. Idempotent per run + step. */
  public void alertClaimed(
      String workflowId, String runId, String step, String customerId, String recipientEmail) {
    jdbc.sql(
            """
            insert into slack_outbox (message_key, kind, workflow_id, run_id, step, customer_id,
              recipient_email)
            values ('alert:' || :run || ':' || :step, 'ALERT', :w, :run, :step, :c, :email)
            on conflict (message_key) do nothing
            """)
        .param("w", workflowId)
        .param("run", runId)
        .param("step", step)
        .param("c", customerId)
        .param("email", recipientEmail)
        .update();
  }

  /**
   * A breached SLA: an open urgent or high-priority task whose due time passed within {@code
   * window} (older ones are not news; this also keeps the first start quiet). Once per task.
   * Returns how many were added.
   */
  public int addOverdue(Instant now, Duration window) {
    return jdbc.sql(
            """
            insert into slack_outbox (message_key, kind, task_id, workflow_id, run_id, step,
              customer_id, recipient_email)
            select 'overdue:' || t.id, 'SLA_BREACHED', t.id, t.workflow_id, t.run_id, t.step,
              t.customer_id, t.assignee_email
            from crm_tasks t
            where t.status = 'OPEN' and t.priority in ('URGENT', 'HIGH')
              and t.due_at <= :now and t.due_at > :since
              and (t.snoozed_until is null or t.snoozed_until <= :now)
            on conflict (message_key) do nothing
            """)
        .param("now", Timestamp.from(now))
        .param("since", Timestamp.from(now.minus(window)))
        .update();
  }

  /**
   * Claims up to {@code limit} rows due now, oldest first, skipping rows another sender holds: each
   * is counted an attempt and hidden for {@code lease}, so a sender that dies mid-send leaves it to
   * be taken again after that.
   */
  public List<Row> claim(Instant now, int limit, Duration lease) {
    return tx.execute(
        status ->
            jdbc.sql(
                    """
                    update slack_outbox o set attempts = o.attempts + 1, next_attempt_at = :until
                    from (select id from slack_outbox
                          where status = 'PENDING' and next_attempt_at <= :now
                          order by next_attempt_at, id limit :limit
                          for update skip locked) due
                    where o.id = due.id
                    returning o.id, o.message_key, o.kind, o.task_id, o.workflow_id, o.run_id,
                      o.step, o.customer_id, o.recipient_email, o.attempts
                    """)
                .param("now", Timestamp.from(now))
                .param("until", Timestamp.from(now.plus(lease)))
                .param("limit", limit)
                .query(
                    (rs, i) ->
                        new Row(
                            rs.getLong("id"),
                            rs.getString("message_key"),
                            Kind.valueOf(rs.getString("kind")),
                            (Long) rs.getObject("task_id"),
                            rs.getString("workflow_id"),
                            rs.getString("run_id"),
                            rs.getString("step"),
                            rs.getString("customer_id"),
                            rs.getString("recipient_email"),
                            rs.getInt("attempts")))
                .list());
  }

  public void sent(long id, String channel, String ts, Instant at) {
    jdbc.sql(
            """
            update slack_outbox set status = 'SENT', channel = :channel, message_ts = :ts,
              sent_at = :at, last_error = null
            where id = :id
            """)
        .param("channel", channel)
        .param("ts", ts)
        .param("at", Timestamp.from(at))
        .param("id", id)
        .update();
  }

  /**
   * Tries again at {@code at}; {@code counted} false gives the attempt back (a 429, or a pause for
   * one: Slack asked us to wait, the message did nothing wrong).
   */
  public void retryAt(long id, Instant at, String error, boolean counted, Instant now) {
    jdbc.sql(
            """
            update slack_outbox set next_attempt_at = :at, last_error = :error, last_error_at = :now,
              attempts = attempts - case when :counted then 0 else 1 end
            where id = :id and status = 'PENDING'
            """)
        .param("at", Timestamp.from(at))
        .param("error", error)
        .param("counted", counted)
        .param("now", Timestamp.from(now))
        .param("id", id)
        .update();
  }

  public void failed(long id, String error, Instant at) {
    jdbc.sql(
            """
            update slack_outbox set status = 'FAILED', last_error = :error, failed_at = :at,
              last_error_at = :at
            where id = :id
            """)
        .param("error", error)
        .param("at", Timestamp.from(at))
        .param("id", id)
        .update();
  }

  /** For the connection's status: the last message sent, the last failure, the backlog. */
  public Summary summary() {
    return jdbc.sql(
            """
            select
              (select max(sent_at) from slack_outbox where status = 'SENT') as last_sent_at,
              (select channel from slack_outbox where status = 'SENT'
                 order by sent_at desc, id desc limit 1) as last_channel,
              e.last_error, e.at as last_error_at,
              (select count(*) from slack_outbox where status = 'PENDING') as pending,
              (select count(*) from slack_outbox where status = 'FAILED') as failed
            from (select 1) one
            left join lateral (
              select last_error, last_error_at as at from slack_outbox
              where last_error_at is not null and status <> 'SENT'
              order by last_error_at desc, id desc limit 1) e on true
            """)
        .query(
            (rs, i) ->
                new Summary(
                    instant(rs.getTimestamp("last_sent_at")),
                    rs.getString("last_channel"),
                    rs.getString("last_error"),
                    instant(rs.getTimestamp("last_error_at")),
                    rs.getLong("pending"),
                    rs.getLong("failed")))
        .single();
  }

  /** The row of a message key (tests and support). */
  public Optional<String> status(String key) {
    return jdbc.sql("select status from slack_outbox where message_key = :k")
        .param("k", key)
        .query(String.class)
        .optional();
  }

  private static Instant instant(Timestamp ts) {
    return ts == null ? null : ts.toInstant();
  }
}
