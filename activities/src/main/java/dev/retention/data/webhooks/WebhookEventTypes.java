package dev.retention.data.webhooks;

import java.util.List;

/**
 * The event types a subscription may ask for (docs/connectors/webhooks.md says when each is sent).
 * {@code ping} is only sent by the connection test, to every enabled subscription.
 */
public final class WebhookEventTypes {

  public static final String PING = "ping";

  /** In the order a run makes them. */
  public static final List<String> ALL =
      List.of(
          "run.started",
          "run.step_completed",
          "email.sent",
          "email.failed",
          "task.created",
          "task.completed",
          "task.sla_breached",
          "run.outcome_recorded",
          "run.closed",
          "cancellation.withdrawn",
          "backend.notified");

  private WebhookEventTypes() {}
}
