package dev.retention.workflows.ports;

/** The result of an email step: sent (with the provider's message id) or skipped, and why. */
public record EmailReceipt(EmailStatus status, String subject, String providerMessageId) {}
