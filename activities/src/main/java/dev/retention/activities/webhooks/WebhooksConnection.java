package dev.retention.activities.webhooks;

import dev.retention.data.connections.Connection;
import dev.retention.data.connections.ConnectionStatus;
import dev.retention.data.webhooks.WebhookEventTypes;
import dev.retention.data.webhooks.WebhookSubscriptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The webhook subscribers as one connection: how many, the last delivery, the failing deliveries
 * and the last error; its test sends a signed {@code ping} to each enabled subscriber (not logged
 * as a delivery). Not configured when there is no subscription and no backend webhook URL.
 */
@Component
public class WebhooksConnection implements Connection {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final WebhookSubscriptions subscriptions;
  private final WebhookRelay relay;
  private final Clock clock;
  private final boolean backendWebhook;
  private final AtomicReference<ConnectionStatus> lastTest = new AtomicReference<>();

  public WebhooksConnection(
      WebhookSubscriptions subscriptions,
      WebhookRelay relay,
      Clock clock,
      @Value("${retention.backend.webhook-url:}") String backendUrl) {
    this.subscriptions = subscriptions;
    this.relay = relay;
    this.clock = clock;
    this.backendWebhook = backendUrl != null && !backendUrl.isBlank();
  }

  @Override
  public String id() {
    return "webhooks";
  }

  @Override
  public String name() {
    return "Webhooks";
  }

  @Override
  public ConnectionStatus status() {
    WebhookSubscriptions.Figures f;
    try {
      f = subscriptions.figures();
    } catch (DataAccessException e) {
      return new ConnectionStatus(
          ConnectionStatus.State.DOWN, null, "the database cannot be read", clock.instant(), null);
    }
    if (f.subscriptions() == 0 && !backendWebhook) {
      return ConnectionStatus.notConfigured("no subscription and no backend webhook URL");
    }
    String detail =
        f.enabled()
            + " of "
            + f.subscriptions()
            + " subscriptions enabled"
            + (backendWebhook ? "; the backend webhook is on" : "")
            + (f.failing() > 0 ? "; " + f.failing() + " deliveries failing" : "");
    ConnectionStatus tested = lastTest.get();
    if (f.failing() == 0 && tested != null && tested.lastError() != null) {
      // No delivery fails, but the last test's ping did: say so until a test passes.
      return new ConnectionStatus(
          ConnectionStatus.State.DEGRADED,
          f.lastDelivered(),
          tested.lastError(),
          tested.lastErrorAt(),
          detail);
    }
    ConnectionStatus.State state =
        f.failing() > 0 ? ConnectionStatus.State.DEGRADED : ConnectionStatus.State.OK;
    return new ConnectionStatus(
        state,
        f.lastDelivered(),
        f.failing() > 0 ? f.lastError() : null,
        f.failing() > 0 ? f.lastErrorAt() : null,
        detail);
  }

  @Override
  public ConnectionStatus test() {
    List<WebhookSubscriptions.Subscription> enabled;
    try {
      enabled = subscriptions.list().stream().filter(s -> s.enabled()).toList();
    } catch (DataAccessException e) {
      return new ConnectionStatus(
          ConnectionStatus.State.DOWN, null, "the database cannot be read", clock.instant(), null);
    }
    if (enabled.isEmpty()) {
      ConnectionStatus status = status();
      return status.state() == ConnectionStatus.State.NOT_CONFIGURED
          ? status
          : new ConnectionStatus(
              status.state(),
              status.lastSync(),
              status.lastError(),
              status.lastErrorAt(),
              "no enabled subscription to ping");
    }
    Instant now = clock.instant();
    List<String> failures = new ArrayList<>();
    for (WebhookSubscriptions.Subscription s : enabled) {
      WebhookRelay.Answer answer = ping(s, now);
      if (!answer.ok()) {
        failures.add(s.id() + " " + answer.error());
      }
    }
    ConnectionStatus result =
        failures.isEmpty()
            ? new ConnectionStatus(
                ConnectionStatus.State.OK,
                now,
                null,
                null,
                "ping answered by " + enabled.size() + " of " + enabled.size() + " subscribers")
            : new ConnectionStatus(
                failures.size() == enabled.size()
                    ? ConnectionStatus.State.DOWN
                    : ConnectionStatus.State.DEGRADED,
                null,
                "ping failed: " + String.join("; ", failures),
                now,
                "ping answered by "
                    + (enabled.size() - failures.size())
                    + " of "
                    + enabled.size()
                    + " subscribers");
    lastTest.set(result);
    return result;
  }

  private WebhookRelay.Answer ping(WebhookSubscriptions.Subscription s, Instant now) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("subscriptionId", s.id());
    String payload =
        JSON.writeValueAsString(
            Map.of("type", WebhookEventTypes.PING, "timestamp", now.toString(), "data", data));
    return relay.send(
        s.url(),
        subscriptions.secret(s.id()).orElse(""),
        StandardWebhooks.messageId("ping:" + s.id() + ":" + now.toEpochMilli()),
        payload,
        Duration.ofSeconds(10));
  }
}
