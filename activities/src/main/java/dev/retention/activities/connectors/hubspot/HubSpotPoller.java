package dev.retention.activities.connectors.hubspot;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Where HubSpot cannot reach us with a webhook: searches our tasks completed in HubSpot since the
 * last poll (a minute of overlap, as HubSpot's search index lags a little; a repeat changes
 * nothing) and completes ours. The last poll's time is kept in the database.
 */
public class HubSpotPoller {

  static final Duration OVERLAP = Duration.ofMinutes(1);
  static final String LAST_POLL = "last_poll";

  private final HubSpotCrm crm;
  private final HubSpotCompletions completions;
  private final HubSpotHealth health;
  private final JdbcClient jdbc;
  private final Clock clock;

  public HubSpotPoller(
      HubSpotCrm crm,
      HubSpotCompletions completions,
      HubSpotHealth health,
      JdbcClient jdbc,
      Clock clock) {
    this.crm = crm;
    this.completions = completions;
    this.health = health;
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** One poll; returns how many of our tasks it completed. */
  public int poll() {
    Instant started = clock.instant();
    Instant since =
        jdbc.sql("select value from hubspot_state where name = :n")
            .param("n", LAST_POLL)
            .query(String.class)
            .optional()
            .map(Instant::parse)
            .orElse(started.minus(Duration.ofDays(1)))
            .minus(OVERLAP);
    int completed = 0;
    try {
      for (HubSpotCrm.CompletedTask task : crm.completedTasksSince(since)) {
        if (completions.completed(task.id(), task.stepKey())
            == HubSpotCompletions.Result.COMPLETED) {
          completed++;
        }
      }
      health.ok(clock.instant());
    } catch (HubSpotFailure e) {
      health.failed(e, clock.instant());
      return completed;
    }
    jdbc.sql(
            """
            insert into hubspot_state (name, value) values (:n, :v)
            on conflict (name) do update set value = excluded.value, updated_at = now()
            """)
        .param("n", LAST_POLL)
        .param("v", started.toString())
        .update();
    return completed;
  }
}
