package dev.retention.workflows.ports;

/** The CRM's id of a task, and to whom it went. */
public record CrmTaskReceipt(long taskId, String assignedTo) {}
