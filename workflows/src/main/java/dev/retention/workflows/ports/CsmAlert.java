package dev.retention.workflows.ports;

import java.util.Map;

/**
 * An alert email to the customer's CSM (or the CSM's manager, or the executive on duty), rendered
 * from a per-step template. Alerts are never suppressed. One per run + step.
 */
public record CsmAlert(
    String workflowId,
    String step,
    String playbook,
    String template,
    String customerId,
    TaskAssignee recipient,
    Map<String, String> variables) {}
