package dev.retention.data.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The health score of docs/playbooks.md (Health score) under the shipped default model, edge by
 * edge. Where the source's ranges overlap, the lower range's upper bound is exclusive (10 queries →
 * 75, 5 logins → 100, 20% opens → 75, 50% → 100); no query at all and no feature at all score 0
 * (the zero-use tiers that make the critical band reachable).
 */
class HealthScoreTest {

  private static final HealthModel DEFAULTS = HealthModel.defaults();

  @ParameterizedTest(name = "{0} queries/week → {1}")
  @CsvSource({"0, 0", "1, 50", "9, 50", "10, 75", "49, 75", "50, 100", "500, 100"})
  void queriesPerWeek(int queries, int expected) {
    assertThat(HealthModel.tier(DEFAULTS.queriesPerWeek(), queries)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} features → {1}")
  @CsvSource({"0, 0", "1, 50", "2, 50", "3, 75", "4, 75", "5, 100", "12, 100"})
  void featuresUsed(int features, int expected) {
    assertThat(HealthModel.tier(DEFAULTS.featuresUsed(), features)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} logins/week → {1}")
  @CsvSource({"0, 50", "2, 50", "3, 75", "4, 75", "5, 100", "30, 100"})
  void loginsPerWeek(int logins, int expected) {
    assertThat(HealthModel.tier(DEFAULTS.loginsPerWeek(), logins)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "open rate {0} → {1}")
  @CsvSource({"0.0, 50", "0.19, 50", "0.20, 75", "0.49, 75", "0.50, 100", "1.0, 100"})
  void emailOpenRate(double rate, int expected) {
    assertThat(HealthModel.tier(DEFAULTS.emailOpenRate(), rate)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} open tickets → {1}")
  @CsvSource({"0, 100", "1, 75", "2, 75", "3, 50", "20, 50"})
  void openTickets(int tickets, int expected) {
    assertThat(HealthModel.tier(DEFAULTS.openTickets(), tickets)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({"NEGATIVE, 25", "NEUTRAL, 75", "POSITIVE, 100"})
  void sentiment(Sentiment sentiment, int expected) {
    assertThat(DEFAULTS.sentiment().get(sentiment)).isEqualTo(expected);
  }

  @Test
  void everySentimentHasAScore() {
    assertThat(Sentiment.values())
        .extracting(DEFAULTS.sentiment()::get)
        .containsExactly(25, 75, 100);
  }

  @Test
  void weightsUsageEngagementAndSupport() {
    // Usage mean(75, 100) = 87.5; engagement mean(50, 100) = 75; support mean(75, 75) = 75.
    HealthScore health =
        HealthScore.of(new HealthMetrics(10, 5, 2, 0.50, 1, Sentiment.NEUTRAL, 0.4));

    assertThat(health.components()).isEqualTo(new HealthScore.Components(87.5, 75, 75));
    // 87.5 × 0.4 + 75 × 0.3 + 75 × 0.3 = 35 + 22.5 + 22.5
    assertThat(health.score()).isEqualTo(80);
    assertThat(health.band()).isEqualTo(HealthBand.HEALTHY);
  }

  @ParameterizedTest(name = "{0} q, {1} f, {2} logins, {3} opens, {4} tickets, {5} → {6} {7}")
  @CsvSource({
    // Best and worst metrics: the range is 26–100 (no query and no feature: usage 0).
    "50, 5, 5, 0.50, 0, POSITIVE, 100, HEALTHY",
    "0, 0, 0, 0.00, 3, NEGATIVE, 26, CRITICAL", // 0 + 15 + 11.25 = 26.25
    // Some use, the worst of the rest: 20 + 15 + 11.25 = 46.25, as before the zero-use tiers.
    "1, 1, 0, 0.00, 3, NEGATIVE, 46, AT_RISK",
    // No query this week, one feature: usage 25; 10 + 15 + 11.25 = 36.25.
    "0, 1, 0, 0.00, 3, NEGATIVE, 36, CRITICAL",
    // Halves round up: 20 + 15 + 22.5 = 57.5
    "1, 1, 0, 0.10, 3, POSITIVE, 58, AT_RISK",
    // Quarters round to the nearest point: 30 + 15 + 18.75 = 63.75
    "1, 5, 0, 0.10, 3, NEUTRAL, 64, NEUTRAL",
    // Band edges reached through the formula: 37.5 → 38 critical (the highest critical score the
    // metrics give), 40 at risk (10 + 15 + 15), 58.75 → 59 at risk, 60 neutral, 78.75 → 79, 80.
    "0, 0, 0, 0.00, 1, NEUTRAL, 38, CRITICAL",
    "0, 1, 0, 0.00, 1, NEGATIVE, 40, AT_RISK",
    "1, 3, 0, 0.10, 3, NEUTRAL, 59, AT_RISK",
    "1, 5, 0, 0.10, 1, NEGATIVE, 60, NEUTRAL",
    "1, 5, 0, 0.30, 0, POSITIVE, 79, NEUTRAL",
    "1, 1, 5, 0.60, 0, POSITIVE, 80, HEALTHY",
  })
  void scoresAndBands(
      int queries,
      int features,
      int logins,
      double opens,
      int tickets,
      Sentiment sentiment,
      int score,
      HealthBand band) {
    HealthScore health =
        HealthScore.of(
            new HealthMetrics(queries, features, logins, opens, tickets, sentiment, 0.5));

    assertThat(health.score()).isEqualTo(score);
    assertThat(health.band()).isEqualTo(band);
  }

  @Test
  void planUsageDoesNotChangeTheScore() {
    HealthMetrics idle = new HealthMetrics(10, 3, 3, 0.3, 1, Sentiment.NEUTRAL, 0.0);
    HealthMetrics busy = new HealthMetrics(10, 3, 3, 0.3, 1, Sentiment.NEUTRAL, 0.99);

    assertThat(HealthScore.of(busy)).isEqualTo(HealthScore.of(idle));
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
    "100, HEALTHY",
    "80, HEALTHY",
    "79, NEUTRAL",
    "60, NEUTRAL",
    "59, AT_RISK",
    "40, AT_RISK",
    "39, CRITICAL",
    "0, CRITICAL"
  })
  void bandEdges(int score, HealthBand band) {
    assertThat(HealthBand.of(score)).isEqualTo(band);
  }
}
