package dev.retention.activities.connectors.hubspot;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Drains the HubSpot outbox: each row becomes a HubSpot task or note on the customer's company
 * (after a search for our step key, so a retry reuses what HubSpot already made) or an update of
 * the company's properties (read when sent, so the newest values go). At least once: a row is
 * marked sent only after HubSpot answered; a 429 waits out Retry-After without counting as an
 * attempt; 5xx, timeouts and a refused token are retried with a doubling delay; after the last
 * attempt, or at once for a request HubSpot will never take, the row is FAILED and the CSM sees it.
 * Logs hold row ids, kinds and statuses only.
 */
public class HubSpotSender {

  private static final Logger log = LoggerFactory.getLogger(HubSpotSender.class);
  static final Duration MAX_DELAY = Duration.ofHours(1);
  static final int BATCH = 50;

  private final HubSpotCrm crm;
  private final HubSpotOutbox outbox;
  private final HubSpotHealth health;
  private final HubSpotSettings settings;
  private final JdbcClient jdbc;
  private final Clock clock;

  public HubSpotSender(
      HubSpotCrm crm,
      HubSpotOutbox outbox,
      HubSpotHealth health,
      HubSpotSettings settings,
      JdbcClient jdbc,
      Clock clock) {
    this.crm = crm;
    this.outbox = outbox;
    this.health = health;
    this.settings = settings;
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * Sends what is due, batch after batch, until nothing is due; returns how many were sent. Once
   * HubSpot is down or rate limited, the rest of the batch waits (without counting an attempt)
   * instead of each row timing out in turn.
   */
  public int drain() {
    int sent = 0;
    List<HubSpotOutbox.Item> batch;
    do {
      batch = outbox.claim(BATCH);
      HubSpotFailure outage = null;
      for (HubSpotOutbox.Item item : batch) {
        if (outage != null) {
          Duration wait = outage.rateLimited() ? outage.retryAfter() : settings.firstRetry();
          outbox.retry(item, clock.instant().plus(wait), outage.describe(), false);
          continue;
        }
        try {
          send(item);
          sent++;
        } catch (HubSpotFailure e) {
          outage = e.down() || e.rateLimited() ? e : null;
        } catch (Unsendable e) {
          // marked FAILED and shown to the CSM; the next row goes on
        }
      }
      if (outage != null) {
        break;
      }
    } while (!batch.isEmpty() && sent > 0);
    return sent;
  }

  /** Sends one row; a failure is handled (retry or FAILED) and thrown on. */
  void send(HubSpotOutbox.Item item) {
    try {
      String hubspotId =
          switch (item.kind()) {
            case "TASK" -> task(item);
            case "NOTE" -> note(item);
            case "STEP" -> step(item);
            case "COMPANY" -> company(item);
            default -> throw new IllegalStateException("unknown outbox kind " + item.kind());
          };
      outbox.sent(item, hubspotId);
      health.ok(clock.instant());
    } catch (HubSpotFailure e) {
      health.failed(e, clock.instant());
      handle(item, e);
      throw e;
    } catch (Unsendable e) {
      outbox.failed(item, what(item), e.getMessage());
      log.warn("hubspot outbox row {} ({}) cannot be sent: failed", item.id(), item.kind());
      throw e;
    }
  }

  private void handle(HubSpotOutbox.Item item, HubSpotFailure e) {
    Instant now = clock.instant();
    if (e.rateLimited()) {
      outbox.retry(item, now.plus(e.retryAfter()), e.describe(), false);
      log.info("hubspot rate limit: row {} waits {}", item.id(), e.retryAfter());
    } else if (e.retryable() && item.attempts() < settings.maxAttempts()) {
      Duration delay = delay(item.attempts());
      outbox.retry(item, now.plus(delay), e.describe(), true);
      log.info(
          "hubspot outbox row {} ({}) attempt {} got {}: retry in {}",
          item.id(),
          item.kind(),
          item.attempts(),
          e.status(),
          delay);
    } else {
      outbox.failed(item, what(item), e.describe());
      log.warn(
          "hubspot outbox row {} ({}) failed after {} attempt(s), last status {}",
          item.id(),
          item.kind(),
          item.attempts(),
          e.status());
    }
  }

  /** The first retry's delay, doubled per attempt, at most an hour. */
  Duration delay(int attempts) {
    Duration delay = settings.firstRetry();
    for (int i = 1; i < attempts && delay.compareTo(MAX_DELAY) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
  }

  private String task(HubSpotOutbox.Item item) {
    var task =
        jdbc.sql(
                """
                select t.title, t.body, t.priority, t.due_at, t.status, o.owner_id
                from crm_tasks t
                left join csms s on lower(s.email) = lower(t.assignee_email)
                left join hubspot_owners o on o.csm_id = s.id
                where t.id = :id
                """)
            .param("id", item.refId())
            .query(
                (rs, i) ->
                    new Object[] {
                      rs.getString("title"),
                      rs.getString("body"),
                      rs.getString("priority"),
                      rs.getTimestamp("due_at").toInstant(),
                      rs.getString("status"),
                      rs.getString("owner_id")
                    })
            .optional()
            .orElseThrow(() -> new Unsendable("the task no longer exists"));
    String company = company(item.customerId());
    String found = crm.findByStepKey("tasks", item.stepKey());
    if (found != null) {
      return found;
    }
    return crm.createTask(
        item.stepKey(),
        company,
        (String) task[5],
        (String) task[0],
        (String) task[1],
        (String) task[2],
        (Instant) task[3],
        "DONE".equals(task[4]));
  }

  private String note(HubSpotOutbox.Item item) {
    var note =
        jdbc.sql("select body, created_at from crm_notes where id = :id")
            .param("id", item.refId())
            .query((rs, i) -> Map.entry(rs.getString("body"), rs.getTimestamp("created_at")))
            .optional()
            .orElseThrow(() -> new Unsendable("the note no longer exists"));
    return noteOnce(item, note.getKey(), note.getValue().toInstant());
  }

  private String step(HubSpotOutbox.Item item) {
    var entry =
        jdbc.sql("select summary, at, playbook from timeline where id = :id")
            .param("id", item.refId())
            .query(
                (rs, i) ->
                    new Object[] {
                      rs.getString("summary"), rs.getTimestamp("at"), rs.getString("playbook")
                    })
            .optional()
            .orElseThrow(() -> new Unsendable("the timeline entry no longer exists"));
    String body = (entry[2] == null ? "" : entry[2] + ": ") + entry[0];
    return noteOnce(item, body, ((Timestamp) entry[1]).toInstant());
  }

  private String noteOnce(HubSpotOutbox.Item item, String body, Instant at) {
    String company = company(item.customerId());
    String found = crm.findByStepKey("notes", item.stepKey());
    return found != null ? found : crm.createNote(item.stepKey(), company, body, at);
  }

  private String company(HubSpotOutbox.Item item) {
    String company = company(item.customerId());
    Map<String, String> values = new LinkedHashMap<>();
    jdbc.sql(
            """
            select score, band, trend from health_scores where customer_id = :c
            order by scored_at desc, id desc limit 1
            """)
        .param("c", item.customerId())
        .query(
            (rs, i) -> {
              values.put("health_score", Integer.toString(rs.getInt("score")));
              values.put("health_band", rs.getString("band"));
              values.put("health_trend", rs.getString("trend"));
              return 1;
            })
        .optional();
    var running =
        jdbc.sql(
                """
                select string_agg(playbook, ', ' order by started_at) as playbooks,
                  string_agg(coalesce(stage, ''), ', ' order by started_at) as stages
                from playbook_runs where customer_id = :c and status = 'RUNNING'
                """)
            .param("c", item.customerId())
            .query((rs, i) -> new String[] {rs.getString("playbooks"), rs.getString("stages")})
            .single();
    values.put("running_playbook", running[0] == null ? "" : running[0]);
    values.put("playbook_stage", running[1] == null ? "" : running[1]);
    crm.updateCompany(company, values);
    return company;
  }

  private String company(String customerId) {
    Optional<String> company =
        jdbc.sql("select company_id from hubspot_companies where customer_id = :c")
            .param("c", customerId)
            .query(String.class)
            .optional();
    return company.orElseThrow(
        () -> new Unsendable("the customer is no longer mapped to a HubSpot company"));
  }

  private static String what(HubSpotOutbox.Item item) {
    return switch (item.kind()) {
      case "TASK" -> "a task";
      case "NOTE" -> "a note";
      case "STEP" -> "a timeline step";
      default -> "the company's health and playbook";
    };
  }

  /** A row that no attempt can send (what it names is gone). */
  static final class Unsendable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unsendable(String reason) {
      super(reason);
    }
  }
}
