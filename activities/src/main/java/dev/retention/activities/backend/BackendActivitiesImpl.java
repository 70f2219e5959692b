package dev.retention.activities.backend;

import dev.retention.workflows.ports.BackendActivities;
import dev.retention.workflows.ports.BackendNotification;
import io.temporal.activity.Activity;
import io.temporal.spring.boot.ActivityImpl;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tells the backend what a playbook decided. Each notification is stored once per run + step (the
 * outbox the backend can read); when {@code retention.backend.webhook-url} is set it is also POSTed
 * there, and a failed delivery fails the activity so Temporal retries it.
 */
@Component
@ActivityImpl(taskQueues = "${retention.task-queue}")
public class BackendActivitiesImpl implements BackendActivities {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final JdbcClient jdbc;
  private final Clock clock;
  private final String webhookUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public BackendActivitiesImpl(
      JdbcClient jdbc, Clock clock, @Value("${retention.backend.webhook-url:}") String webhookUrl) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.webhookUrl = webhookUrl;
  }

  @Override
  public void notifyBackend(BackendNotification n) {
    String runId = Activity.getExecutionContext().getInfo().getRunId();
    Map<String, Object> body = new TreeMap<>();
    body.put("type", n.type());
    body.put("customerId", n.customerId());
    body.put("workflowId", n.workflowId());
    body.put("idempotencyKey", n.workflowId() + "/" + runId + "/" + n.step());
    body.put("data", n.data() == null ? Map.of() : n.data());
    String payload = JSON.writeValueAsString(body);
    jdbc.sql(
            """
            insert into backend_notifications (customer_id, workflow_id, run_id, step, type, payload, status)
            values (:c, :w, :r, :step, :type, :payload, :status)
            on conflict (run_id, step) do nothing
            """)
        .param("c", n.customerId())
        .param("w", n.workflowId())
        .param("r", runId)
        .param("step", n.step())
        .param("type", n.type())
        .param("payload", payload)
        .param("status", webhookUrl.isBlank() ? "RECORDED" : "PENDING")
        .update();
    if (webhookUrl.isBlank()) {
      return;
    }
    deliver(payload);
    jdbc.sql(
            """
            update backend_notifications set status = 'DELIVERED', delivered_at = :at
            where run_id = :r and step = :step
            """)
        .param("at", Timestamp.from(clock.instant()))
        .param("r", runId)
        .param("step", n.step())
        .update();
  }

  private void deliver(String payload) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(webhookUrl))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(payload))
            .build();
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException(
            "the backend webhook answered " + response.statusCode() + "; will retry");
      }
    } catch (IOException e) {
      throw new IllegalStateException("the backend webhook is unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
