package dev.retention.workflows.ports;

import java.util.Map;

/** One message to the backend, keyed by run + step; {@code type} e.g. CANCELLATION_WITHDRAWN. */
public record BackendNotification(
    String workflowId, String step, String customerId, String type, Map<String, String> data) {}
