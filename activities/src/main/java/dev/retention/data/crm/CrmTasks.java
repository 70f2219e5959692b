package dev.retention.data.crm;

import dev.retention.data.privacy.PersonalData;
import dev.retention.workflows.ports.CrmTask;
import dev.retention.workflows.ports.FailureType;
import dev.retention.workflows.ports.TaskAssignee;
import dev.retention.workflows.ports.TaskPriority;
import io.temporal.failure.ApplicationFailure;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Tasks in the built-in CRM, for the customer's CSM or the CSM's manager. */
@Repository
public class CrmTasks {

  /** A task as the API lists it. */
  public record TaskRow(
      long id,
      String workflowId,
      String step,
      String assignee,
      String assigneeEmail,
      String title,
      String priority,
      Instant dueAt,
      String status,
      Instant createdAt,
      @com.fasterxml.jackson.annotation.JsonInclude(
              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
          Instant closedAt,
      @com.fasterxml.jackson.annotation.JsonInclude(
              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
          String closedBy,
      @com.fasterxml.jackson.annotation.JsonInclude(
              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
          String closeNote) {}

  static final String DEFAULT_EXECUTIVE = "executive@example.com";

  private final JdbcClient jdbc;
  private final String executiveEmail;
  private final List<NewTaskListener> listeners;

  public CrmTasks(JdbcClient jdbc) {
    this(jdbc, DEFAULT_EXECUTIVE);
  }

  public CrmTasks(JdbcClient jdbc, String executiveEmail) {
    this(jdbc, executiveEmail, List.of());
  }

  @Autowired
  public CrmTasks(
      JdbcClient jdbc,
      @Value("${retention.crm.executive-email:" + DEFAULT_EXECUTIVE + "}") String executiveEmail,
      ObjectProvider<NewTaskListener> listeners) {
    this(jdbc, executiveEmail, listeners.orderedStream().toList());
  }

  public CrmTasks(JdbcClient jdbc, String executiveEmail, List<NewTaskListener> listeners) {
    this.jdbc = jdbc;
    this.executiveEmail = executiveEmail;
    this.listeners = List.copyOf(listeners);
  }

  /**
   * Creates the task of a run's step once; a retry returns the same task id. The {@link
   * NewTaskListener}s hear of a new task in the same transaction.
   */
  @Transactional
  public long create(CrmTask task, String runId) {
    String assigneeEmail = assigneeEmail(task.customerId(), task.assignee());
    List<Long> created =
        jdbc.sql(
                """
                insert into crm_tasks (customer_id, workflow_id, run_id, step, assignee, assignee_email,
                  title, body, priority, due_at, ends_on_steps, ends_on_outcomes,
                  obsolete_when_decided)
                select c.id, :w, :r, :step, :assignee, :email,
                  case when %1$s then :erased else :title end,
                  case when %1$s then :erased else :body end, :priority, :due,
                  cast(:endsOnSteps as text[]), cast(:endsOnOutcomes as text[]), :obsolete
                from customers c where c.id = :c
                for key share
                on conflict (run_id, step) do nothing returning id
                """
                    .formatted(PersonalData.ERASED_FOR_RUN))
            .param("erased", PersonalData.ERASED)
            .param("c", task.customerId())
            .param("w", task.workflowId())
            .param("r", runId)
            .param("step", task.step())
            .param("assignee", task.assignee().name())
            .param("email", assigneeEmail)
            .param("title", task.title())
            .param("body", task.body())
            .param("priority", task.priority().name())
            .param("due", Timestamp.from(task.dueAt()))
            .param(
                "endsOnSteps",
                task.endsOn() == null ? null : task.endsOn().steps().toArray(String[]::new))
            .param(
                "endsOnOutcomes",
                task.endsOn() == null ? null : task.endsOn().outcomes().toArray(String[]::new))
            .param("obsolete", task.endsOn() == null ? null : task.endsOn().moot())
            .query(Long.class)
            .list();
    if (!created.isEmpty()) {
      listeners.forEach(l -> l.created(created.getFirst()));
      return created.getFirst();
    }
    return jdbc.sql("select id from crm_tasks where run_id = :r and step = :step")
        .param("r", runId)
        .param("step", task.step())
        .query(Long.class)
        .single();
  }

  /** An alert task for the CSM that belongs to no run (e.g. a sharp health drop). */
  @Transactional
  public long alertCsm(String customerId, String title, String body, Instant dueAt) {
    long id =
        jdbc.sql(
                """
            insert into crm_tasks (customer_id, assignee, assignee_email, title, body, priority, due_at)
            values (:c, 'CSM', :email, :title, :body, :priority, :due) returning id
            """)
            .param("c", customerId)
            .param("email", assigneeEmail(customerId, TaskAssignee.CSM))
            .param("title", title)
            .param("body", body)
            .param("priority", TaskPriority.HIGH.name())
            .param("due", Timestamp.from(dueAt))
            .query(Long.class)
            .single();
    listeners.forEach(l -> l.created(id));
    return id;
  }

  public String assigneeEmail(String customerId, TaskAssignee assignee) {
    String column = assignee == TaskAssignee.MANAGER ? "s.manager_email" : "s.email";
    if (assignee == TaskAssignee.EXECUTIVE) {
      // Still checks that the customer exists.
      assigneeEmail(customerId, TaskAssignee.CSM);
      return executiveEmail;
    }
    return jdbc.sql(
            "select " + column + " from customers c join csms s on s.id = c.csm_id where c.id = :c")
        .param("c", customerId)
        .query(String.class)
        .optional()
        .orElseThrow(
            () ->
                ApplicationFailure.newNonRetryableFailure(
                    "unknown customer " + customerId, FailureType.UNKNOWN_CUSTOMER.name()));
  }

  public List<TaskRow> forCustomer(String customerId) {
    return jdbc.sql(
            """
            select id, workflow_id, step, assignee, assignee_email, title, priority, due_at, status,
              created_at, closed_at, closed_by, close_note
            from crm_tasks where customer_id = :c order by created_at desc, id desc
            """)
        .param("c", customerId)
        .query(
            (rs, i) ->
                new TaskRow(
                    rs.getLong("id"),
                    rs.getString("workflow_id"),
                    rs.getString("step"),
                    rs.getString("assignee"),
                    rs.getString("assignee_email"),
                    rs.getString("title"),
                    rs.getString("priority"),
                    rs.getTimestamp("due_at").toInstant(),
                    rs.getString("status"),
                    rs.getTimestamp("created_at").toInstant(),
                    rs.getTimestamp("closed_at") == null
                        ? null
                        : rs.getTimestamp("closed_at").toInstant(),
                    rs.getString("closed_by"),
                    rs.getString("close_note")))
        .list();
  }
}
