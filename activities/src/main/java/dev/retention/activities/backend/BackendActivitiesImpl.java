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
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tells the backend what a playbook decided. Each notification is stored once per run + step (the
 * outbox the backend can read); when {@code retention.backend.webhook-url} is set it is also POSTed
 * there, signed the Standard Webhooks way: {@code webhook-id} (the same on every retry), {@code
 * webhook-timestamp} (Unix seconds of this attempt) and {@code webhook-signature: v1,<base64
 * HMAC-SHA256 of "id.timestamp.body">}, keyed with the {@code whsec_…} secret of {@code
 * retention.backend.webhook-secret}.
 *
 * <p>A failed delivery fails the attempt so Temporal retries it, at most {@code
 * retention.backend.webhook-max-attempts} times (counted in the outbox row, whichever retry policy
 * the caller set): after the last one the row is marked FAILED with the backend's last answer and
 * the run goes on. Nothing is dropped silently: the outbox keeps the payload, the attempts and the
 * error.
 */
@Component
@ActivityImpl(taskQueues = "${retention.task-queue}")
public class BackendActivitiesImpl implements BackendActivities {

  private static final Logger log = LoggerFactory.getLogger(BackendActivitiesImpl.class);

  private static final JsonMapper JSON = JsonMapper.builder().build();

  static final String ID = "webhook-id";
  static final String TIMESTAMP = "webhook-timestamp";
  static final String SIGNATURE = "webhook-signature";

  private final JdbcClient jdbc;
  private final Clock clock;
  private final String webhookUrl;
  private final SecretKeySpec key;
  private final int maxAttempts;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Autowired
  public BackendActivitiesImpl(
      JdbcClient jdbc,
      Clock clock,
      @Value("${retention.backend.webhook-url:}") String webhookUrl,
      @Value("${retention.backend.webhook-secret:}") String webhookSecret,
      @Value("${retention.backend.webhook-max-attempts:10}") int maxAttempts) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.webhookUrl = webhookUrl == null ? "" : webhookUrl.trim();
    this.maxAttempts = Math.max(1, maxAttempts);
    if (this.webhookUrl.isEmpty()) {
      this.key = null;
    } else if (webhookSecret == null || webhookSecret.isBlank()) {
      throw new IllegalStateException(
          "retention.backend.webhook-url is set but retention.backend.webhook-secret (env"
              + " RETENTION_BACKEND_WEBHOOK_SECRET) is not: the backend webhook is signed with it;"
              + " use whsec_ followed by base64 of at least 24 random bytes, e.g. whsec_$(openssl"
              + " rand -base64 32)");
    } else {
      this.key = secret(webhookSecret.trim());
    }
  }

  @Override
  public void notifyBackend(BackendNotification n) {
    String runId = Activity.getExecutionContext().getInfo().getWorkflowRunId();
    String idempotencyKey = n.workflowId() + "/" + runId + "/" + n.step();
    store(n, runId, idempotencyKey);
    if (webhookUrl.isEmpty()) {
      return;
    }
    Outbox row = nextAttempt(runId, n.step());
    if (row == null) {
      return; // delivered, or given up on, by an earlier attempt
    }
    String failure = deliver(webhookId(idempotencyKey), row.payload());
    if (failure == null) {
      delivered(runId, n.step());
      return;
    }
    boolean last = row.attempts() >= maxAttempts;
    failed(runId, n.step(), failure, last);
    if (last) {
      log.warn(
          "backend webhook for {} step {} given up after {} attempts: {}; the notification stays"
              + " in the outbox as FAILED",
          n.workflowId(),
          n.step(),
          row.attempts(),
          failure);
      return;
    }
    throw new IllegalStateException(
        failure + " (attempt " + row.attempts() + " of " + maxAttempts + "); will retry");
  }

  /** The notification in the outbox, once per run and step. */
  private void store(BackendNotification n, String runId, String idempotencyKey) {
    Map<String, Object> body = new TreeMap<>();
    body.put("type", n.type());
    body.put("customerId", n.customerId());
    body.put("workflowId", n.workflowId());
    body.put("idempotencyKey", idempotencyKey);
    body.put("data", n.data() == null ? Map.of() : n.data());
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
        .param("payload", JSON.writeValueAsString(body))
        .param("status", webhookUrl.isEmpty() ? "RECORDED" : "PENDING")
        .update();
  }

  /**
   * The stored payload, byte for byte, on every attempt (the signature and the backend's
   * de-duplication see the same message), with the attempt counted; null when no longer pending.
   */
  private Outbox nextAttempt(String runId, String step) {
    return jdbc.sql(
            """
            update backend_notifications set attempts = attempts + 1
            where run_id = :r and step = :step and status = 'PENDING'
            returning payload, attempts
            """)
        .param("r", runId)
        .param("step", step)
        .query((rs, i) -> new Outbox(rs.getString("payload"), rs.getInt("attempts")))
        .optional()
        .orElse(null);
  }

  private void delivered(String runId, String step) {
    jdbc.sql(
            """
            update backend_notifications set status = 'DELIVERED', delivered_at = :at,
              last_error = null
            where run_id = :r and step = :step
            """)
        .param("at", Timestamp.from(clock.instant()))
        .param("r", runId)
        .param("step", step)
        .update();
  }

  private void failed(String runId, String step, String failure, boolean last) {
    jdbc.sql(
            """
            update backend_notifications set last_error = :error,
              status = case when :last then 'FAILED' else status end
            where run_id = :r and step = :step
            """)
        .param("error", failure)
        .param("last", last)
        .param("r", runId)
        .param("step", step)
        .update();
  }

  private record Outbox(String payload, int attempts) {}

  /** Null when the backend took it (2xx), else what went wrong. */
  private String deliver(String id, String payload) {
    String timestamp = String.valueOf(clock.instant().getEpochSecond());
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(webhookUrl))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header(ID, id)
            .header(TIMESTAMP, timestamp)
            .header(SIGNATURE, "v1," + sign(id + "." + timestamp + "." + payload))
            .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8))
            .build();
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      return response.statusCode() / 100 == 2
          ? null
          : "the backend webhook answered " + response.statusCode();
    } catch (IOException e) {
      return "the backend webhook is unreachable: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while calling the backend webhook";
    }
  }

  /** Stable per run + step, so the backend recognises a retry: {@code msg_} and a name UUID. */
  static String webhookId(String idempotencyKey) {
    return "msg_"
        + UUID.nameUUIDFromBytes(idempotencyKey.getBytes(StandardCharsets.UTF_8))
            .toString()
            .replace("-", "");
  }

  private String sign(String content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return Base64.getEncoder()
          .encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  /** The Standard Webhooks secret form, {@code whsec_<base64>}; the prefix may be left out. */
  private static SecretKeySpec secret(String secret) {
    String base64 = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "retention.backend.webhook-secret must be whsec_ followed by base64", e);
    }
    if (bytes.length < 16) {
      throw new IllegalStateException(
          "retention.backend.webhook-secret is too short: use at least 24 random bytes");
    }
    return new SecretKeySpec(bytes, "HmacSHA256");
  }
}
