package dev.retention.data.email;

import dev.retention.data.privacy.PersonalData;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The communications table: one row per run + step, claimed before the provider is called and
 * completed after, so a step has exactly one row whatever the retries.
 */
@Repository
public class Communications {

  /** What a claimed row keeps of the email it stands for. */
  public record Message(
      String idempotencyKey,
      String fromName,
      String fromAddress,
      String replyTo,
      String toAddress,
      String subject,
      String body) {}

  public static final String PENDING = "PENDING";
  public static final String SENT = "SENT";
  public static final String SKIPPED_SUPPRESSED = "SKIPPED_SUPPRESSED";
  public static final String FAILED = "FAILED";

  /** Why an address is suppressed. */
  public static final String UNSUBSCRIBED = "UNSUBSCRIBED";

  public static final String BOUNCED = "BOUNCED";
  public static final String COMPLAINED = "COMPLAINED";

  /** The row of one step. */
  public record Claim(String status, String subject, String providerMessageId) {}

  private final JdbcClient jdbc;

  public Communications(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public Optional<Claim> find(String workflowId, String runId, String step) {
    return jdbc.sql(
            """
            select status, subject, provider_message_id from communications
            where workflow_id = :w and run_id = :r and step = :step
            """)
        .param("w", workflowId)
        .param("r", runId)
        .param("step", step)
        .query(Claim.class)
        .optional();
  }

  /** What {@link #claim} inserted: the row's status, and whether it is an erased one. */
  public record Claimed(String status, boolean erased) {}

  /** The detail of a row a step wrote after the customer's personal data was erased. */
  public static final String ERASED_DETAIL = "not sent: the customer's personal data was erased";

  /**
   * Inserts the step's row with {@code status} unless it exists: what it inserted, or empty when
   * the row existed. A step of a run started before an erasure of the customer's personal data (see
   * {@link PersonalData}) inserts {@value #SKIPPED_SUPPRESSED} with {@value PersonalData#ERASED} in
   * place of subject, recipient and body, and sends nothing.
   */
  public Optional<Claimed> claim(
      String workflowId,
      String runId,
      String step,
      String customerId,
      String template,
      Message email,
      String status,
      String provider) {
    return jdbc.sql(
            """
            insert into communications (workflow_id, run_id, step, customer_id, template, subject,
              to_address, from_name, from_address, reply_to, body_text, status, provider,
              idempotency_key, detail)
            select :w, :r, :step, c.id, :template,
              case when %1$s then :erased else :subject end,
              case when %1$s then :erased else :to end,
              :fromName, :from, :replyTo,
              case when %1$s then :erased else :body end,
              case when %1$s then :skipped else :status end,
              :provider, :key,
              case when %1$s then :erasedDetail end
            from customers c where c.id = :c
            for key share
            on conflict (workflow_id, run_id, step) do nothing
            returning status, detail is not distinct from :erasedDetail as erased
            """
                .formatted(PersonalData.ERASED_FOR_RUN))
        .param("w", workflowId)
        .param("r", runId)
        .param("step", step)
        .param("c", customerId)
        .param("template", template)
        .param("subject", email.subject())
        .param("to", email.toAddress())
        .param("fromName", email.fromName())
        .param("from", email.fromAddress())
        .param("replyTo", email.replyTo())
        .param("body", email.body())
        .param("status", status)
        .param("provider", provider)
        .param("key", email.idempotencyKey())
        .param("erased", PersonalData.ERASED)
        .param("skipped", SKIPPED_SUPPRESSED)
        .param("erasedDetail", ERASED_DETAIL)
        .query((rs, i) -> new Claimed(rs.getString("status"), rs.getBoolean("erased")))
        .optional();
  }

  /**
   * Whether the customer's personal data was erased after the run started: its step's email, not
   * sent yet, must not go out.
   */
  public boolean erasedFor(String customerId, String runId) {
    return jdbc.sql("select " + PersonalData.ERASED_FOR_RUN + " from customers c where c.id = :c")
        .param("c", customerId)
        .param("r", runId)
        .query(Boolean.class)
        .optional()
        .orElse(false);
  }

  public void complete(
      String workflowId,
      String runId,
      String step,
      String status,
      String messageId,
      String detail,
      Instant at) {
    jdbc.sql(
            """
            update communications set status = :status, provider_message_id = :id, detail = :detail,
              sent_at = :at
            where workflow_id = :w and run_id = :r and step = :step
            """)
        .param("status", status)
        .param("id", messageId)
        .param("detail", detail)
        .param("at", Timestamp.from(at))
        .param("w", workflowId)
        .param("r", runId)
        .param("step", step)
        .update();
  }

  /**
   * Marks the step's row {@code FAILED} if it is still {@code PENDING} (the send was given up);
   * true when it did.
   */
  public boolean failPending(
      String workflowId, String runId, String step, String detail, Instant at) {
    return jdbc.sql(
                """
            update communications set status = :failed, detail = :detail, sent_at = :at
            where workflow_id = :w and run_id = :r and step = :step and status = :pending
            """)
            .param("failed", FAILED)
            .param("detail", detail)
            .param("at", Timestamp.from(at))
            .param("w", workflowId)
            .param("r", runId)
            .param("step", step)
            .param("pending", PENDING)
            .update()
        == 1;
  }

  /** On the list by address, or by the SHA-256 an erasure left in its place. */
  public boolean isSuppressed(String email) {
    return jdbc.sql(
                "select count(*) from suppressions where lower(email) = lower(:e) or email = "
                    + PersonalData.HASHED_ADDRESS)
            .param("e", email)
            .query(Long.class)
            .single()
        > 0;
  }

  /** Adds the address to the suppression list; true when it was not on it yet. */
  public boolean suppress(String email, String reason) {
    return jdbc.sql(
                """
            insert into suppressions (email, reason) values (lower(:e), :reason)
            on conflict (email) do nothing
            """)
            .param("e", email)
            .param("reason", reason)
            .update()
        == 1;
  }

  /**
   * The customers whose address this is, their own or one of their contacts', ignoring case
   * (inbound replies are matched so).
   */
  public List<String> customerIdsByAddress(String email) {
    // The customer's own address, or any of its contacts' (its emails go to the primary one).
    return jdbc.sql(
            """
            select id from customers where lower(email) = lower(:e)
            union
            select customer_id from customer_contacts where lower(email) = lower(:e)
            order by 1
            """)
        .param("e", email.trim())
        .query(String.class)
        .list();
  }

  public List<Communication> forCustomer(String customerId) {
    return jdbc.sql(
            """
            select workflow_id, step, template, subject, to_address, status, sent_at,
              provider_message_id, provider, detail, delivery_status, delivery_updated_at
            from communications where customer_id = :c order by created_at desc, id desc
            """)
        .param("c", customerId)
        .query(
            (rs, i) ->
                new Communication(
                    rs.getString("workflow_id"),
                    rs.getString("step"),
                    rs.getString("template"),
                    rs.getString("subject"),
                    rs.getString("to_address"),
                    rs.getString("status"),
                    rs.getTimestamp("sent_at") == null
                        ? null
                        : rs.getTimestamp("sent_at").toInstant(),
                    rs.getString("provider_message_id"),
                    rs.getString("provider"),
                    rs.getString("detail"),
                    rs.getString("delivery_status"),
                    rs.getTimestamp("delivery_updated_at") == null
                        ? null
                        : rs.getTimestamp("delivery_updated_at").toInstant()))
        .list();
  }
}
