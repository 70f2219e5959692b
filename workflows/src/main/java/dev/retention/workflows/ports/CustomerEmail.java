package dev.retention.workflows.ports;

import java.util.Map;

/**
 * One playbook email to a customer. {@code template} names the per-step template (e.g. {@code
 * at-risk/day-1}); {@code variables} carries the step's own data, on top of the customer's and the
 * CSM's, which the activity looks up. One effect per run + step.
 */
public record CustomerEmail(
    String workflowId,
    String step,
    String playbook,
    String template,
    String customerId,
    Map<String, String> variables) {}
