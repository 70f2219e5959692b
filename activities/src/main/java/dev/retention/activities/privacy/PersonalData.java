package dev.retention.activities.privacy;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * A customer's personal data, erased on request, and everyone's past the retention period. Erasure
 * anonymises the customer record, the emails sent to them, their timeline, the CSM notes and tasks
 * about them and their NPS comments; their address stays on the suppression list only as a SHA-256,
 * so they are never emailed again yet the address itself is gone.
 */
@Component
public class PersonalData {

  public static final String ERASED = "[erased]";
  static final String EXPIRED = "[deleted after the retention period]";

  /** What an erasure changed, by table. */
  public record Erasure(String customerId, Instant erasedAt, Map<String, Integer> rows) {}

  private final JdbcClient jdbc;
  private final Clock clock;

  public PersonalData(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** The suppression-list form of an erased address, as SQL over a parameter {@code :e}. */
  public static final String HASHED_ADDRESS =
      "'sha256:' || encode(sha256(convert_to(lower(:e), 'UTF8')), 'hex')";

  @Transactional
  public Optional<Erasure> erase(String customerId) {
    Optional<String> email =
        jdbc.sql("select email from customers where id = :id for update")
            .param("id", customerId)
            .query(String.class)
            .optional();
    if (email.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Integer> rows = new LinkedHashMap<>();
    jdbc.sql(
            "insert into suppressions (email, reason) select "
                + HASHED_ADDRESS
                + ", coalesce((select reason from suppressions where lower(email) = lower(:e)),"
                + " 'ERASED') on conflict (email) do nothing")
        .param("e", email.get())
        .update();
    rows.put(
        "suppressions",
        jdbc.sql("delete from suppressions where lower(email) = lower(:e)")
            .param("e", email.get())
            .update());
    rows.put(
        "customers",
        jdbc.sql(
                """
                update customers set name = 'Erased customer',
                  email = 'erased+' || id || '@erased.invalid', updated_at = now()
                where id = :id
                """)
            .param("id", customerId)
            .update());
    rows.put(
        "communications",
        update(
            "update communications set subject = :x, body_text = :x, to_address = :x, detail = null"
                + " where customer_id = :id",
            customerId));
    rows.put(
        "timeline", update("update timeline set summary = :x where customer_id = :id", customerId));
    rows.put(
        "crm_notes", update("update crm_notes set body = :x where customer_id = :id", customerId));
    rows.put(
        "crm_tasks",
        update("update crm_tasks set title = :x, body = :x where customer_id = :id", customerId));
    rows.put(
        "nps_responses",
        jdbc.sql(
                "update nps_responses set comment = null where customer_id = :id and comment is not null")
            .param("id", customerId)
            .update());
    return Optional.of(new Erasure(customerId, clock.instant(), rows));
  }

  private int update(String sql, String customerId) {
    return jdbc.sql(sql).param("x", ERASED).param("id", customerId).update();
  }

  /** Blanks email bodies and deletes timeline entries older than the cutoff. */
  @Transactional
  public Map<String, Integer> purgeBefore(Instant cutoff) {
    Map<String, Integer> rows = new LinkedHashMap<>();
    rows.put(
        "emailBodies",
        jdbc.sql(
                "update communications set body_text = :x"
                    + " where created_at < :cutoff and body_text not in (:x, :erased)")
            .param("x", EXPIRED)
            .param("erased", ERASED)
            .param("cutoff", Timestamp.from(cutoff))
            .update());
    rows.put(
        "timelineEntries",
        jdbc.sql("delete from timeline where at < :cutoff")
            .param("cutoff", Timestamp.from(cutoff))
            .update());
    return rows;
  }
}
