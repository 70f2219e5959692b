package dev.retention.data.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.activities.testing.Fixtures;
import dev.retention.activities.testing.MutableClock;
import dev.retention.activities.testing.PostgresExtension;
import dev.retention.data.crm.CrmTasks;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.ledger.QueuedStarts;
import dev.retention.data.ledger.Timeline;
import dev.retention.data.ledger.TimelineItem;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The batch path scores exactly like the single path: the SQL functions against {@link HealthScore}
 * on every combination of sub-score edges, and the whole scoring (trend, previous score, 30-day
 * drop and its alert task, timeline entries) customer against twin customer.
 */
@ExtendWith(PostgresExtension.class)
class BatchScoringTest {

  private static final Instant START = Instant.parse("2026-03-02T06:00:00Z");

  private static final int[] QUERIES = {0, 9, 10, 11, 49, 50, 51, 2_147_483_647};
  private static final int[] FEATURES = {0, 1, 2, 3, 4, 5, 6};
  private static final int[] LOGINS = {0, 2, 3, 4, 5, 6};
  private static final double[] OPENS = {0.0, 0.1, 0.19999, 0.2, 0.20001, 0.49999, 0.5, 0.7, 1.0};
  private static final int[] TICKETS = {0, 1, 2, 3, 40};

  private static JdbcClient jdbc;
  private static TransactionTemplate tx;

  private final MutableClock clock = new MutableClock(START);
  private CustomerDirectory directory;
  private HealthScoring single;
  private BatchScoring batch;
  private Timeline timeline;
  private CrmTasks tasks;

  @BeforeAll
  static void wire(DataSource dataSource) {
    jdbc = JdbcClient.create(dataSource);
    tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }

  @BeforeEach
  void setUp() {
    directory = new CustomerDirectory(jdbc);
    Fixtures.petraWithCustomers(directory);
    timeline = new Timeline(jdbc);
    tasks = new CrmTasks(jdbc);
    HealthModels models = new HealthModels(jdbc, tx, clock);
    single = new HealthScoring(jdbc, tx, timeline, tasks, clock, models);
    batch = new BatchScoring(jdbc, tx, clock, models, timeline, directory);
  }

  @Test
  void theSqlFormulaGivesTheJavaScoreAndBandOnEveryEdge() {
    sqlAgreesWithJava(HealthModel.defaults(), 4);
  }

  /** The statement takes the model's parameters: another model, the same agreement. */
  @Test
  void theSqlFormulaFollowsAnotherModel_onEveryEdge() {
    HealthModel other =
        HealthModel.parse(
            HealthModel.defaultJson()
                .replace("\"weight\": 0.4", "\"weight\": 0.3333")
                .replaceFirst("\"weight\": 0\\.3,", "\"weight\": 0.3333,")
                .replace("\"weight\": 0.3,", "\"weight\": 0.3334,")
                .replace("{\"from\": 0.2, \"score\": 75}", "{\"from\": 0.19999, \"score\": 70}")
                .replace("\"NEGATIVE\": 25", "\"NEGATIVE\": 0")
                .replace("\"max\": 39}", "\"max\": 49}")
                .replace("\"min\": 40, \"max\": 59}", "\"min\": 50, \"max\": 69}")
                .replace("\"min\": 60, \"max\": 79}", "\"min\": 70, \"max\": 79}"));
    assertThat(other.usageWeight()).isEqualByComparingTo("0.3333");
    assertThat(other.supportWeight()).isEqualByComparingTo("0.3334");
    assertThat(other.min(HealthBand.NEUTRAL)).isEqualTo(70);
    sqlAgreesWithJava(other, 4);
  }

  private void sqlAgreesWithJava(HealthModel model, int bandsReached) {
    HealthModelSql modelSql = new HealthModelSql(model);
    List<HealthMetrics> all = new ArrayList<>();
    for (int q : QUERIES) {
      for (int f : FEATURES) {
        for (int l : LOGINS) {
          for (double o : OPENS) {
            for (int t : TICKETS) {
              for (Sentiment s : Sentiment.values()) {
                all.add(new HealthMetrics(q, f, l, o, t, s, 0.5));
              }
            }
          }
        }
      }
    }
    record Sql(int score, String band, double usage, double engagement, double support) {}
    String statement =
        """
        select x.*, {band} as band from (
          select n, u, e, s, {score} as score
          from (
            select n, {usage} as u, {engagement} as e, {support} as s
            from unnest(cast(:q as int[]), cast(:f as int[]), cast(:l as int[]),
              cast(:o as float8[]), cast(:t as int[]), cast(:s as text[]))
              with ordinality as i(q, f, l, o, t, sentiment, n)) y) x
        order by n
        """
            .replace("{usage}", modelSql.usage("q", "f"))
            .replace("{engagement}", modelSql.engagement("l", "o"))
            .replace("{support}", modelSql.support("t", "sentiment"))
            .replace("{score}", HealthModelSql.score("u", "e", "s"))
            .replace("{band}", modelSql.band("x.score"));
    List<Sql> sql =
        new HealthModelSql(model)
            .bind(jdbc.sql(statement))
            .param("q", all.stream().mapToInt(HealthMetrics::queriesPerWeek).toArray())
            .param("f", all.stream().mapToInt(HealthMetrics::featuresUsed).toArray())
            .param("l", all.stream().mapToInt(HealthMetrics::loginsPerWeek).toArray())
            .param("o", all.stream().mapToDouble(HealthMetrics::emailOpenRate).toArray())
            .param("t", all.stream().mapToInt(HealthMetrics::openTickets).toArray())
            .param("s", all.stream().map(m -> m.sentiment().name()).toArray(String[]::new))
            .query(
                (rs, i) ->
                    new Sql(
                        rs.getInt("score"),
                        rs.getString("band"),
                        rs.getDouble("u"),
                        rs.getDouble("e"),
                        rs.getDouble("s")))
            .list();

    assertThat(sql).hasSize(all.size());
    for (int i = 0; i < all.size(); i++) {
      HealthScore java = model.score(all.get(i));
      assertThat(sql.get(i))
          .as("metrics %s", all.get(i))
          .isEqualTo(
              new Sql(
                  java.score(),
                  java.band().name(),
                  java.components().usage(),
                  java.components().engagement(),
                  java.components().support()));
    }
    assertThat(sql.stream().map(Sql::band).distinct()).hasSize(bandsReached);
    assertThat(sql.stream().map(Sql::score).distinct().count()).isGreaterThan(30);
    // Every score's band, not only those the metrics reach.
    List<String> bands =
        new HealthModelSql(model)
            .bind(
                jdbc.sql(
                    "select " + modelSql.band("s") + " from generate_series(0, 100) s order by s"))
            .query(String.class)
            .list();
    for (int score = 0; score <= 100; score++) {
      assertThat(bands.get(score)).as("band of %d", score).isEqualTo(model.band(score).name());
    }
  }

  /** A history of scores (one a day) and then the scoring under test. */
  record Scenario(String name, List<HealthMetrics> history, Duration gap, HealthMetrics last) {}

  @Test
  void aBatchStoresWhatSingleScoringStores_trendsDropsAlertsAndTimeline() {
    List<Scenario> scenarios =
        List.of(
            new Scenario("first score", List.of(), Duration.ZERO, m(1, 3, 0, 0.1, 1, "NEGATIVE")),
            new Scenario("up", List.of(m(1, 5, 5, 0.6, 0, "POSITIVE")), day(1), score96()),
            new Scenario("stable", List.of(score96()), day(1), score96()),
            new Scenario("drop of 15 alerts", List.of(score100()), day(20), score85()),
            new Scenario("drop of 14 does not", List.of(score100()), day(1), score86()),
            new Scenario("slide alerts once", List.of(score100(), score85()), day(1), score85()),
            // The history ends a day before the gap starts: 29 + 1 = exactly 30 days.
            new Scenario("30 days ago counts", List.of(score100()), day(29), score85()),
            new Scenario("31 days ago does not", List.of(score100()), day(30), score85()),
            new Scenario(
                "falls below 60",
                List.of(m(50, 5, 5, 0.6, 0, "POSITIVE")),
                day(2),
                m(1, 1, 0, 0.1, 4, "NEGATIVE")),
            new Scenario(
                "gradual drop from the highest",
                List.of(score100(), m(1, 5, 5, 0.6, 0, "POSITIVE")),
                day(10),
                score85()));

    List<Customer[]> twins = new ArrayList<>();
    for (int i = 0; i < scenarios.size(); i++) {
      twins.add(new Customer[] {customer("java-" + i), customer("batch-" + i)});
    }
    // The same history for both twins, through the single path.
    int longest = scenarios.stream().mapToInt(s -> s.history().size()).max().orElse(0);
    for (int day = 0; day < longest; day++) {
      for (int i = 0; i < scenarios.size(); i++) {
        List<HealthMetrics> history = scenarios.get(i).history();
        int offset = longest - history.size();
        if (day >= offset) {
          for (Customer twin : twins.get(i)) {
            single.record(twin.id(), history.get(day - offset));
          }
        }
      }
      clock.advance(Duration.ofDays(1));
    }
    // Each scenario's gap before the last scoring: scenarios with the same gap share a batch.
    List<Duration> gaps = scenarios.stream().map(Scenario::gap).distinct().sorted().toList();
    Duration waited = Duration.ZERO;
    int alertsInBatches = 0;
    for (Duration gap : gaps) {
      clock.advance(gap.minus(waited));
      waited = gap;
      List<BatchScoring.Reported> reports = new ArrayList<>();
      List<Integer> which = new ArrayList<>();
      for (int i = 0; i < scenarios.size(); i++) {
        if (scenarios.get(i).gap().equals(gap)) {
          reports.add(new BatchScoring.Reported(twins.get(i)[1].id(), scenarios.get(i).last()));
          which.add(i);
        }
      }
      List<ScoredHealth> batched = batch.recordAll(reports).scores();
      for (int k = 0; k < which.size(); k++) {
        int i = which.get(k);
        ScoredHealth java = single.record(twins.get(i)[0].id(), scenarios.get(i).last());
        assertThat(batched.get(k)).as(scenarios.get(i).name()).isEqualTo(java);
        alertsInBatches += java.dropAlerted() ? 1 : 0;
        assertSameRecords(scenarios.get(i).name(), twins.get(i)[0], twins.get(i)[1]);
      }
    }
    // drop of 15, exactly 30 days, below 60 and the gradual drop; the others do not alert.
    assertThat(alertsInBatches).isEqualTo(4);
  }

  @Test
  void aCustomerReportedTwiceInOneBatchIsScoredInOrder_likeTwoPosts() {
    Customer java = customer("java-twice");
    Customer batched = customer("batch-twice");
    single.record(java.id(), score100());
    single.record(batched.id(), score100());
    clock.advance(day(1));

    List<ScoredHealth> scores =
        batch
            .recordAll(
                List.of(
                    new BatchScoring.Reported(batched.id(), score86()),
                    new BatchScoring.Reported(Fixtures.ACME.id(), score96()),
                    new BatchScoring.Reported(batched.id(), score85())))
            .scores();
    ScoredHealth first = single.record(java.id(), score86());
    ScoredHealth second = single.record(java.id(), score85());

    assertThat(scores.get(0)).isEqualTo(first);
    assertThat(scores.get(1).trend()).isEqualTo("NEW");
    assertThat(scores.get(2)).isEqualTo(second);
    assertThat(second.previousScore()).isEqualTo(86);
    assertSameRecords("twice", java, batched);
  }

  /**
   * The round's lock reads the customers: a report of a customer that does not exist is left
   * unscored (and out of the caller's round), the others are scored, and the caller gets the
   * customers it scored as their rows read.
   */
  @Test
  void aReportOfACustomerThatDoesNotExist_isLeftUnscored_andTheCallerGetsTheCustomersScored() {
    Customer known = customer("lock-known");
    List<List<Integer>> rounds = new ArrayList<>();
    List<String> seen = new ArrayList<>();

    BatchScoring.Recorded recorded =
        batch.recordAll(
            List.of(
                new BatchScoring.Reported("lock-nobody", score86()),
                new BatchScoring.Reported(known.id(), score86()),
                new BatchScoring.Reported("lock-nobody", score85()),
                new BatchScoring.Reported(known.id(), score85())),
            (round, scored, customers) -> {
              rounds.add(round);
              seen.addAll(customers.keySet());
            });

    assertThat(recorded.unknown()).containsExactly(0, 2);
    assertThat(recorded.scores().get(1)).isNotNull();
    assertThat(recorded.scores().get(3).previousScore())
        .isEqualTo(recorded.scores().get(1).score());
    assertThat(rounds).containsExactly(List.of(1), List.of(3));
    assertThat(seen).containsExactly(known.id(), known.id());
    assertThat(recorded.customers()).containsOnlyKeys(known.id());
    assertThat(recorded.customers().get(known.id())).isEqualTo(known);
    assertThat(stored(known)).hasSize(2);
  }

  /**
   * What the caller does in a round's transaction commits with the round's scores or not at all:
   * the runs a metrics batch queues there are never without their scores, nor the scores without
   * them.
   */
  @Test
  void whatTheCallerDoesInARound_commitsWithItsScoresOrNotAtAll() {
    Customer kept = customer("round-kept");
    Customer lost = customer("round-lost");
    QueuedStarts queue = new QueuedStarts(jdbc);

    batch.recordAll(
        List.of(new BatchScoring.Reported(kept.id(), score86())),
        (round, scored, customers) ->
            queue.queue(
                List.of(new QueuedStarts.NewStart(kept.id(), "at-risk", scored[0].score(), 0.2)),
                START));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                batch.recordAll(
                    List.of(new BatchScoring.Reported(lost.id(), score86())),
                    (round, scored, customers) -> {
                      queue.queue(
                          List.of(new QueuedStarts.NewStart(lost.id(), "at-risk", 86, 0.2)), START);
                      throw new IllegalStateException("the caller failed inside the round");
                    }))
        .hasMessageContaining("inside the round");

    assertThat(stored(kept)).hasSize(1);
    assertThat(queued(kept)).isEqualTo(1);
    assertThat(stored(lost)).isEmpty();
    assertThat(queued(lost)).isZero();
    assertThat(timeline.forCustomer(lost.id(), 10)).isEmpty();
  }

  private long queued(Customer customer) {
    return jdbc.sql("select count(*) from queued_starts where customer_id = :c")
        .param("c", customer.id())
        .query(Long.class)
        .single();
  }

  private void assertSameRecords(String scenario, Customer java, Customer batched) {
    assertThat(timeline.forCustomer(batched.id(), 50))
        .as(scenario + ": timeline")
        .extracting(TimelineItem::at, TimelineItem::kind, TimelineItem::summary)
        .isEqualTo(
            timeline.forCustomer(java.id(), 50).stream()
                .map(t -> org.assertj.core.groups.Tuple.tuple(t.at(), t.kind(), t.summary()))
                .toList());
    assertThat(tasks.forCustomer(batched.id()))
        .as(scenario + ": tasks")
        .extracting(
            CrmTasks.TaskRow::title,
            CrmTasks.TaskRow::assigneeEmail,
            CrmTasks.TaskRow::priority,
            CrmTasks.TaskRow::dueAt)
        .isEqualTo(
            tasks.forCustomer(java.id()).stream()
                .map(
                    t ->
                        org.assertj.core.groups.Tuple.tuple(
                            t.title(), t.assigneeEmail(), t.priority(), t.dueAt()))
                .toList());
    assertThat(stored(batched)).as(scenario + ": stored scores").isEqualTo(stored(java));
  }

  private List<String> stored(Customer customer) {
    return jdbc.sql(
            """
            select concat_ws('|', score, band, trend, usage_score, engagement_score, support_score,
              queries_per_week, features_used, logins_per_week, email_open_rate, open_tickets,
              sentiment, plan_usage, scored_at)
            from health_scores where customer_id = :c order by scored_at, id
            """)
        .param("c", customer.id())
        .query(String.class)
        .list();
  }

  private Customer customer(String id) {
    Customer c =
        new Customer(
            id,
            "Customer " + id,
            id + "@retention.test",
            Fixtures.PETRA.id(),
            "Growth",
            new BigDecimal("490.00"),
            10000,
            "Europe/Amsterdam",
            "en");
    directory.upsertCustomer(c);
    return c;
  }

  private static Duration day(int days) {
    return Duration.ofDays(days);
  }

  private static HealthMetrics score100() {
    return m(50, 5, 5, 0.6, 0, "POSITIVE");
  }

  private static HealthMetrics score96() {
    return m(50, 5, 3, 0.6, 0, "POSITIVE");
  }

  private static HealthMetrics score86() {
    return m(1, 5, 3, 0.6, 0, "POSITIVE");
  }

  private static HealthMetrics score85() {
    return m(1, 3, 5, 0.6, 0, "POSITIVE");
  }

  private static HealthMetrics m(int q, int f, int l, double o, int t, String sentiment) {
    return new HealthMetrics(q, f, l, o, t, Sentiment.valueOf(sentiment), 0.837);
  }
}
