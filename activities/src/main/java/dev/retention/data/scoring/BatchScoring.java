package dev.retention.data.scoring;

import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.ledger.Timeline;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Scores many customers' metrics set-based in PostgreSQL, with what {@link HealthScoring} does for
 * one: the score and band (with the published {@link HealthModel}'s weights, tiers and bands as
 * parameters of the statement, {@link HealthModelSql}), the trend against the previous score, the
 * drop from the highest score of the last 30 days with the CSM alert task, and the timeline
 * entries. A customer reported twice in one batch is scored in order, as two posts would be: the
 * k-th report of each customer goes into round k, each round one statement (and its timeline
 * entries, set-based in {@link Timeline#addAll}) in its own transaction that locks the customers'
 * rows like a single scoring does. That lock reads the rows too ({@link
 * CustomerDirectory#lockCustomers}): a report whose customer does not exist is left unscored, and
 * the caller gets the customers with the scores instead of reading them once more before.
 */
@Service
public class BatchScoring {

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final Clock clock;
  private final HealthModels models;
  private final Timeline timeline;
  private final CustomerDirectory directory;

  public BatchScoring(
      JdbcClient jdbc,
      TransactionTemplate tx,
      Clock clock,
      HealthModels models,
      Timeline timeline,
      CustomerDirectory directory) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.clock = clock;
    this.models = models;
    this.timeline = timeline;
    this.directory = directory;
  }

  /** One customer's metrics in a batch; a customer that does not exist is not scored. */
  public record Reported(String customerId, HealthMetrics metrics) {}

  /**
   * What a batch recorded: each report's score in the order of the batch, {@code null} where its
   * customer does not exist; and the customers scored, by id, as their rows read when locked.
   */
  public record Recorded(List<ScoredHealth> scores, Map<String, Customer> customers) {

    /** The places in the batch of the reports left unscored: their customers do not exist. */
    public List<Integer> unknown() {
      List<Integer> unknown = new ArrayList<>();
      for (int i = 0; i < scores.size(); i++) {
        if (scores.get(i) == null) {
          unknown.add(i);
        }
      }
      return unknown;
    }
  }

  /**
   * What the caller does inside each round's transaction, once its scores are stored and before it
   * commits: {@code round} holds the indexes into the batch this round scored, {@code scored} their
   * scores at those indexes, {@code customers} the round's customers as locked (a metrics batch
   * queues the runs the scores start, so a crossing is stored with its score or not at all).
   */
  @FunctionalInterface
  public interface InRound {
    void scored(List<Integer> round, ScoredHealth[] scored, Map<String, Customer> customers);
  }

  /** The scores, in the order of {@code batch}, and the customers scored. */
  public Recorded recordAll(List<Reported> batch) {
    return recordAll(batch, (round, scored, customers) -> {});
  }

  /** The same, with {@code inRound} done in each round's transaction that scored any report. */
  public Recorded recordAll(List<Reported> batch, InRound inRound) {
    List<List<Integer>> rounds = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      int round = seen.merge(batch.get(i).customerId(), 1, Integer::sum) - 1;
      if (round == rounds.size()) {
        rounds.add(new ArrayList<>());
      }
      rounds.get(round).add(i);
    }
    ScoredHealth[] scored = new ScoredHealth[batch.size()];
    Map<String, Customer> customers = new HashMap<>();
    for (List<Integer> round : rounds) {
      tx.executeWithoutResult(
          status -> {
            // The same lock as a single scoring, and the rows it locks: who exists, and as what.
            Map<String, Customer> locked =
                directory.lockCustomers(
                    round.stream().map(i -> batch.get(i).customerId()).toList());
            List<Integer> known =
                round.stream().filter(i -> locked.containsKey(batch.get(i).customerId())).toList();
            if (!known.isEmpty()) {
              scoreRound(batch, known, scored);
              inRound.scored(known, scored, Collections.unmodifiableMap(locked));
            }
            customers.putAll(locked);
          });
    }
    return new Recorded(
        Collections.unmodifiableList(Arrays.asList(scored)),
        Collections.unmodifiableMap(customers));
  }

  /** One round's reports, of customers that exist and are locked, each at most once. */
  private void scoreRound(List<Reported> batch, List<Integer> round, ScoredHealth[] out) {
    int n = round.size();
    int[] idx = new int[n];
    String[] customers = new String[n];
    int[] queries = new int[n];
    int[] features = new int[n];
    int[] logins = new int[n];
    double[] opens = new double[n];
    int[] tickets = new int[n];
    String[] sentiments = new String[n];
    double[] usages = new double[n];
    for (int k = 0; k < n; k++) {
      Reported r = batch.get(round.get(k));
      HealthMetrics m = r.metrics();
      idx[k] = round.get(k);
      customers[k] = r.customerId();
      queries[k] = m.queriesPerWeek();
      features[k] = m.featuresUsed();
      logins[k] = m.loginsPerWeek();
      opens[k] = m.emailOpenRate();
      tickets[k] = m.openTickets();
      sentiments[k] = m.sentiment().name();
      usages[k] = m.planUsage();
    }
    Instant now = clock.instant();
    HealthModels.Published model = models.published();
    HealthModelSql sql = new HealthModelSql(model.model());
    sql.bind(jdbc.sql(roundStatement(sql)))
        .param("idx", idx)
        .param("customers", customers)
        .param("queries", queries)
        .param("features", features)
        .param("logins", logins)
        .param("opens", opens)
        .param("tickets", tickets)
        .param("sentiments", sentiments)
        .param("usages", usages)
        .param("since", Timestamp.from(now.minus(HealthScoring.ALERT_WINDOW)))
        .param("alertDrop", HealthScoring.ALERT_DROP)
        .param("now", Timestamp.from(now))
        .param("modelVersion", model.version())
        .param("due", Timestamp.from(now.plus(Duration.ofDays(1))))
        .query((rs, i) -> out[rs.getInt("idx")] = map(rs, now, model.version()))
        .list();
    timeline.addAll(now, timelineEntries(customers, idx, out));
  }

  /** Each scored customer's {@code SCORE} entry, then its {@code ALERT} entry if alerted. */
  private static List<Timeline.NewEntry> timelineEntries(
      String[] customers, int[] idx, ScoredHealth[] scored) {
    List<Timeline.NewEntry> entries = new ArrayList<>();
    for (int k = 0; k < customers.length; k++) {
      String customerId = customers[k];
      ScoredHealth health = scored[idx[k]];
      entries.add(
          new Timeline.NewEntry(
              customerId,
              "SCORE",
              "Health "
                  + health.score()
                  + " ("
                  + health.band()
                  + ")"
                  + (health.previousScore() == null ? "" : ", was " + health.previousScore())));
      if (health.dropAlerted()) {
        entries.add(
            new Timeline.NewEntry(
                customerId,
                "ALERT",
                "Health dropped " + health.dropWithin30Days() + " points: CSM alerted"));
      }
    }
    return entries;
  }

  /**
   * One round: the model's expressions ({@link HealthModelSql}) stand where the braces are.
   *
   * <p>Long: one SQL statement whose steps (input, components, totals, scored, stored, tasks,
   * entries) read each other's columns; cut into pieces it would no longer read as the query it is.
   */
  private static String roundStatement(HealthModelSql sql) {
    return
"""
        with input as (
          select * from unnest(cast(:idx as int[]), cast(:customers as text[]),
            cast(:queries as int[]), cast(:features as int[]), cast(:logins as int[]),
            cast(:opens as float8[]), cast(:tickets as int[]), cast(:sentiments as text[]),
            cast(:usages as float8[]))
            as i(idx, customer_id, queries, features, logins, open_rate, tickets, sentiment,
              plan_usage)
        ),
        components as (
          select i.*, p.score as before, p.plan_usage as before_usage,
            coalesce(h.highest, 0) as highest,
            {usage} as usage_score,
            {engagement} as engagement_score,
            {support} as support_score
          from input i
          left join lateral (
            select s.score, s.plan_usage from health_scores s where s.customer_id = i.customer_id
            order by s.scored_at desc, s.id desc limit 1) p on true
          left join lateral (
            select max(s.score) as highest from health_scores s
            where s.customer_id = i.customer_id and s.scored_at >= :since) h on true
        ),
        totals as (
          select c.*, {score} as score
          from components c
        ),
        scored as (
          select t.*, {band} as band,
            case when t.before is null then 'NEW' when t.score > t.before then 'UP'
                 when t.score < t.before then 'DOWN' else 'STABLE' end as trend,
            greatest(0, t.highest - t.score) as drop_points,
            greatest(0, t.highest - t.score) >= :alertDrop
              and not (t.before is not null and t.highest - t.before >= :alertDrop) as alert
          from totals t
        ),
        stored as (
          insert into health_scores (customer_id, score, band, trend, usage_score,
            engagement_score, support_score, queries_per_week, features_used, logins_per_week,
            email_open_rate, open_tickets, sentiment, plan_usage, scored_at, model_version)
          select customer_id, score, band, trend, usage_score, engagement_score, support_score,
            queries, features, logins, open_rate, tickets, sentiment, plan_usage, :now,
            :modelVersion
          from scored order by idx
        ),
        tasks as (
          insert into crm_tasks (customer_id, assignee, assignee_email, title, body, priority,
            due_at)
          select s.customer_id, 'CSM', m.email,
            'Health dropped ' || s.drop_points || ' points within 30 days',
            'Health is now ' || s.score || ' (' || s.band || '), down from ' || s.highest
              || '. Check in with the customer.',
            'HIGH', :due
          from scored s join customers c on c.id = s.customer_id join csms m on m.id = c.csm_id
          where s.alert order by s.idx
        )
        select idx, score, band, trend, usage_score, engagement_score, support_score, before,
          drop_points, alert, plan_usage, before_usage
        from scored order by idx
"""
        .replace("{usage}", sql.usage("i.queries", "i.features"))
        .replace("{engagement}", sql.engagement("i.logins", "i.open_rate"))
        .replace("{support}", sql.support("i.tickets", "i.sentiment"))
        .replace(
            "{score}",
            HealthModelSql.score("c.usage_score", "c.engagement_score", "c.support_score"))
        .replace("{band}", sql.band("t.score"));
  }

  private static ScoredHealth map(ResultSet rs, Instant now, int modelVersion) throws SQLException {
    int before = rs.getInt("before");
    Integer previous = rs.wasNull() ? null : before;
    double beforeUsage = rs.getDouble("before_usage");
    Double previousUsage = rs.wasNull() ? null : beforeUsage;
    return new ScoredHealth(
        rs.getInt("score"),
        HealthBand.valueOf(rs.getString("band")),
        rs.getString("trend"),
        new HealthScore.Components(
            rs.getDouble("usage_score"),
            rs.getDouble("engagement_score"),
            rs.getDouble("support_score")),
        now,
        previous,
        rs.getInt("drop_points"),
        rs.getBoolean("alert"),
        rs.getDouble("plan_usage"),
        previousUsage,
        modelVersion);
  }
}
