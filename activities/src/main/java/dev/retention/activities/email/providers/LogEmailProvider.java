package dev.retention.activities.email.providers;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: delivers nothing, logs that a message was accepted (without addresses or
 * content), and leaves the full message in the communications table for anyone to read.
 */
public class LogEmailProvider implements EmailProvider {

  private static final Logger log = LoggerFactory.getLogger(LogEmailProvider.class);

  @Override
  public String name() {
    return "log";
  }

  @Override
  public String send(OutgoingEmail email) {
    EmailHeaders.check(email);
    // Derived from the key: a retried send yields the same message id, as a provider would.
    String id =
        "log-" + UUID.nameUUIDFromBytes(email.idempotencyKey().getBytes(StandardCharsets.UTF_8));
    log.info("email {} accepted by the log provider as {}", email.idempotencyKey(), id);
    return id;
  }
}
