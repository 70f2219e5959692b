package dev.retention.data.scoring;

import dev.retention.data.crm.CrmTasks;
import dev.retention.data.ledger.Timeline;
import dev.retention.workflows.ports.UsageFigures;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Scores a customer's metrics with the published health model ({@link HealthModels}), or takes the
 * score the backend computed itself and puts it in the model's bands; stores the score with its
 * trend and the model version, puts it on the timeline, and alerts the CSM when the score fell by
 * {@value #ALERT_DROP} points or more within 30 days, even when the band did not change.
 */
@Service
public class HealthScoring {

  static final int ALERT_DROP = 15;
  static final Duration ALERT_WINDOW = Duration.ofDays(30);

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final Timeline timeline;
  private final CrmTasks tasks;
  private final Clock clock;
  private final HealthModels models;

  public HealthScoring(
      JdbcClient jdbc,
      TransactionTemplate tx,
      Timeline timeline,
      CrmTasks tasks,
      Clock clock,
      HealthModels models) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.timeline = timeline;
    this.tasks = tasks;
    this.clock = clock;
    this.models = models;
  }

  /** Scores the metrics with the published model. */
  public ScoredHealth record(String customerId, HealthMetrics metrics) {
    HealthModels.Published model = models.published();
    return store(customerId, metrics, model.model().score(metrics), model.version(), null);
  }

  /**
   * A score the backend computed itself (bring-your-own score, 0–100): put in the published model's
   * bands and handled like a computed one (trend, drop alert, timeline). {@code planUsage} null
   * keeps the customer's last known plan usage (0 when there is none).
   */
  public ScoredHealth recordOwn(String customerId, int score, Double planUsage) {
    HealthModels.Published model = models.published();
    HealthScore health = new HealthScore(score, model.model().band(score), null);
    return store(customerId, null, health, model.version(), planUsage);
  }

  private ScoredHealth store(
      String customerId,
      HealthMetrics metrics,
      HealthScore health,
      int modelVersion,
      Double ownPlanUsage) {
    return tx.execute(
        status -> {
          // One scoring per customer at a time: a second one waits here for the first to commit,
          // so it sees that score as the previous one (trend, drop alert), never "no previous".
          lockCustomer(customerId);
          Instant now = clock.instant();
          Optional<ScoredHealth> previous = latest(customerId);
          double planUsage =
              metrics != null
                  ? metrics.planUsage()
                  : ownPlanUsage != null
                      ? ownPlanUsage
                      : previous.map(ScoredHealth::planUsage).orElse(0.0);
          Integer before = previous.map(ScoredHealth::score).orElse(null);
          String trend =
              before == null
                  ? "NEW"
                  : health.score() > before ? "UP" : health.score() < before ? "DOWN" : "STABLE";
          int highest = highestSince(customerId, now.minus(ALERT_WINDOW));
          int drop = Math.max(0, highest - health.score());
          insert(customerId, metrics, health, trend, now, modelVersion, planUsage);
          timeline.add(
              customerId,
              now,
              "SCORE",
              "Health "
                  + health.score()
                  + " ("
                  + health.band()
                  + ")"
                  + (metrics == null ? " from the backend" : "")
                  + (before == null ? "" : ", was " + before));
          // Alert when the drop crosses the threshold, not again for every later score of the
          // same slide (a daily sweep would otherwise give the CSM a task a day).
          boolean alreadyAlerted = before != null && highest - before >= ALERT_DROP;
          boolean alert = drop >= ALERT_DROP && !alreadyAlerted;
          if (alert) {
            alertCsm(customerId, health, highest, drop, now);
          }
          return new ScoredHealth(
              health.score(),
              health.band(),
              trend,
              health.components(),
              now,
              before,
              drop,
              alert,
              planUsage,
              previous.map(ScoredHealth::planUsage).orElse(null),
              modelVersion);
        });
  }

  private void alertCsm(String customerId, HealthScore health, int highest, int drop, Instant now) {
    tasks.alertCsm(
        customerId,
        "Health dropped " + drop + " points within 30 days",
        "Health is now "
            + health.score()
            + " ("
            + health.band()
            + "), down from "
            + highest
            + ". Check in with the customer.",
        now.plus(Duration.ofDays(1)));
    timeline.add(customerId, now, "ALERT", "Health dropped " + drop + " points: CSM alerted");
  }

  /**
   * The customer's latest measured usage: the metrics of their latest computed score (a score the
   * backend sent on its own carries none); empty before any.
   */
  public Optional<UsageFigures> latestUsage(String customerId) {
    return jdbc.sql(
            """
            select logins_per_week, queries_per_week, features_used, plan_usage, scored_at
            from health_scores where customer_id = :c and source = 'COMPUTED'
            order by scored_at desc, id desc limit 1
            """)
        .param("c", customerId)
        .query(
            (rs, i) ->
                new UsageFigures(
                    true,
                    rs.getInt("logins_per_week"),
                    rs.getInt("queries_per_week"),
                    rs.getInt("features_used"),
                    rs.getDouble("plan_usage"),
                    rs.getTimestamp("scored_at").toInstant()))
        .optional();
  }

  public Optional<ScoredHealth> latest(String customerId) {
    return jdbc.sql(
            """
            select score, band, trend, usage_score, engagement_score, support_score, scored_at,
              plan_usage, model_version, source
            from health_scores where customer_id = :c order by scored_at desc, id desc limit 1
            """)
        .param("c", customerId)
        .query(
            (rs, i) -> {
              int version = rs.getInt("model_version");
              Integer modelVersion = rs.wasNull() ? null : version;
              return new ScoredHealth(
                  rs.getInt("score"),
                  HealthBand.valueOf(rs.getString("band")),
                  rs.getString("trend"),
                  "BACKEND".equals(rs.getString("source"))
                      ? null
                      : new HealthScore.Components(
                          rs.getDouble("usage_score"),
                          rs.getDouble("engagement_score"),
                          rs.getDouble("support_score")),
                  rs.getTimestamp("scored_at").toInstant(),
                  null,
                  0,
                  false,
                  rs.getDouble("plan_usage"),
                  null,
                  modelVersion);
            })
        .optional();
  }

  /**
   * Locks the customer's row until the transaction ends. FOR NO KEY UPDATE conflicts with itself
   * but not with the key-share locks of foreign keys, so rows for this customer can still be
   * written elsewhere meanwhile (timeline, tasks).
   */
  private void lockCustomer(String customerId) {
    jdbc.sql("select id from customers where id = :c for no key update")
        .param("c", customerId)
        .query(String.class)
        .optional();
  }

  private int highestSince(String customerId, Instant since) {
    return jdbc.sql(
            """
            select coalesce(max(score), 0) from health_scores
            where customer_id = :c and scored_at >= :since
            """)
        .param("c", customerId)
        .param("since", Timestamp.from(since))
        .query(Integer.class)
        .single();
  }

  private void insert(
      String customerId,
      HealthMetrics m,
      HealthScore health,
      String trend,
      Instant now,
      int modelVersion,
      double planUsage) {
    HealthScore.Components c = health.components();
    jdbc.sql(
            """
            insert into health_scores (customer_id, score, band, trend, usage_score, engagement_score,
              support_score, queries_per_week, features_used, logins_per_week, email_open_rate,
              open_tickets, sentiment, plan_usage, scored_at, model_version, source)
            values (:c, :score, :band, :trend, :usage, :engagement, :support, :queries, :features,
              :logins, :opens, :tickets, :sentiment, :planUsage, :at, :modelVersion, :source)
            """)
        .param("c", customerId)
        .param("score", health.score())
        .param("band", health.band().name())
        .param("trend", trend)
        .param("usage", c == null ? null : c.usage(), java.sql.Types.NUMERIC)
        .param("engagement", c == null ? null : c.engagement(), java.sql.Types.NUMERIC)
        .param("support", c == null ? null : c.support(), java.sql.Types.NUMERIC)
        .param("queries", m == null ? null : m.queriesPerWeek(), java.sql.Types.INTEGER)
        .param("features", m == null ? null : m.featuresUsed(), java.sql.Types.INTEGER)
        .param("logins", m == null ? null : m.loginsPerWeek(), java.sql.Types.INTEGER)
        .param("opens", m == null ? null : m.emailOpenRate(), java.sql.Types.NUMERIC)
        .param("tickets", m == null ? null : m.openTickets(), java.sql.Types.INTEGER)
        .param("sentiment", m == null ? null : m.sentiment().name(), java.sql.Types.VARCHAR)
        .param("planUsage", planUsage)
        .param("at", Timestamp.from(now))
        .param("modelVersion", modelVersion)
        .param("source", m == null ? "BACKEND" : "COMPUTED")
        .update();
  }
}
