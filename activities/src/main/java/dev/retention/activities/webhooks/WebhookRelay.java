package dev.retention.activities.webhooks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Takes the run events the database captured (V36's triggers, in the transaction of the write that
 * made them) to the subscribers, at least once:
 *
 * <ol>
 *   <li>fan-out: each captured event becomes one delivery per enabled subscription that wants its
 *       type, with its payload and webhook-id fixed, and leaves the capture table;
 *   <li>SLA breaches: open run tasks past their due time are captured once each;
 *   <li>delivery: due deliveries are claimed ({@code for update skip locked}, so app instances
 *       share the work and never send one twice at a time) with a lease, sent signed with the
 *       subscription's secret, and marked DELIVERED, or retried after a doubling, capped backoff;
 *       after the last attempt they are FAILED, kept in the log and replayable.
 * </ol>
 *
 * A subscriber that is down or slow only delays its own deliveries: the playbooks never wait on it,
 * and the relay sends on a few threads of its own.
 */
@Component
public class WebhookRelay implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(WebhookRelay.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int BATCH = 100;

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final Clock clock;
  private final WebhookSettings settings;
  private final HttpClient http;
  // Made at each start and shut down at each stop: a context may be stopped and started again
  // (Spring's test contexts are paused while another runs), and a shut-down pool takes no work.
  private volatile ExecutorService senders =
      Executors.newFixedThreadPool(4, daemon("webhook-send"));
  private ScheduledExecutorService loop;

  public WebhookRelay(
      JdbcClient jdbc, TransactionTemplate tx, Clock clock, WebhookSettings settings) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.clock = clock;
    this.settings = settings;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** One pass: fan out, capture breached SLAs, deliver what is due. How many were attempted. */
  public int runOnce() {
    fanOut();
    slaBreaches();
    int attempted = deliverDue();
    forgetDelivered();
    return attempted;
  }

  private volatile Instant lastCleanup = Instant.EPOCH;

  /** Delivered deliveries older than {@code keep-delivered} leave the log, every ten minutes. */
  int forgetDelivered() {
    Instant now = clock.instant();
    if (now.isBefore(lastCleanup.plus(Duration.ofMinutes(10)))) {
      return 0;
    }
    lastCleanup = now;
    return jdbc.sql(
            "delete from webhook_deliveries where status = 'DELIVERED' and delivered_at < :cutoff")
        .param("cutoff", Timestamp.from(now.minus(settings.keepDelivered())))
        .update();
  }

  /** Turns captured events into deliveries; the events leave the capture table. */
  int fanOut() {
    Integer made =
        tx.execute(
            status -> {
              List<Captured> events =
                  jdbc.sql(
                          """
                          select id, event_key, type, occurred_at, data::text as data
                          from webhook_events order by id limit :batch for update skip locked
                          """)
                      .param("batch", BATCH)
                      .query(
                          (rs, i) ->
                              new Captured(
                                  rs.getLong("id"),
                                  rs.getString("event_key"),
                                  rs.getString("type"),
                                  rs.getTimestamp("occurred_at").toInstant(),
                                  rs.getString("data")))
                      .list();
              int deliveries = 0;
              for (Captured e : events) {
                deliveries +=
                    jdbc.sql(
                            """
                            insert into webhook_deliveries (subscription_id, event_key, message_id,
                              type, payload, next_attempt_at)
                            select s.id, :key, :message, :type, :payload, :now
                            from webhook_subscriptions s
                            where s.enabled and (s.event_types is null or :type = any (s.event_types))
                            on conflict (subscription_id, event_key) do nothing
                            """)
                        .param("key", e.key())
                        .param("message", StandardWebhooks.messageId(e.key()))
                        .param("type", e.type())
                        .param("payload", payload(e.type(), e.at(), e.data()))
                        .param("now", Timestamp.from(clock.instant()))
                        .update();
              }
              if (!events.isEmpty()) {
                jdbc.sql("delete from webhook_events where id = any (:ids)")
                    .param("ids", events.stream().map(Captured::id).toArray(Long[]::new))
                    .update();
              }
              return deliveries;
            });
    return made == null ? 0 : made;
  }

  private record Captured(long id, String key, String type, Instant at, String data) {}

  /** {@code {type, timestamp, data}}: the body every attempt of a delivery sends. */
  static String payload(String type, Instant at, String data) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type);
    body.put("timestamp", at.toString());
    body.put("data", JSON.readValue(data, Map.class));
    return JSON.writeValueAsString(body);
  }

  /**
   * Open run tasks past their due time, once each (not snoozed), captured as {@code
   * task.sla_breached} while a subscription wants them; tasks that were due before the oldest such
   * subscription existed are not announced.
   */
  int slaBreaches() {
    Integer captured =
        jdbc.sql(
                """
                with wanted as (
                  select min(created_at) as since from webhook_subscriptions
                  where enabled and (event_types is null
                    or 'task.sla_breached' = any (event_types))),
                breached as (
                  insert into webhook_sla_breaches (task_id)
                  select t.id from crm_tasks t, wanted w
                  where w.since is not null and t.status = 'OPEN' and t.run_id is not null
                    and t.due_at < :now and t.due_at >= w.since
                    and (t.snoozed_until is null or t.snoozed_until < :now)
                    and not exists (select 1 from webhook_sla_breaches b where b.task_id = t.id)
                  limit 500
                  on conflict do nothing
                  returning task_id)
                select count(*) from (
                select webhook_capture('task:' || t.id || ':task.sla_breached',
                  'task.sla_breached', t.due_at,
                  jsonb_build_object('workflowId', t.workflow_id, 'runId', t.run_id,
                    'playbook', (select playbook from playbook_runs r where r.run_id = t.run_id),
                    'customerId', t.customer_id, 'step', t.step, 'taskId', t.id,
                    'priority', t.priority, 'dueAt', t.due_at))
                from crm_tasks t join breached b on b.task_id = t.id) captured
                """)
            .param("now", Timestamp.from(clock.instant()))
            .query(Integer.class)
            .single();
    return captured == null ? 0 : captured;
  }

  private record Claimed(
      long id, String url, String secret, String messageId, String payload, int attempts) {}

  /** Claims the due deliveries and sends them; how many were attempted. */
  int deliverDue() {
    Instant now = clock.instant();
    // The lease: a claimed delivery is not due again until its attempt has had time to end, so
    // another instance leaves it alone; an instance that dies mid-attempt leaves it to the next.
    Instant lease = now.plus(settings.timeout().multipliedBy(3)).plusSeconds(30);
    List<Claimed> claimed =
        jdbc.sql(
                """
                with due as (
                  select d.id from webhook_deliveries d
                  join webhook_subscriptions s on s.id = d.subscription_id and s.enabled
                  where d.status = 'PENDING' and d.next_attempt_at <= :now
                  order by d.next_attempt_at, d.id limit :batch
                  for update of d skip locked)
                update webhook_deliveries d set attempts = d.attempts + 1,
                  next_attempt_at = :lease, last_attempt_at = :now
                from due, webhook_subscriptions s
                where d.id = due.id and s.id = d.subscription_id
                returning d.id, s.url, s.secret, d.message_id, d.payload, d.attempts
                """)
            .param("now", Timestamp.from(now))
            .param("lease", Timestamp.from(lease))
            .param("batch", BATCH)
            .query(
                (rs, i) ->
                    new Claimed(
                        rs.getLong("id"),
                        rs.getString("url"),
                        rs.getString("secret"),
                        rs.getString("message_id"),
                        rs.getString("payload"),
                        rs.getInt("attempts")))
            .list();
    List<Future<?>> sends = new ArrayList<>();
    for (Claimed c : claimed) {
      sends.add(senders.submit(() -> attempt(c)));
    }
    for (Future<?> send : sends) {
      try {
        send.get();
      } catch (ExecutionException e) {
        log.warn("a webhook attempt could not be recorded: {}", e.getCause().toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return claimed.size();
      }
    }
    return claimed.size();
  }

  private void attempt(Claimed c) {
    Answer answer = send(c.url(), c.secret(), c.messageId(), c.payload(), settings.timeout());
    Instant now = clock.instant();
    if (answer.ok()) {
      jdbc.sql(
              """
              update webhook_deliveries set status = 'DELIVERED', delivered_at = :now,
                last_status = :code, last_error = null
              where id = :id and status = 'PENDING'
              """)
          .param("now", Timestamp.from(now))
          .param("code", answer.status())
          .param("id", c.id())
          .update();
      return;
    }
    boolean last = c.attempts() >= settings.maxAttempts();
    jdbc.sql(
            """
            update webhook_deliveries set last_status = :code, last_error = :error,
              status = case when :last then 'FAILED' else status end,
              next_attempt_at = :next
            where id = :id and status = 'PENDING'
            """)
        .param("code", answer.status())
        .param("error", answer.error())
        .param("last", last)
        .param("next", Timestamp.from(now.plus(settings.backoff(c.attempts()))))
        .param("id", c.id())
        .update();
    if (last) {
      log.warn(
          "webhook delivery {} FAILED after {} attempts: {}; kept in the delivery log, replayable",
          c.id(),
          c.attempts(),
          answer.error());
    }
  }

  /** What a subscriber answered: its status (null when unreachable) and the failure, if any. */
  public record Answer(Integer status, String error) {
    public boolean ok() {
      return error == null;
    }
  }

  /** One signed POST; never throws. */
  public Answer send(
      String url, String secret, String messageId, String payload, Duration timeout) {
    String timestamp = String.valueOf(clock.instant().getEpochSecond());
    HttpRequest request;
    try {
      request =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .header("User-Agent", "retention-webhooks/1")
              .header(StandardWebhooks.ID, messageId)
              .header(StandardWebhooks.TIMESTAMP, timestamp)
              .header(
                  StandardWebhooks.SIGNATURE,
                  StandardWebhooks.signature(secret, messageId, timestamp, payload))
              .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8))
              .build();
    } catch (IllegalArgumentException e) {
      return new Answer(null, "the URL cannot be called: " + e.getMessage());
    }
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      int code = response.statusCode();
      return code / 100 == 2 ? new Answer(code, null) : new Answer(code, "answered " + code);
    } catch (IOException e) {
      return new Answer(null, "unreachable: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(null, "interrupted");
    }
  }

  private void pass() {
    try {
      runOnce();
    } catch (DataAccessException e) {
      // The database is down or restarting: the next pass tries again; nothing is lost.
      log.debug("webhook relay pass skipped: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("webhook relay pass failed: {}", e.toString());
    }
  }

  @Override
  public synchronized void start() {
    if (!settings.relayEnabled() || loop != null) {
      return;
    }
    if (senders.isShutdown()) {
      senders = Executors.newFixedThreadPool(4, daemon("webhook-send"));
    }
    loop = Executors.newSingleThreadScheduledExecutor(daemon("webhook-relay"));
    long every = settings.pollInterval().toMillis();
    var unused = loop.scheduleWithFixedDelay(this::pass, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (loop != null) {
      loop.shutdownNow();
      loop = null;
    }
    senders.shutdownNow();
  }

  @Override
  public synchronized boolean isRunning() {
    return loop != null;
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
