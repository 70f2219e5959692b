package dev.retention.activities.connectors.slack;

import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Drains the Slack outbox in the background: each message goes as a direct message to the Slack
 * user with the recipient's address ({@code users.lookupByEmail}), in that user's language, or to
 * {@code retention.slack.channel} when Slack knows no one by that address (or {@code dm} is off). A
 * 429 pauses every send for its Retry-After (the attempt is not counted); an outage or a bad token
 * is retried with doubling backoff; after {@code max-attempts}, or at once when Slack refuses the
 * message itself, the row is {@code FAILED} with the last error, which the connection's status
 * shows. Nothing of this runs in a playbook's activities, so Slack never holds one up. Logs carry
 * row ids and Slack's error codes, never an address or a name.
 */
public class SlackSender implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(SlackSender.class);

  static final int BATCH = 20;

  /** How long a claimed row stays hidden from other senders while this one sends it. */
  static final Duration LEASE = Duration.ofMinutes(2);

  /** An overdue task is news for this long after its due time. */
  static final Duration OVERDUE_WINDOW = Duration.ofDays(1);

  static final Duration OVERDUE_SWEEP = Duration.ofMinutes(1);

  /** How long an address's Slack user (or its absence) is remembered. */
  static final Duration DIRECTORY_TTL = Duration.ofMinutes(10);

  private final SlackSettings settings;
  private final SlackClient slack;
  private final SlackOutbox outbox;
  private final JdbcClient jdbc;
  private final Clock clock;
  private final String publicBaseUrl;
  private final Map<String, Known> directory = new ConcurrentHashMap<>();

  private volatile Instant pausedUntil = Instant.MIN;
  private volatile Instant nextOverdueSweep = Instant.MIN;
  private ScheduledExecutorService executor;

  /** An address's Slack user (null: none) as of {@code at}. */
  private record Known(SlackClient.SlackUser user, Instant at) {}

  public SlackSender(
      SlackSettings settings,
      SlackClient slack,
      SlackOutbox outbox,
      JdbcClient jdbc,
      Clock clock,
      String publicBaseUrl) {
    this.settings = settings;
    this.slack = slack;
    this.outbox = outbox;
    this.jdbc = jdbc;
    this.clock = clock;
    this.publicBaseUrl = publicBaseUrl;
  }

  /**
   * One pass: the overdue sweep when due, then the messages due now. Returns how many were sent.
   */
  public int drainOnce() {
    Instant now = clock.instant();
    if (!now.isBefore(nextOverdueSweep)) {
      nextOverdueSweep = now.plus(OVERDUE_SWEEP);
      outbox.addOverdue(now, OVERDUE_WINDOW);
    }
    if (now.isBefore(pausedUntil)) {
      return 0;
    }
    List<SlackOutbox.Row> rows = outbox.claim(now, BATCH, LEASE);
    int sent = 0;
    for (int i = 0; i < rows.size(); i++) {
      SlackOutbox.Row row = rows.get(i);
      try {
        send(row);
        sent++;
      } catch (SlackFailure e) {
        if (e.kind() == SlackFailure.Kind.RATE_LIMITED) {
          Instant until = clock.instant().plus(e.retryAfter());
          pausedUntil = until;
          // This row and the rest of the batch wait for Slack's Retry-After, uncounted.
          for (SlackOutbox.Row waiting : rows.subList(i, rows.size())) {
            outbox.retryAt(waiting.id(), until, e.getMessage(), false, clock.instant());
          }
          log.info("slack: rate limited, pausing for {}s", e.retryAfter().toSeconds());
          return sent;
        }
        failedAttempt(row, e);
      } catch (RuntimeException e) {
        failedAttempt(
            row,
            new SlackFailure(
                SlackFailure.Kind.DOWN,
                "unexpected error (" + e.getClass().getSimpleName() + ")",
                null));
      }
    }
    return sent;
  }

  private void failedAttempt(SlackOutbox.Row row, SlackFailure e) {
    Instant now = clock.instant();
    if (e.kind() == SlackFailure.Kind.REJECTED || row.attempts() >= settings.maxAttempts()) {
      outbox.failed(row.id(), e.getMessage(), now);
      log.warn(
          "slack: message {} failed for good after {} attempt(s): {}",
          row.id(),
          row.attempts(),
          e.getMessage());
      return;
    }
    outbox.retryAt(row.id(), now.plus(backoff(row.attempts())), e.getMessage(), true, now);
    log.info(
        "slack: message {} attempt {} failed, retrying: {}",
        row.id(),
        row.attempts(),
        e.getMessage());
  }

  /** The first backoff after attempt 1, doubled for each further attempt, at most max-backoff. */
  Duration backoff(int attempts) {
    Duration wait = settings.backoff().multipliedBy(1L << Math.min(20, Math.max(0, attempts - 1)));
    return wait.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait;
  }

  private void send(SlackOutbox.Row row) throws SlackFailure {
    Optional<SlackMessages.Facts> facts = facts(row);
    if (facts.isEmpty()) {
      outbox.failed(row.id(), "its task or alert is gone (erased or deleted)", clock.instant());
      return;
    }
    String channel;
    String language;
    boolean direct;
    Optional<SlackClient.SlackUser> user =
        settings.dm() ? user(row.recipientEmail()) : Optional.empty();
    if (user.isPresent()) {
      channel = user.get().id();
      language =
          Optional.ofNullable(SlackClient.language(user.get().locale()))
              .orElse(settings.language());
      direct = true;
    } else if (settings.channel() != null) {
      channel = settings.channel();
      language = settings.language();
      direct = false;
    } else {
      throw new SlackFailure(
          SlackFailure.Kind.REJECTED,
          "users.lookupByEmail: users_not_found, and no retention.slack.channel to post to instead",
          null);
    }
    SlackMessages.Facts about = facts.get();
    if (direct) {
      about =
          new SlackMessages.Facts(
              about.kind(),
              about.taskId(),
              about.title(),
              about.priority(),
              about.dueAt(),
              about.open(),
              about.customerId(),
              about.customerName(),
              about.workflowId(),
              null);
    }
    SlackMessages.Message message =
        SlackMessages.compose(about, language, publicBaseUrl, settings.buttons());
    ChatPostMessageResponse posted = slack.post(channel, message.text(), message.blocks());
    outbox.sent(
        row.id(),
        posted.getChannel() == null ? channel : posted.getChannel(),
        posted.getTs(),
        clock.instant());
  }

  /** The Slack user with this address, remembered for a while (their absence too). */
  private Optional<SlackClient.SlackUser> user(String email) throws SlackFailure {
    String key = email.toLowerCase(java.util.Locale.ROOT);
    Known known = directory.get(key);
    Instant now = clock.instant();
    if (known != null && known.at().plus(DIRECTORY_TTL).isAfter(now)) {
      return Optional.ofNullable(known.user());
    }
    Optional<SlackClient.SlackUser> found = slack.lookupByEmail(email);
    if (found.isPresent() && found.get().locale() == null) {
      // users.lookupByEmail leaves the locale out; users.info gives it.
      found =
          Optional.of(
              new SlackClient.SlackUser(
                  found.get().id(),
                  slack.userInfo(found.get().id()).map(SlackClient.SlackUser::locale).orElse(null),
                  email));
    }
    directory.put(key, new Known(found.orElse(null), now));
    return found;
  }

  /** What the message says, read now from the task or the alert's email row. */
  private Optional<SlackMessages.Facts> facts(SlackOutbox.Row row) {
    String forWhom =
        jdbc.sql(
                """
                select coalesce(
                  (select name from people where lower(email) = lower(:e) limit 1),
                  (select name from csms where lower(email) = lower(:e) limit 1))
                """)
            .param("e", row.recipientEmail())
            .query(String.class)
            .optional()
            .orElse(null);
    if (row.taskId() != null) {
      return jdbc.sql(
              """
              select t.title, t.priority, t.due_at, t.status, t.workflow_id, t.customer_id,
                c.name as customer_name
              from crm_tasks t left join customers c on c.id = t.customer_id
              where t.id = :id
              """)
          .param("id", row.taskId())
          .query(
              (rs, i) ->
                  new SlackMessages.Facts(
                      row.kind(),
                      row.taskId(),
                      rs.getString("title"),
                      rs.getString("priority"),
                      instant(rs.getTimestamp("due_at")),
                      "OPEN".equals(rs.getString("status")),
                      rs.getString("customer_id"),
                      rs.getString("customer_name"),
                      rs.getString("workflow_id"),
                      forWhom))
          .optional();
    }
    return jdbc.sql(
            """
            select m.subject, c.name as customer_name
            from communications m left join customers c on c.id = m.customer_id
            where m.run_id = :run and m.step = :step
            """)
        .param("run", row.runId())
        .param("step", row.step())
        .query(
            (rs, i) ->
                new SlackMessages.Facts(
                    row.kind(),
                    null,
                    rs.getString("subject"),
                    null,
                    null,
                    false,
                    row.customerId(),
                    rs.getString("customer_name"),
                    row.workflowId(),
                    forWhom))
        .optional();
  }

  private static Instant instant(Timestamp ts) {
    return ts == null ? null : ts.toInstant();
  }

  // ---------------------------------------------------------------------------------------------
  // The background loop
  // ---------------------------------------------------------------------------------------------

  @Override
  public synchronized void start() {
    if (executor != null) {
      return;
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "slack-sender");
              thread.setDaemon(true);
              return thread;
            });
    long every = settings.pollInterval().toMillis();
    // drainQuietly catches what a pass throws, so the returned future never holds a failure.
    var unused =
        executor.scheduleWithFixedDelay(this::drainQuietly, every, every, TimeUnit.MILLISECONDS);
  }

  private void drainQuietly() {
    try {
      while (drainOnce() == BATCH) {
        // A full batch: more may be waiting.
      }
    } catch (RuntimeException e) {
      // The database away for a moment: the next pass tries again.
      log.warn("slack: outbox pass failed ({})", e.getClass().getSimpleName());
    }
  }

  @Override
  public synchronized void stop() {
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      executor = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return executor != null;
  }
}
