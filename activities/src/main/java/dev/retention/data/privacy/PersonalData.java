package dev.retention.data.privacy;

import dev.retention.data.ledger.Timeline;
import dev.retention.workflows.contract.StepRecord;
import dev.retention.workflows.contract.StepResult;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * A customer's personal data, erased on request, and everyone's past the retention period. Erasure
 * anonymises the customer record, the emails sent to them, their timeline, the CSM notes (typed
 * with outcomes or on the customer, calls and meetings logged, with whom) and tasks about them (and
 * the notes they were completed with), their NPS comments, and deletes their contacts; their
 * address stays on the suppression list only as a SHA-256, so they are never emailed again yet the
 * address itself is gone.
 *
 * <p>It also leaves a tombstone, {@code customers.personal_data_erased_at}, that holds against
 * steps in flight: a step of a run started before the erasure that writes afterwards (its timeline
 * entry, a note, a task, an email row) writes {@value #ERASED} instead of what it carries. The
 * writers check it in the same statement as their insert, with the customer row locked ({@link
 * #ERASED_FOR_RUN}), so whichever of erasure and write comes second sees the other.
 */
@Component
public class PersonalData {

  public static final String ERASED = Tombstone.ERASED;
  static final String EXPIRED = "[deleted after the retention period]";

  /** What an erasure changed, by table. */
  public record Erasure(String customerId, Instant erasedAt, Map<String, Integer> rows) {}

  private final JdbcClient jdbc;
  private final Timeline timeline;

  public PersonalData(JdbcClient jdbc, Timeline timeline) {
    this.jdbc = jdbc;
    this.timeline = timeline;
  }

  /** See {@link Tombstone#ERASED_FOR_RUN}. */
  public static final String ERASED_FOR_RUN = Tombstone.ERASED_FOR_RUN;

  /** See {@link Tombstone#ERASED_SINCE_START}. */
  public static final String ERASED_SINCE_START = Tombstone.ERASED_SINCE_START;

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
    suppressAddresses(customerId, email.get(), rows);
    Instant erasedAt = tombstone(customerId);
    rows.put("customers", 1);
    blankTexts(customerId, rows);
    return Optional.of(new Erasure(customerId, erasedAt, rows));
  }

  /**
   * The customer's address and its contacts' addresses stay on the suppression list only hashed, so
   * they are never emailed again; the contacts go.
   */
  private void suppressAddresses(String customerId, String email, Map<String, Integer> rows) {
    jdbc.sql(
            "insert into suppressions (email, reason) select "
                + HASHED_ADDRESS
                + ", coalesce((select reason from suppressions where lower(email) = lower(:e)),"
                + " 'ERASED') on conflict (email) do nothing")
        .param("e", email)
        .update();
    rows.put(
        "suppressions",
        jdbc.sql("delete from suppressions where lower(email) = lower(:e)")
            .param("e", email)
            .update());
    // The customer's contacts go too; their addresses, like the customer's own, stay on the
    // suppression list only hashed, so they are never emailed again.
    List<String> contacts =
        jdbc.sql("select email from customer_contacts where customer_id = :id")
            .param("id", customerId)
            .query(String.class)
            .list();
    for (String contact : contacts) {
      jdbc.sql(
              "insert into suppressions (email, reason) select "
                  + HASHED_ADDRESS
                  + ", coalesce((select reason from suppressions where lower(email) = lower(:e)),"
                  + " 'ERASED') on conflict (email) do nothing")
          .param("e", contact)
          .update();
      jdbc.sql("delete from suppressions where lower(email) = lower(:e)")
          .param("e", contact)
          .update();
    }
    rows.put(
        "customer_contacts",
        jdbc.sql("delete from customer_contacts where customer_id = :id")
            .param("id", customerId)
            .update());
  }

  private Instant tombstone(String customerId) {
    // The tombstone's time is the moment before commit (not the transaction's start), so a run
    // started while the erasure waited for the customer row's lock counts as before it.
    return jdbc.sql(
            """
                update customers set name = 'Erased customer',
                  email = 'erased+' || id || '@erased.invalid', updated_at = now(),
                  personal_data_erased_at = clock_timestamp()
                where id = :id returning personal_data_erased_at
                """)
        .param("id", customerId)
        .query(Timestamp.class)
        .single()
        .toInstant();
  }

  /** Every stored text written about the customer, replaced or emptied. */
  private void blankTexts(String customerId, Map<String, Integer> rows) {
    rows.put(
        "communications",
        update(
            "update communications set subject = :x, body_text = :x, to_address = :x, detail = null"
                + " where customer_id = :id",
            customerId));
    rows.put("timeline", timeline.eraseSummaries(customerId, ERASED));
    rows.put(
        "crm_notes",
        update(
            "update crm_notes set body = :x,"
                + " with_whom = case when with_whom is null then null else :x end"
                + " where customer_id = :id",
            customerId));
    rows.put(
        "crm_tasks",
        update(
            "update crm_tasks set title = :x, body = :x,"
                + " close_note = case when close_note is null then null else :x end"
                + " where customer_id = :id",
            customerId));
    rows.put(
        "nps_responses",
        jdbc.sql(
                "update nps_responses set comment = null where customer_id = :id and comment is not null")
            .param("id", customerId)
            .update());
    // Segment events keep properties only for effects (an NPS comment, a cancellation reason).
    rows.put(
        "segment_events",
        jdbc.sql(
                "update segment_events set properties = null where customer_id = :id"
                    + " and properties is not null")
            .param("id", customerId)
            .update());
  }

  /** When the customer's personal data was last erased; empty if never (or no such customer). */
  public Optional<Instant> erasedAt(String customerId) {
    return jdbc.sql("select personal_data_erased_at from customers where id = :id")
        .param("id", customerId)
        .query((rs, i) -> rs.getTimestamp(1))
        .optional()
        .map(Timestamp::toInstant);
  }

  private int update(String sql, String customerId) {
    return jdbc.sql(sql).param("x", ERASED).param("id", customerId).update();
  }

  /**
   * Keeps a run's steps without their details (names, times and results), for when its history is
   * unreadable after an erasure; replaces what was kept of the run before.
   */
  @Transactional
  public void keepSteps(String runId, List<StepRecord> steps) {
    jdbc.sql("delete from erased_run_steps where run_id = :r").param("r", runId).update();
    for (int i = 0; i < steps.size(); i++) {
      StepRecord step = steps.get(i);
      jdbc.sql(
              """
              insert into erased_run_steps (run_id, position, step, planned_at, ran_at, result)
              values (:r, :position, :step, :plannedAt, :ranAt, :result)
              """)
          .param("r", runId)
          .param("position", i)
          .param("step", step.step())
          .param("plannedAt", timestamp(step.plannedAt()))
          .param("ranAt", timestamp(step.ranAt()))
          .param("result", step.result().name())
          .update();
    }
  }

  /** The steps an erasure kept of a run, each with detail {@value #ERASED}; empty if none. */
  public List<StepRecord> keptSteps(String runId) {
    return jdbc.sql(
            """
            select step, planned_at, ran_at, result from erased_run_steps
            where run_id = :r order by position
            """)
        .param("r", runId)
        .query(
            (rs, i) ->
                new StepRecord(
                    rs.getString("step"),
                    instant(rs.getTimestamp("planned_at")),
                    instant(rs.getTimestamp("ran_at")),
                    StepResult.valueOf(rs.getString("result")),
                    ERASED))
        .list();
  }

  private static Timestamp timestamp(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
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
    rows.put("timelineEntries", timeline.deleteBefore(cutoff));
    return rows;
  }
}
