package dev.retention.workflows.ports;

import java.time.Instant;

/** A task in the CRM, keyed by workflow id + step so a retry creates it once. */
public record CrmTask(
    String workflowId,
    String step,
    String customerId,
    TaskAssignee assignee,
    String title,
    String body,
    Instant dueAt,
    TaskPriority priority) {}
