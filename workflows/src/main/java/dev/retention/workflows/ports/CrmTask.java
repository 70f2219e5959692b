package dev.retention.workflows.ports;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A task in the CRM, keyed by workflow id + step so a retry creates it once; {@code endsOn}, for a
 * task of a playbook defined by a team, what ends it (null: the built-in table, or a person).
 */
public record CrmTask(
    String workflowId,
    String step,
    String customerId,
    TaskAssignee assignee,
    String title,
    String body,
    Instant dueAt,
    TaskPriority priority,
    @JsonInclude(JsonInclude.Include.NON_NULL) TaskEnding endsOn) {

  public CrmTask(
      String workflowId,
      String step,
      String customerId,
      TaskAssignee assignee,
      String title,
      String body,
      Instant dueAt,
      TaskPriority priority) {
    this(workflowId, step, customerId, assignee, title, body, dueAt, priority, null);
  }
}
