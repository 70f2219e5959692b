package dev.retention.activities.email;

/**
 * An email ready for a provider. {@code idempotencyKey} identifies the run's step; providers that
 * accept a key get it, so a retry after a crash cannot send twice where they honour it.
 */
public record OutgoingEmail(
    String idempotencyKey,
    String fromName,
    String fromAddress,
    String replyTo,
    String toName,
    String toAddress,
    String subject,
    String text) {}
