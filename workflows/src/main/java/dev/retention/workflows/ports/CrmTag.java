package dev.retention.workflows.ports;

/** A tag on the customer in the CRM (e.g. {@code churning}). Tagging twice is harmless. */
public record CrmTag(String workflowId, String customerId, String tag) {}
