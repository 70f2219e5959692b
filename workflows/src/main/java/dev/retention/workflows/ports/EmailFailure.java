package dev.retention.workflows.ports;

/** An email step whose last attempt failed, so its communications row is marked so. */
public record EmailFailure(String workflowId, String step, String reason) {}
