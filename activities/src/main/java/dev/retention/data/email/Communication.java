package dev.retention.data.email;

import java.time.Instant;

/**
 * An email as the API lists it. {@code status} is what our send did (SENT, FAILED,
 * SKIPPED_SUPPRESSED, PENDING); {@code deliveryStatus} is what the provider reported since
 * (DELIVERED, OPENED, CLICKED, BOUNCED, COMPLAINED, UNSUBSCRIBED), or null.
 */
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
    String detail,
    String deliveryStatus,
    Instant deliveryUpdatedAt) {}
