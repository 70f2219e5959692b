package dev.retention.workflows.ports;

/**
 * Who a task (or alert) is for: the customer's CSM, the CSM's manager (escalations), or the
 * executive on duty ({@code retention.crm.executive-email}) for rejected save offers.
 */
public enum TaskAssignee {
  CSM,
  MANAGER,
  EXECUTIVE
}
