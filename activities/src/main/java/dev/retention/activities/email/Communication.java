package dev.retention.activities.email;

import java.time.Instant;

/** An email as the API lists it. */
public record Communication(
    String workflowId,
    String step,
    String template,
    String subject,
    String to,
    String status,
    Instant sentAt,
    String providerMessageId,
    String provider,
    String detail) {}
