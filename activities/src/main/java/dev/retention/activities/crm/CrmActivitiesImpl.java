package dev.retention.activities.crm;

import dev.retention.data.crm.CrmTasks;
import dev.retention.data.privacy.PersonalData;
import dev.retention.workflows.ports.CrmActivities;
import dev.retention.workflows.ports.CrmNote;
import dev.retention.workflows.ports.CrmTag;
import dev.retention.workflows.ports.CrmTask;
import dev.retention.workflows.ports.CrmTaskReceipt;
import dev.retention.workflows.ports.TaskAssignee;
import io.temporal.activity.Activity;
import io.temporal.spring.boot.ActivityImpl;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The built-in CRM in PostgreSQL. Every write is keyed by run + step, so retries are harmless; a
 * note or task of a run started before an erasure of the customer's personal data is written
 * {@value PersonalData#ERASED} (see {@link PersonalData}).
 */
@Component
@ActivityImpl(taskQueues = "${retention.task-queue}")
public class CrmActivitiesImpl implements CrmActivities {

  private final CrmTasks tasks;
  private final JdbcClient jdbc;

  public CrmActivitiesImpl(CrmTasks tasks, JdbcClient jdbc) {
    this.tasks = tasks;
    this.jdbc = jdbc;
  }

  @Override
  public CrmTaskReceipt createTask(CrmTask task) {
    long id = tasks.create(task, runId());
    return new CrmTaskReceipt(id, task.assignee() == TaskAssignee.MANAGER ? "manager" : "csm");
  }

  @Override
  public void addNote(CrmNote note) {
    jdbc.sql(
            """
            insert into crm_notes (customer_id, workflow_id, run_id, step, author, body)
            select c.id, :w, :r, :step, :author, case when %s then :erased else :body end
            from customers c where c.id = :c
            for key share
            on conflict (run_id, step) do nothing
            """
                .formatted(PersonalData.ERASED_FOR_RUN))
        .param("erased", PersonalData.ERASED)
        .param("c", note.customerId())
        .param("w", note.workflowId())
        .param("r", runId())
        .param("step", note.step())
        .param("author", note.author())
        .param("body", note.body())
        .update();
  }

  @Override
  public void addTag(CrmTag tag) {
    jdbc.sql(
            """
            insert into crm_tags (customer_id, tag, workflow_id) values (:c, :tag, :w)
            on conflict (customer_id, tag) do nothing
            """)
        .param("c", tag.customerId())
        .param("tag", tag.tag())
        .param("w", tag.workflowId())
        .update();
  }

  private static String runId() {
    return Activity.getExecutionContext().getInfo().getWorkflowRunId();
  }
}
