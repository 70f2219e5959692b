package dev.retention.workflows.ports;

/** Who a task is for: the customer's CSM, or the CSM's manager (escalations). */
public enum TaskAssignee {
  CSM,
  MANAGER
}
