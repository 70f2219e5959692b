package dev.retention.activities.email.providers;

/**
 * The seam to an email provider (log, SendGrid, Resend). Returns the provider's message id, or
 * throws: {@link PermanentEmailFailure} when retrying cannot help, anything else to be retried.
 */
public interface EmailProvider {

  String name();

  String send(OutgoingEmail email);
}
