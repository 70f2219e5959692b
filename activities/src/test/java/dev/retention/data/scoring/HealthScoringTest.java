package dev.retention.data.scoring;

import static dev.retention.activities.testing.Fixtures.ACME;
import static dev.retention.activities.testing.Fixtures.PETRA;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.activities.testing.Fixtures;
import dev.retention.activities.testing.MutableClock;
import dev.retention.activities.testing.PostgresExtension;
import dev.retention.data.crm.CrmTasks;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.ledger.Timeline;
import dev.retention.data.ledger.TimelineItem;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

@ExtendWith(PostgresExtension.class)
class HealthScoringTest {

  private static final Instant START = Instant.parse("2026-03-02T06:00:00Z");

  // Metrics with known scores (see HealthScoreTest).
  private static final HealthMetrics SCORE_100 = metrics(50, 5, 5, 0.60, 0, Sentiment.POSITIVE);
  private static final HealthMetrics SCORE_96 = metrics(50, 5, 3, 0.60, 0, Sentiment.POSITIVE);
  private static final HealthMetrics SCORE_90 = metrics(1, 5, 5, 0.60, 0, Sentiment.POSITIVE);
  private static final HealthMetrics SCORE_86 = metrics(1, 5, 3, 0.60, 0, Sentiment.POSITIVE);
  private static final HealthMetrics SCORE_85 = metrics(1, 3, 5, 0.60, 0, Sentiment.POSITIVE);
  private static final HealthMetrics SCORE_55 = metrics(1, 3, 0, 0.10, 1, Sentiment.NEGATIVE);

  private static JdbcClient jdbc;
  private static TransactionTemplate tx;
  private static Timeline timeline;
  private static CrmTasks tasks;

  private final MutableClock clock = new MutableClock(START);
  private HealthScoring scoring;

  @BeforeAll
  static void wire(DataSource dataSource) {
    jdbc = JdbcClient.create(dataSource);
    tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    timeline = new Timeline(jdbc);
    tasks = new CrmTasks(jdbc);
  }

  @BeforeEach
  void setUp() {
    Fixtures.petraWithCustomers(new CustomerDirectory(jdbc));
    scoring =
        new HealthScoring(jdbc, tx, timeline, tasks, clock, new HealthModels(jdbc, tx, clock));
  }

  @Test
  void theKnownScoresAreWhatTheFormulaSays() {
    assertThat(HealthScore.of(SCORE_100).score()).isEqualTo(100);
    assertThat(HealthScore.of(SCORE_96).score()).isEqualTo(96);
    assertThat(HealthScore.of(SCORE_90).score()).isEqualTo(90);
    assertThat(HealthScore.of(SCORE_86).score()).isEqualTo(86);
    assertThat(HealthScore.of(SCORE_85).score()).isEqualTo(85);
    assertThat(HealthScore.of(SCORE_55).score()).isEqualTo(55);
  }

  @Test
  void storesTheScoreWithItsComponentsAndPutsItOnTheTimeline() {
    ScoredHealth scored = scoring.record(ACME.id(), SCORE_55);

    assertThat(scored.score()).isEqualTo(55);
    assertThat(scored.band()).isEqualTo(HealthBand.AT_RISK);
    assertThat(scored.scoredAt()).isEqualTo(START);
    assertThat(scoring.latest(ACME.id()))
        .hasValueSatisfying(
            latest -> {
              assertThat(latest.score()).isEqualTo(55);
              assertThat(latest.band()).isEqualTo(HealthBand.AT_RISK);
              assertThat(latest.trend()).isEqualTo("NEW");
              assertThat(latest.components()).isEqualTo(HealthScore.of(SCORE_55).components());
              assertThat(latest.scoredAt()).isEqualTo(START);
            });
    assertThat(timeline.forCustomer(ACME.id(), 10))
        .containsExactly(new TimelineItem(START, "SCORE", null, null, "Health 55 (AT_RISK)"));
  }

  @Test
  void theTrendComparesWithThePreviousScore() {
    ScoredHealth first = scoring.record(ACME.id(), SCORE_90);
    clock.advance(Duration.ofDays(1));
    ScoredHealth up = scoring.record(ACME.id(), SCORE_96);
    clock.advance(Duration.ofDays(1));
    ScoredHealth down = scoring.record(ACME.id(), SCORE_90);
    clock.advance(Duration.ofDays(1));
    ScoredHealth stable = scoring.record(ACME.id(), SCORE_90);

    assertThat(first.trend()).isEqualTo("NEW");
    assertThat(first.previousScore()).isNull();
    assertThat(up.trend()).isEqualTo("UP");
    assertThat(up.previousScore()).isEqualTo(90);
    assertThat(down.trend()).isEqualTo("DOWN");
    assertThat(down.previousScore()).isEqualTo(96);
    assertThat(stable.trend()).isEqualTo("STABLE");
    assertThat(stable.previousScore()).isEqualTo(90);
    assertThat(scoring.latest(ACME.id()).orElseThrow().trend()).isEqualTo("STABLE");
    assertThat(timeline.forCustomer(ACME.id(), 1))
        .extracting(TimelineItem::summary)
        .containsExactly("Health 90 (HEALTHY), was 90");
  }

  @Test
  void aDropOf15PointsWithin30DaysAlertsTheCsmEvenWithinTheSameBand() {
    scoring.record(ACME.id(), SCORE_100);
    clock.advance(Duration.ofDays(20));

    ScoredHealth scored = scoring.record(ACME.id(), SCORE_85);

    assertThat(scored.band()).isEqualTo(HealthBand.HEALTHY);
    assertThat(scored.dropWithin30Days()).isEqualTo(15);
    assertThat(tasks.forCustomer(ACME.id()))
        .singleElement()
        .satisfies(
            task -> {
              assertThat(task.assignee()).isEqualTo("CSM");
              assertThat(task.assigneeEmail()).isEqualTo(PETRA.email());
              assertThat(task.priority()).isEqualTo("HIGH");
              assertThat(task.title()).isEqualTo("Health dropped 15 points within 30 days");
              assertThat(task.dueAt()).isEqualTo(clock.instant().plus(Duration.ofDays(1)));
              assertThat(task.workflowId()).isNull();
            });
    assertThat(timeline.forCustomer(ACME.id(), 10))
        .filteredOn(item -> item.kind().equals("ALERT"))
        .singleElement()
        .satisfies(
            alert -> {
              assertThat(alert.at()).isEqualTo(clock.instant());
              assertThat(alert.summary()).isEqualTo("Health dropped 15 points: CSM alerted");
            });
  }

  @Test
  void aContinuingSlideAlertsOnce_notForEveryLaterScore() {
    scoring.record(ACME.id(), SCORE_100);
    clock.advance(Duration.ofDays(1));
    ScoredHealth crossed = scoring.record(ACME.id(), SCORE_85);
    clock.advance(Duration.ofDays(1));
    ScoredHealth still = scoring.record(ACME.id(), SCORE_85);

    assertThat(crossed.dropAlerted()).isTrue();
    assertThat(still.dropWithin30Days()).isEqualTo(15);
    assertThat(still.dropAlerted()).isFalse();
    assertThat(tasks.forCustomer(ACME.id())).hasSize(1);
  }

  @Test
  void aDropOf14PointsDoesNotAlert() {
    scoring.record(ACME.id(), SCORE_100);
    clock.advance(Duration.ofDays(1));

    ScoredHealth scored = scoring.record(ACME.id(), SCORE_86);

    assertThat(scored.dropWithin30Days()).isEqualTo(14);
    assertThat(tasks.forCustomer(ACME.id())).isEmpty();
    assertThat(timeline.forCustomer(ACME.id(), 10))
        .extracting(TimelineItem::kind)
        .containsOnly("SCORE");
  }

  @Test
  void aGradualDropIsMeasuredFromTheHighestScoreInTheWindow() {
    scoring.record(ACME.id(), SCORE_100);
    clock.advance(Duration.ofDays(10));
    ScoredHealth middle = scoring.record(ACME.id(), SCORE_90);
    clock.advance(Duration.ofDays(10));
    ScoredHealth last = scoring.record(ACME.id(), SCORE_85);

    assertThat(middle.dropWithin30Days()).isEqualTo(10);
    assertThat(last.previousScore()).isEqualTo(90);
    assertThat(last.dropWithin30Days()).isEqualTo(15);
    assertThat(tasks.forCustomer(ACME.id())).hasSize(1);
  }

  @Test
  void aScoreFromExactly30DaysAgoStillCounts() {
    scoring.record(ACME.id(), SCORE_100);
    clock.advance(Duration.ofDays(30));

    assertThat(scoring.record(ACME.id(), SCORE_85).dropWithin30Days()).isEqualTo(15);
    assertThat(tasks.forCustomer(ACME.id())).hasSize(1);
  }

  @Test
  void aHighScoreFrom31DaysAgoDoesNotCount() {
    scoring.record(ACME.id(), SCORE_100);
    clock.advance(Duration.ofDays(31));

    ScoredHealth scored = scoring.record(ACME.id(), SCORE_85);

    assertThat(scored.trend()).isEqualTo("DOWN");
    assertThat(scored.previousScore()).isEqualTo(100);
    assertThat(scored.dropWithin30Days()).isZero();
    assertThat(tasks.forCustomer(ACME.id())).isEmpty();
    assertThat(timeline.forCustomer(ACME.id(), 10))
        .extracting(TimelineItem::kind)
        .containsOnly("SCORE");
  }

  @Test
  void scoresOfOtherCustomersDoNotCount() {
    scoring.record(Fixtures.GLOBEX.id(), SCORE_100);

    ScoredHealth scored = scoring.record(ACME.id(), SCORE_85);

    assertThat(scored.trend()).isEqualTo("NEW");
    assertThat(scored.dropWithin30Days()).isZero();
    assertThat(tasks.forCustomer(ACME.id())).isEmpty();
  }

  /**
   * Two metric posts for one customer at the same moment, many times over: one sees no previous
   * score, the other sees the first's; and a 15-point drop alerts the CSM once, not twice.
   */
  @Test
  void concurrentScoresOfOneCustomerAreSerialised() throws Exception {
    CustomerDirectory directory = new CustomerDirectory(jdbc);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 25; round++) {
        Customer customer =
            new Customer(
                "c-race-" + round,
                "Race " + round,
                "race@acme.test",
                PETRA.id(),
                "Growth",
                new BigDecimal("10.00"),
                100,
                "UTC",
                "en");
        directory.upsertCustomer(customer);

        List<ScoredHealth> firstTwo = together(pool, customer.id(), SCORE_100, SCORE_100);
        assertThat(firstTwo)
            .as("round " + round)
            .extracting(ScoredHealth::previousScore)
            .containsExactlyInAnyOrder(null, 100);

        List<ScoredHealth> drops = together(pool, customer.id(), SCORE_85, SCORE_85);
        assertThat(drops).as("round " + round).filteredOn(ScoredHealth::dropAlerted).hasSize(1);
        assertThat(drops)
            .as("round " + round)
            .extracting(ScoredHealth::previousScore)
            .containsExactlyInAnyOrder(100, 85);
        assertThat(tasks.forCustomer(customer.id())).as("round " + round).hasSize(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Both scores recorded at once, released by one barrier. */
  private List<ScoredHealth> together(
      ExecutorService pool, String customerId, HealthMetrics a, HealthMetrics b) throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(2);
    Callable<ScoredHealth> first =
        () -> {
          barrier.await(10, TimeUnit.SECONDS);
          return scoring.record(customerId, a);
        };
    Callable<ScoredHealth> second =
        () -> {
          barrier.await(10, TimeUnit.SECONDS);
          return scoring.record(customerId, b);
        };
    List<ScoredHealth> results = new ArrayList<>();
    for (Future<ScoredHealth> f : pool.invokeAll(List.of(first, second))) {
      results.add(f.get(30, TimeUnit.SECONDS));
    }
    return results;
  }

  private static HealthMetrics metrics(
      int queries, int features, int logins, double opens, int tickets, Sentiment sentiment) {
    return new HealthMetrics(queries, features, logins, opens, tickets, sentiment, 0.5);
  }
}
