package dev.retention.data.notes;

import dev.retention.data.ledger.Timeline;
import dev.retention.data.ledger.TimelineItem;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What people wrote about a customer, kept verbatim: the notes a CSM types with an outcome (the
 * playbooks store them in {@code crm_notes} with their run and step), notes written on the customer
 * directly, calls and meetings logged (when, with whom), and the notes tasks were completed with.
 * An erasure of the customer's personal data blanks them all (see {@code PersonalData}), and a new
 * note for a customer erased (and not added again since) is refused.
 */
@Repository
public class CustomerNotes {

  /** What a note records. */
  public enum Kind {
    /** A note, typed with an outcome or on the customer. */
    NOTE,
    /** A call with someone at the customer. */
    CALL,
    /** A meeting with someone at the customer. */
    MEETING
  }

  /**
   * One note: {@code at} when it was written, {@code occurredAt} when the call or meeting took
   * place, {@code withWhom} who it was with; {@code workflowId} and {@code step} for a note a run
   * wrote with an outcome.
   */
  public record Note(
      long id,
      String customerId,
      Kind kind,
      Instant at,
      Instant occurredAt,
      String withWhom,
      String author,
      String body,
      String workflowId,
      String step) {}

  /** A task completed with a note. */
  public record TaskNote(
      long taskId,
      String customerId,
      String workflowId,
      String step,
      String title,
      Instant at,
      String author,
      String note) {}

  /**
   * SQL over {@code customers c}: the customer's personal data was erased and the customer was not
   * added again since (a PUT or batch after the erasure moves {@code updated_at} past it).
   */
  public static final String ERASED_NOW =
      "(c.personal_data_erased_at is not null and c.updated_at <= c.personal_data_erased_at)";

  private final JdbcClient jdbc;
  private final Timeline timeline;
  private final Clock clock;

  public CustomerNotes(JdbcClient jdbc, Timeline timeline, Clock clock) {
    this.jdbc = jdbc;
    this.timeline = timeline;
    this.clock = clock;
  }

  /**
   * Adds a note (or a logged call or meeting) on the customer. Empty when the customer does not
   * exist or its personal data was erased: the insert reads the customer row under a key-share lock
   * so it is either before an erasure (which then blanks it) or sees its tombstone.
   */
  public Optional<Note> add(
      String customerId,
      Kind kind,
      Instant occurredAt,
      String withWhom,
      String author,
      String body) {
    return jdbc.sql(
            """
            insert into crm_notes (customer_id, author, body, kind, occurred_at, with_whom, created_at)
            select c.id, :author, :body, :kind, :occurredAt, :withWhom, :now
            from customers c where c.id = :c and not %s
            for key share
            returning id, customer_id, kind, created_at, occurred_at, with_whom, author, body,
              workflow_id, step
            """
                .formatted(ERASED_NOW))
        .param("c", customerId)
        .param("author", author)
        .param("body", body)
        .param("kind", kind.name())
        .param("occurredAt", occurredAt == null ? null : Timestamp.from(occurredAt))
        .param("withWhom", withWhom)
        .param("now", Timestamp.from(clock.instant()))
        .query(CustomerNotes::note)
        .optional();
  }

  /** Whether the customer's personal data was erased (and the customer not added again since). */
  public boolean erased(String customerId) {
    return jdbc.sql("select " + ERASED_NOW + " from customers c where c.id = :c")
        .param("c", customerId)
        .query(Boolean.class)
        .optional()
        .orElse(false);
  }

  /** The customer's notes, newest first: written on the customer and with outcomes. */
  public List<Note> forCustomer(String customerId, int limit) {
    return jdbc.sql(
            """
            select id, customer_id, kind, created_at, occurred_at, with_whom, author, body,
              workflow_id, step
            from crm_notes where customer_id = :c order by created_at desc, id desc limit :limit
            """)
        .param("c", customerId)
        .param("limit", limit)
        .query(CustomerNotes::note)
        .list();
  }

  /** The notes a run wrote (with outcomes), oldest first. */
  public List<Note> forRun(String runId) {
    return jdbc.sql(
            """
            select id, customer_id, kind, created_at, occurred_at, with_whom, author, body,
              workflow_id, step
            from crm_notes where run_id = :r order by created_at, id
            """)
        .param("r", runId)
        .query(CustomerNotes::note)
        .list();
  }

  /** The customer's tasks completed with a note, newest first. */
  public List<TaskNote> completedTasks(String customerId, int limit) {
    return jdbc.sql(
            TASK_NOTES
                + " where customer_id = :c and status = 'DONE' and close_note is not null"
                + " order by closed_at desc, id desc limit :limit")
        .param("c", customerId)
        .param("limit", limit)
        .query(CustomerNotes::taskNote)
        .list();
  }

  /** The run's tasks completed with a note, oldest first. */
  public List<TaskNote> completedTasksOfRun(String runId) {
    return jdbc.sql(
            TASK_NOTES
                + " where run_id = :r and status = 'DONE' and close_note is not null"
                + " order by closed_at, id")
        .param("r", runId)
        .query(CustomerNotes::taskNote)
        .list();
  }

  /**
   * The customer's timeline with the notes in it: the ledger's entries, each note (kind {@code
   * NOTE}, {@code CALL} or {@code MEETING}) and each task completed with a note (kind {@code
   * TASK_DONE}), with the text in {@link TimelineItem#note()}; newest first, at most {@code limit}.
   */
  public List<TimelineItem> timeline(String customerId, int limit) {
    List<TimelineItem> items = new ArrayList<>(timeline.forCustomer(customerId, limit));
    for (Note n : forCustomer(customerId, limit)) {
      items.add(
          new TimelineItem(
              n.at(),
              n.kind().name(),
              playbookOf(n.workflowId()),
              n.workflowId(),
              summary(n),
              n.body(),
              n.author()));
    }
    for (TaskNote t : completedTasks(customerId, limit)) {
      items.add(
          new TimelineItem(
              t.at(),
              "TASK_DONE",
              playbookOf(t.workflowId()),
              t.workflowId(),
              t.title(),
              t.note(),
              t.author()));
    }
    items.sort(Comparator.comparing(TimelineItem::at).reversed());
    return items.size() > limit ? List.copyOf(items.subList(0, limit)) : items;
  }

  private static String summary(Note n) {
    if (n.step() != null) {
      // A run's note: its step, without the step counter the run keys it by.
      int hash = n.step().indexOf('#');
      return hash < 0 ? n.step() : n.step().substring(0, hash);
    }
    return n.kind().name().toLowerCase(Locale.ROOT)
        + (n.withWhom() == null ? "" : " with " + n.withWhom());
  }

  /** Workflow ids are {@code <playbook>-<customerId>}; the playbook, when the id is one. */
  private static String playbookOf(String workflowId) {
    if (workflowId == null) {
      return null;
    }
    for (String p :
        List.of("at-risk", "expansion", "onboarding", "nps-follow-up", "cancellation-save")) {
      if (workflowId.startsWith(p + "-")) {
        return p;
      }
    }
    return null;
  }

  private static final String TASK_NOTES =
      "select id, customer_id, workflow_id, step, title, closed_at, closed_by, close_note"
          + " from crm_tasks";

  private static TaskNote taskNote(ResultSet rs, int i) throws SQLException {
    return new TaskNote(
        rs.getLong("id"),
        rs.getString("customer_id"),
        rs.getString("workflow_id"),
        rs.getString("step"),
        rs.getString("title"),
        instant(rs.getTimestamp("closed_at")),
        rs.getString("closed_by"),
        rs.getString("close_note"));
  }

  private static Note note(ResultSet rs, int i) throws SQLException {
    return new Note(
        rs.getLong("id"),
        rs.getString("customer_id"),
        Kind.valueOf(rs.getString("kind")),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("occurred_at")),
        rs.getString("with_whom"),
        rs.getString("author"),
        rs.getString("body"),
        rs.getString("workflow_id"),
        rs.getString("step"));
  }

  private static Instant instant(Timestamp ts) {
    return ts == null ? null : ts.toInstant();
  }
}
