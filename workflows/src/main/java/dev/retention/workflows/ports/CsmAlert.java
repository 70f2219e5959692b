package dev.retention.workflows.ports;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * An alert email to the customer's CSM (or the CSM's manager, or the executive on duty), rendered
 * from a per-step template. Alerts are never suppressed. One per run + step. {@code
 * templateOverride}: the template's text when the run's definition version writes it (the alert
 * uses its English), else null and left out of the payload.
 */
public record CsmAlert(
    String workflowId,
    String step,
    String playbook,
    String template,
    String customerId,
    TaskAssignee recipient,
    Map<String, String> variables,
    @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, TemplateText> templateOverride) {

  /** An alert rendered from the template files. */
  public CsmAlert(
      String workflowId,
      String step,
      String playbook,
      String template,
      String customerId,
      TaskAssignee recipient,
      Map<String, String> variables) {
    this(workflowId, step, playbook, template, customerId, recipient, variables, null);
  }
}
