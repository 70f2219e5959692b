package dev.retention.workflows.ports;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * One playbook email to a customer. {@code template} names the per-step template (e.g. {@code
 * at-risk/day-1}); {@code variables} carries the step's own data, on top of the customer's and the
 * CSM's, which the activity looks up. {@code templateOverride}, when the run's definition version
 * writes this template itself, holds its text per locale (the activity picks the customer's); null
 * otherwise, and then left out of the payload, so runs without one send what they always sent. One
 * effect per run + step.
 */
public record CustomerEmail(
    String workflowId,
    String step,
    String playbook,
    String template,
    String customerId,
    Map<String, String> variables,
    @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, TemplateText> templateOverride) {

  /** An email rendered from the template files. */
  public CustomerEmail(
      String workflowId,
      String step,
      String playbook,
      String template,
      String customerId,
      Map<String, String> variables) {
    this(workflowId, step, playbook, template, customerId, variables, null);
  }
}
