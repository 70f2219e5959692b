package dev.retention.data.email;

import dev.retention.data.ledger.Timeline;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies what a provider's webhook reports about an email we sent: the communication's delivery
 * status, the customer's timeline, and the suppression list for hard bounces, spam complaints and
 * unsubscribes. Each event is applied once (providers retry webhooks), in one transaction.
 *
 * <p>An event finds its communication by the provider's message id, or by our idempotency key
 * (SendGrid echoes it as a custom argument). The key also closes SendGrid's at-least-once window:
 * an event for a row still PENDING (the worker died after SendGrid accepted, before our commit)
 * completes it as SENT, so a later retry returns that receipt instead of sending again; an event
 * for a second message with the same key (the retry came first) records the duplicate.
 */
@Repository
public class DeliveryEvents {

  /** What happened, in the order a delivery status may advance (never backwards). */
  public enum Kind {
    ACCEPTED(0, null, null),
    DELIVERED(1, "delivered", null),
    OPENED(2, "opened", null),
    CLICKED(3, "clicked", null),
    BOUNCED(4, "bounced (hard bounce)", Communications.BOUNCED),
    COMPLAINED(5, "marked as spam", Communications.COMPLAINED),
    UNSUBSCRIBED(6, "unsubscribed at the provider", Communications.UNSUBSCRIBED);

    /** How far an email has come: a later event never overwrites a further one (see the SQL). */
    private final int rank;

    private final String summary;
    private final String suppression;

    Kind(int rank, String summary, String suppression) {
      this.rank = rank;
      this.summary = summary;
      this.suppression = suppression;
    }

    /** The suppression reason this event puts the address under, or null. */
    public String suppression() {
      return suppression;
    }
  }

  /**
   * One provider event. {@code eventId} is unique per provider (SendGrid's sg_event_id, the Svix
   * message id for Resend); {@code recipient} is the address the event is about, if it says.
   */
  public record Event(
      String provider,
      String eventId,
      Kind kind,
      String providerMessageId,
      String idempotencyKey,
      String recipient,
      Instant at,
      String detail) {}

  public enum Outcome {
    /** Matched to one of our emails and applied. */
    APPLIED,
    /** This event was applied before. */
    ALREADY_SEEN,
    /** No email of ours has this message id or key; a bounce or complaint still suppresses. */
    UNMATCHED
  }

  record Row(
      long id,
      String customerId,
      String workflowId,
      String runId,
      String step,
      String status,
      String providerMessageId,
      String deliveryStatus,
      String toAddress,
      String duplicateMessageId) {}

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final Communications communications;
  private final Timeline timeline;

  public DeliveryEvents(
      JdbcClient jdbc, TransactionTemplate tx, Communications communications, Timeline timeline) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.communications = communications;
    this.timeline = timeline;
  }

  public Outcome apply(Event event) {
    return tx.execute(status -> applyOnce(event));
  }

  /** True when this provider's event was recorded before. */
  public boolean seen(String provider, String eventId) {
    return jdbc.sql("select count(*) from email_events where provider = :p and event_id = :id")
            .param("p", provider)
            .param("id", eventId)
            .query(Long.class)
            .single()
        > 0;
  }

  /** Records an inbound email's delivery once; true when it was not recorded before. */
  public boolean recordReceived(String provider, String eventId, Instant at) {
    return jdbc.sql(
                """
                insert into email_events (provider, event_id, type, occurred_at)
                values (:p, :id, 'RECEIVED', :at)
                on conflict (provider, event_id) do nothing
                """)
            .param("p", provider)
            .param("id", eventId)
            .param("at", Timestamp.from(at))
            .update()
        == 1;
  }

  private Outcome applyOnce(Event e) {
    Optional<Row> byMessage = find("provider_message_id", e.providerMessageId());
    Optional<Row> found =
        byMessage.isPresent() ? byMessage : find("idempotency_key", e.idempotencyKey());
    boolean recorded =
        jdbc.sql(
                    """
                    insert into email_events (provider, event_id, type, provider_message_id,
                      idempotency_key, communication_id, occurred_at)
                    values (:provider, :eventId, :type, :messageId, :key, :communication, :at)
                    on conflict (provider, event_id) do nothing
                    """)
                .param("provider", e.provider())
                .param("eventId", e.eventId())
                .param("type", e.kind().name())
                .param("messageId", e.providerMessageId())
                .param("key", e.idempotencyKey())
                .param("communication", found.map(Row::id).orElse(null))
                .param("at", Timestamp.from(e.at()))
                .update()
            == 1;
    if (!recorded) {
      return Outcome.ALREADY_SEEN;
    }
    found.ifPresent(row -> applyTo(row, e, byMessage.isEmpty()));
    if (e.kind().suppression() != null) {
      String address =
          e.recipient() != null ? e.recipient() : found.map(Row::toAddress).orElse(null);
      if (address != null
          && communications.suppress(address, e.kind().suppression())
          && found.isPresent()) {
        Row row = found.get();
        timeline(
            row,
            e,
            "suppressed",
            "CONSENT",
            "Email address suppressed ("
                + e.kind().suppression().toLowerCase(Locale.ROOT)
                + " via "
                + e.provider()
                + "): no more automated emails");
      }
    }
    return found.isPresent() ? Outcome.APPLIED : Outcome.UNMATCHED;
  }

  private void applyTo(Row row, Event e, boolean matchedByKey) {
    completeSend(row, e, matchedByKey);
    if (e.kind().summary == null) {
      return;
    }
    int updated =
        jdbc.sql(
                """
                update communications set delivery_status = :kind, delivery_updated_at = :at
                where id = :id and (delivery_status is null or :rank > case delivery_status
                  when 'DELIVERED' then 1 when 'OPENED' then 2 when 'CLICKED' then 3
                  when 'BOUNCED' then 4 when 'COMPLAINED' then 5 when 'UNSUBSCRIBED' then 6
                  else 0 end)
                """)
            .param("kind", e.kind().name())
            .param("at", Timestamp.from(e.at()))
            .param("rank", e.kind().rank)
            .param("id", row.id())
            .update();
    if (updated == 1) {
      String summary = row.step() + ": email " + e.kind().summary;
      if (e.kind() == Kind.BOUNCED && e.detail() != null) {
        summary += " (" + e.detail() + ")";
      }
      timeline(row, e, e.kind().name().toLowerCase(Locale.ROOT), "EMAIL", summary);
    }
  }

  /**
   * What the event tells about the send itself: accepted before our commit, the message id the
   * answer lacked, or a second message for the same step.
   */
  private void completeSend(Row row, Event e, boolean matchedByKey) {
    if (Communications.PENDING.equals(row.status())) {
      // The provider accepted it, our commit never happened: complete it now, so a retry of the
      // activity returns this receipt instead of sending a second message.
      jdbc.sql(
              """
              update communications set status = :sent,
                provider_message_id = coalesce(provider_message_id, :messageId),
                sent_at = coalesce(sent_at, :at), detail = :detail
              where id = :id and status = :pending
              """)
          .param("sent", Communications.SENT)
          .param("messageId", e.providerMessageId())
          .param("at", Timestamp.from(e.at()))
          .param(
              "detail", "completed from a " + e.provider() + " event: accepted before our commit")
          .param("pending", Communications.PENDING)
          .param("id", row.id())
          .update();
    } else if (matchedByKey && e.providerMessageId() != null && row.providerMessageId() == null) {
      // Sent, but the provider's answer carried no message id: take it from the event.
      jdbc.sql(
              "update communications set provider_message_id = :messageId where id = :id"
                  + " and provider_message_id is null")
          .param("messageId", e.providerMessageId())
          .param("id", row.id())
          .update();
    } else if (matchedByKey
        && e.providerMessageId() != null
        && row.providerMessageId() != null
        && !row.providerMessageId().equals(e.providerMessageId())
        && row.duplicateMessageId() == null) {
      jdbc.sql("update communications set duplicate_message_id = :messageId where id = :id")
          .param("messageId", e.providerMessageId())
          .param("id", row.id())
          .update();
      timeline(
          row,
          e,
          "duplicate",
          "EMAIL",
          row.step()
              + ": "
              + e.provider()
              + " sent this step's email twice (messages "
              + row.providerMessageId()
              + " and "
              + e.providerMessageId()
              + "): a worker stopped between the provider's accept and our commit");
    }
  }

  private Optional<Row> find(String column, String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    return jdbc.sql(
            """
            select id, customer_id, workflow_id, run_id, step, status, provider_message_id,
              delivery_status, to_address, duplicate_message_id
            from communications where %s = :value order by id limit 1
            """
                .formatted(column))
        .param("value", value)
        .query(Row.class)
        .optional();
  }

  /** One entry per event and what it did, in the run's part of the customer's timeline. */
  private void timeline(Row row, Event e, String what, String kind, String summary) {
    timeline.addAboutRun(
        row.customerId(),
        row.workflowId(),
        row.runId(),
        "email-event:" + e.provider() + ":" + e.eventId() + ":" + what,
        e.at(),
        kind,
        summary);
  }
}
