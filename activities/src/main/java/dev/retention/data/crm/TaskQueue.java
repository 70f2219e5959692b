package dev.retention.data.crm;

import dev.retention.workflows.ports.RunSnapshot;
import dev.retention.workflows.ports.TimelineEntry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The life of a CRM task after a playbook created it: listed per assignee (urgent and overdue
 * first), completed with a note, snoozed to a time, or ended by its run when the run's work does it
 * or makes it moot ({@link #endTasks}). A snoozed task is open, but out of the OPEN list until its
 * time comes.
 */
@Component
public class TaskQueue {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TaskQueue.class);

  public enum State {
    OPEN,
    SNOOZED,
    DONE,
    OBSOLETE
  }

  public record Task(
      long id,
      String customerId,
      String workflowId,
      String step,
      String assignee,
      String assigneeEmail,
      String title,
      String body,
      String priority,
      Instant dueAt,
      boolean overdue,
      State status,
      Instant snoozedUntil,
      Instant createdAt,
      Instant closedAt,
      String closedBy,
      String closeNote) {}

  /**
   * A filter: every part optional. {@code csmIds} limits to the customers of those CSMs (a CSM's
   * portfolio, a manager's team; null for all).
   */
  public record Query(
      String assigneeEmail,
      String customerId,
      State status,
      Instant dueBefore,
      List<String> csmIds,
      int page,
      int size) {}

  public record TaskPage(List<Task> items, int page, int size, long total) {}

  /** Why a change was refused. */
  public enum Refusal {
    NOT_FOUND,
    CLOSED
  }

  public record Change(Task task, Refusal refusal) {}

  private final JdbcClient jdbc;
  private final Clock clock;

  public TaskQueue(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  public TaskPage list(Query q) {
    List<String> where = new ArrayList<>();
    Map<String, Object> params = new HashMap<>();
    params.put("now", Timestamp.from(clock.instant()));
    if (q.assigneeEmail() != null) {
      where.add("lower(t.assignee_email) = lower(:assignee)");
      params.put("assignee", q.assigneeEmail());
    }
    if (q.customerId() != null) {
      where.add("t.customer_id = :customer");
      params.put("customer", q.customerId());
    }
    if (q.dueBefore() != null) {
      where.add("t.due_at < :dueBefore");
      params.put("dueBefore", Timestamp.from(q.dueBefore()));
    }
    if (q.csmIds() != null) {
      where.add(
          "t.customer_id in (select id from customers where csm_id = any(cast(:csms as text[])))");
      params.put("csms", q.csmIds().toArray(String[]::new));
    }
    if (q.status() != null) {
      where.add(
          switch (q.status()) {
            case OPEN ->
                "t.status = 'OPEN' and (t.snoozed_until is null or t.snoozed_until <= :now)";
            case SNOOZED -> "t.status = 'OPEN' and t.snoozed_until > :now";
            case DONE -> "t.status = 'DONE'";
            case OBSOLETE -> "t.status = 'OBSOLETE'";
          });
    }
    String filter = where.isEmpty() ? "" : " where " + String.join(" and ", where);
    long total =
        jdbc.sql("select count(*) from crm_tasks t" + filter)
            .params(params)
            .query(Long.class)
            .single();
    List<Task> items =
        jdbc.sql(
                SELECT
                    + filter
                    + " "
                    + """
                     order by (t.status = 'OPEN') desc, (t.priority = 'URGENT') desc,
                       t.due_at, t.id limit :limit offset :offset""")
            .params(params)
            .param("limit", q.size())
            .param("offset", (long) q.page() * q.size())
            .query(this::task)
            .list();
    return new TaskPage(items, q.page(), q.size(), total);
  }

  public Optional<Task> find(long id) {
    return jdbc.sql(SELECT + " where t.id = :id")
        .param("id", id)
        .param("now", Timestamp.from(clock.instant()))
        .query(this::task)
        .optional();
  }

  /** Told of each task a person completed (the console, the API, Slack, the CRM). */
  public interface CompletionListener {
    void completed(Task task, String by);
  }

  private final List<CompletionListener> completionListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  public void onCompleted(CompletionListener listener) {
    completionListeners.add(listener);
  }

  /**
   * Marks an open (or snoozed) task done, with who and an optional note, and tells the {@link
   * #onCompleted listeners} (a listener's failure leaves the task done).
   */
  public Change complete(long id, String by, String note) {
    Change change = close(id, "DONE", by, note);
    if (change.refusal() == null && change.task() != null) {
      for (CompletionListener listener : completionListeners) {
        try {
          listener.completed(change.task(), by);
        } catch (RuntimeException e) {
          log.warn(
              "after task {} was completed, {} failed: {}",
              id,
              listener.getClass().getSimpleName(),
              e.getClass().getSimpleName());
        }
      }
    }
    return change;
  }

  /** Hides an open task until the given time. */
  public Change snooze(long id, Instant until, String by) {
    int changed =
        jdbc.sql(
                "update crm_tasks set snoozed_until = :until, closed_by = :by"
                    + " where id = :id and status = 'OPEN'")
            .param("until", Timestamp.from(until))
            .param("by", by)
            .param("id", id)
            .update();
    return result(id, changed);
  }

  private Change close(long id, String status, String by, String note) {
    int changed =
        jdbc.sql(
                """
                update crm_tasks set status = :status, closed_at = :now, closed_by = :by,
                  close_note = :note, snoozed_until = null
                where id = :id and status = 'OPEN'
                """)
            .param("status", status)
            .param("now", Timestamp.from(clock.instant()))
            .param("by", by)
            .param("note", note)
            .param("id", id)
            .update();
    return result(id, changed);
  }

  private Change result(long id, int changed) {
    Optional<Task> task = find(id);
    if (task.isEmpty()) {
      return new Change(null, Refusal.NOT_FOUND);
    }
    return new Change(task.get(), changed == 1 ? null : Refusal.CLOSED);
  }

  /**
   * Ends the run's open tasks whose work is done or moot, as {@link TaskEndings} says: a step on
   * the run's timeline ({@code entries}) that does a task's work closes it {@code DONE}, with the
   * outcome or event in its note; once the run's outcome is decided ({@code decidedNow}), a task
   * that outcome does is {@code DONE} and one it makes moot {@code OBSOLETE}, saying why. Any other
   * task stays open. Keyed on run and step and only for open tasks, so a repeated write changes
   * nothing. Returns how many closed.
   */
  public int endTasks(RunSnapshot run, List<TimelineEntry> entries, boolean decidedNow) {
    List<OpenTask> open =
        jdbc.sql(
                """
                select step, ends_on_steps, ends_on_outcomes, obsolete_when_decided from crm_tasks
                where run_id = :run and status = 'OPEN' order by id
                """)
            .param("run", run.runId())
            .query(
                (rs, i) ->
                    new OpenTask(
                        rs.getString("step"),
                        strings(rs.getArray("ends_on_steps")),
                        strings(rs.getArray("ends_on_outcomes")),
                        (Boolean) rs.getObject("obsolete_when_decided")))
            .list();
    int closed = 0;
    for (OpenTask task : open) {
      String step = task.step();
      // The built-in table first; else what the task's own definition said when it was created.
      Optional<TaskEndings.Ending> ending =
          TaskEndings.of(run.playbook(), step).or(() -> task.ending(run.playbook()));
      if (ending.isEmpty()) {
        continue;
      }
      Optional<TaskEndings.Trigger> done =
          entries.stream()
              .map(e -> stepOf(e.key()))
              .map(s -> ending.get().doneBy(s))
              .flatMap(Optional::stream)
              .findFirst();
      if (done.isPresent()) {
        closed +=
            closeForRun(
                run.runId(),
                step,
                "DONE",
                done.get().byCsm() ? run.csmId() : PLAYBOOK,
                done.get().note());
      } else if (decidedNow && ending.get().doneByOutcomes().contains(run.outcome())) {
        closed +=
            closeForRun(
                run.runId(), step, "DONE", run.csmId(), run.outcome() + " recorded on the run");
      } else if (decidedNow && ending.get().mootOnceDecided()) {
        closed +=
            closeForRun(
                run.runId(),
                step,
                "OBSOLETE",
                PLAYBOOK,
                "the run's outcome was decided: " + run.outcome());
      }
    }
    return closed;
  }

  /**
   * The outcome a person completing this task means, for the tasks that ask for one thing to be
   * done and go moot once the run is decided (the call tasks: {@code CALL_COMPLETED}; the detractor
   * outreach: {@code OUTREACH_DONE}; the save call: {@code SAVE_CALL_DONE}; a defined task ended by
   * exactly one outcome). Hand-overs, "reach out personally" and tasks whose work could be one of
   * several decisions mean none: the CSM records those on the run.
   */
  public Optional<String> workOutcome(long taskId) {
    return jdbc.sql(
            """
            select workflow_id, step, ends_on_outcomes, obsolete_when_decided from crm_tasks
            where id = :id
            """)
        .param("id", taskId)
        .query(
            (rs, i) -> {
              String playbook =
                  dev.retention.workflows.contract.PlaybookIds.playbookOf(
                          rs.getString("workflow_id"))
                      .orElse("");
              String step = rs.getString("step");
              Optional<TaskEndings.Ending> builtIn = TaskEndings.of(playbook, step);
              if (builtIn.isPresent()) {
                TaskEndings.Ending ending = builtIn.get();
                return ending.mootOnceDecided()
                        && !ending.doneBy().isEmpty()
                        && ending.doneBy().getFirst().byCsm()
                    ? Optional.of(
                        ending
                            .doneBy()
                            .getFirst()
                            .step()
                            .toUpperCase(java.util.Locale.ROOT)
                            .replace('-', '_'))
                    : Optional.<String>empty();
              }
              List<String> outcomes = strings(rs.getArray("ends_on_outcomes"));
              return Boolean.TRUE.equals(rs.getObject("obsolete_when_decided"))
                      && outcomes != null
                      && outcomes.size() == 1
                  ? Optional.of(outcomes.getFirst())
                  : Optional.<String>empty();
            })
        .optional()
        .flatMap(o -> o);
  }

  /** An open task of the run, with the ending its definition gave it (nulls: none). */
  private record OpenTask(
      String step, List<String> endsOnSteps, List<String> endsOnOutcomes, Boolean obsolete) {

    Optional<TaskEndings.Ending> ending(String playbook) {
      if (endsOnSteps == null && endsOnOutcomes == null && obsolete == null) {
        return Optional.empty();
      }
      List<TaskEndings.Trigger> doneBy =
          endsOnSteps == null
              ? List.of()
              : endsOnSteps.stream()
                  .map(s -> new TaskEndings.Trigger(s, false, s + " on the run"))
                  .toList();
      return Optional.of(
          new TaskEndings.Ending(
              playbook,
              step,
              doneBy,
              endsOnOutcomes == null ? java.util.Set.of() : java.util.Set.copyOf(endsOnOutcomes),
              Boolean.TRUE.equals(obsolete)));
    }
  }

  private static List<String> strings(java.sql.Array array) throws SQLException {
    return array == null ? null : List.of((String[]) array.getArray());
  }

  /** Who closes a task the run ended by itself. */
  static final String PLAYBOOK = "playbook";

  private int closeForRun(String runId, String step, String status, String by, String note) {
    return jdbc.sql(
            """
            update crm_tasks set status = :status, closed_at = :now, closed_by = :by,
              close_note = :note, snoozed_until = null
            where run_id = :run and step = :step and status = 'OPEN'
            """)
        .param("status", status)
        .param("now", Timestamp.from(clock.instant()))
        .param("by", by)
        .param("note", note)
        .param("run", runId)
        .param("step", step)
        .update();
  }

  /** The step a timeline entry's key names: {@code call-completed#7} is {@code call-completed}. */
  private static String stepOf(String entryKey) {
    int hash = entryKey.lastIndexOf('#');
    return hash < 0 ? entryKey : entryKey.substring(0, hash);
  }

  private static final String SELECT =
      """
      select t.id, t.customer_id, t.workflow_id, t.step, t.assignee, t.assignee_email, t.title,
        t.body, t.priority, t.due_at, t.status, t.snoozed_until, t.created_at, t.closed_at,
        t.closed_by, t.close_note,
        (t.status = 'OPEN' and t.snoozed_until is not null and t.snoozed_until > :now) as snoozed,
        (t.status = 'OPEN' and t.due_at < :now) as overdue
      from crm_tasks t""";

  private Task task(ResultSet rs, int row) throws SQLException {
    String status = rs.getString("status");
    State state =
        rs.getBoolean("snoozed")
            ? State.SNOOZED
            : switch (status) {
              case "DONE" -> State.DONE;
              case "OBSOLETE" -> State.OBSOLETE;
              default -> State.OPEN;
            };
    return new Task(
        rs.getLong("id"),
        rs.getString("customer_id"),
        rs.getString("workflow_id"),
        rs.getString("step"),
        rs.getString("assignee"),
        rs.getString("assignee_email"),
        rs.getString("title"),
        rs.getString("body"),
        rs.getString("priority"),
        rs.getTimestamp("due_at").toInstant(),
        rs.getBoolean("overdue"),
        state,
        instant(rs.getTimestamp("snoozed_until")),
        rs.getTimestamp("created_at").toInstant(),
        instant(rs.getTimestamp("closed_at")),
        rs.getString("closed_by"),
        rs.getString("close_note"));
  }

  private static Instant instant(Timestamp ts) {
    return ts == null ? null : ts.toInstant();
  }
}
