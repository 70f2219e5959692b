package dev.retention.workflows.ports;

/** A note on the customer in the CRM, keyed by workflow id + step. */
public record CrmNote(
    String workflowId, String step, String customerId, String author, String body) {}
