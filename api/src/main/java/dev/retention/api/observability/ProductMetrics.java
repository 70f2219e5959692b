package dev.retention.api.observability;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The product's own figures, read from what the playbooks recorded in PostgreSQL: runs started and
 * closed by playbook and outcome, emails by status (sent, failed, suppressed), and SLA breaches
 * (the escalations the playbooks make when a CSM misses an SLA), and the runs metrics batches
 * queued that are not started yet. Read from the database rather than counted in memory, they
 * survive restarts and are the same on every instance (take the max across instances, not the sum).
 * The queries run at most every {@value #REFRESH_SECONDS} seconds, whatever the scrape rate.
 */
@Component
class ProductMetrics implements MeterBinder {

  private static final Logger log = LoggerFactory.getLogger(ProductMetrics.class);

  private record Key(String name, Tags tags) {}

  /** The runs metrics batches queued that are not started yet, and those of them that failed. */
  private static final Key QUEUED = new Key("retention.starts.queued", Tags.of("state", "queued"));

  private static final Key RETRYING =
      new Key("retention.starts.queued", Tags.of("state", "retrying"));

  private final JdbcClient jdbc;
  private final Clock clock;
  private final Map<Key, Double> values = new ConcurrentHashMap<>();
  private volatile Instant refreshedAt = Instant.EPOCH;
  private final Duration refreshEvery;
  private MeterRegistry registry;

  ProductMetrics(
      JdbcClient jdbc,
      Clock clock,
      @Value("${retention.metrics.refresh:PT15S}") Duration refreshEvery) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.refreshEvery = refreshEvery;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
    // Read at every scrape: it refreshes the figures (at most once per interval), so figures for
    // a playbook or outcome seen for the first time are registered as they appear.
    Gauge.builder("retention.metrics.refreshed", this, m -> m.refreshedEpochSeconds())
        .description("When the product figures were last read from the database (epoch seconds)")
        .baseUnit("seconds")
        .register(registry);
    for (Key key : java.util.List.of(QUEUED, RETRYING)) {
      Gauge.builder(key.name(), this, m -> m.value(key))
          .description(
              "Runs metrics batches queued and not started yet (state=queued: all of them;"
                  + " state=retrying: those whose start failed and waits out its backoff)")
          .tags(key.tags())
          .register(registry);
    }
    refresh();
  }

  private double refreshedEpochSeconds() {
    refresh();
    return refreshedAt.getEpochSecond();
  }

  private double value(Key key) {
    refresh();
    return values.getOrDefault(key, 0.0);
  }

  private synchronized void refresh() {
    Instant now = clock.instant();
    if (registry == null || refreshedAt.plus(refreshEvery).isAfter(now)) {
      return;
    }
    refreshedAt = now;
    try {
      read(
          "retention.runs.started",
          "Playbook runs started",
          "select playbook, count(*) as n from playbook_runs group by playbook",
          "playbook");
      read(
          "retention.runs.closed",
          "Playbook runs closed, by outcome",
          "select playbook, coalesce(outcome, status) as outcome, count(*) as n"
              + " from playbook_runs where closed_at is not null group by 1, 2",
          "playbook",
          "outcome");
      read(
          "retention.emails",
          "Emails by status (SENT, FAILED, SUPPRESSED, PENDING, ...)",
          "select case when status like 'SKIPPED_SUPPRESSED%' then 'SUPPRESSED' else status end"
              + " as status, count(*) as n from communications group by 1",
          "status");
      read(
          "retention.sla.breaches",
          "SLAs a CSM missed (each escalated to the manager)",
          "select split_part(workflow_id, '-' || customer_id, 1) as playbook, step as sla,"
              + " count(*) as n from crm_tasks where step like '%sla-escalation' group by 1, 2",
          "playbook",
          "sla");
      jdbc.sql(
              "select count(*) as queued, count(*) filter (where attempts > 0) as retrying"
                  + " from queued_starts")
          .query(
              rs -> {
                values.put(QUEUED, (double) rs.getLong("queued"));
                values.put(RETRYING, (double) rs.getLong("retrying"));
              });
    } catch (DataAccessException e) {
      // Keep the last figures; the health endpoint tells that the database is down.
      log.warn("product metrics not refreshed: {}", e.getMostSpecificCause().getMessage());
    }
  }

  /** One counter per row of a {@code count(*) as n} query, tagged by the named columns. */
  private void read(String name, String description, String sql, String... tagColumns) {
    jdbc.sql(sql)
        .query(
            rs -> {
              Tags tags = Tags.empty();
              for (String column : tagColumns) {
                tags = tags.and(column, rs.getString(column));
              }
              put(name, description, tags, rs.getLong("n"));
            });
  }

  private void put(String name, String description, Tags tags, long value) {
    Key key = new Key(name, tags);
    if (values.put(key, (double) value) == null) {
      FunctionCounter.builder(name, this, m -> m.value(key))
          .description(description)
          .tags(tags)
          .register(registry);
    }
  }
}
