package dev.retention.activities.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The health score of docs/playbooks.md (Health score), edge by edge. Where the source's ranges
 * overlap, the lower range's upper bound is exclusive (10 queries → 75, 5 logins → 100, 20% opens →
 * 75, 50% → 100).
 */
class HealthScoreTest {

  @ParameterizedTest(name = "{0} queries/week → {1}")
  @CsvSource({"0, 50", "9, 50", "10, 75", "49, 75", "50, 100", "500, 100"})
  void queriesPerWeek(int queries, int expected) {
    assertThat(HealthScore.queriesScore(queries)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} features → {1}")
  @CsvSource({"0, 50", "1, 50", "2, 50", "3, 75", "4, 75", "5, 100", "12, 100"})
  void featuresUsed(int features, int expected) {
    assertThat(HealthScore.featuresScore(features)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} logins/week → {1}")
  @CsvSource({"0, 50", "2, 50", "3, 75", "4, 75", "5, 100", "30, 100"})
  void loginsPerWeek(int logins, int expected) {
    assertThat(HealthScore.loginsScore(logins)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "open rate {0} → {1}")
  @CsvSource({"0.0, 50", "0.19, 50", "0.20, 75", "0.49, 75", "0.50, 100", "1.0, 100"})
  void emailOpenRate(double rate, int expected) {
    assertThat(HealthScore.openRateScore(rate)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} open tickets → {1}")
  @CsvSource({"0, 100", "1, 75", "2, 75", "3, 50", "20, 50"})
  void openTickets(int tickets, int expected) {
    assertThat(HealthScore.ticketsScore(tickets)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({"NEGATIVE, 25", "NEUTRAL, 75", "POSITIVE, 100"})
  void sentiment(Sentiment sentiment, int expected) {
    assertThat(HealthScore.sentimentScore(sentiment)).isEqualTo(expected);
  }

  @Test
  void everySentimentHasAScore() {
    assertThat(Sentiment.values())
        .extracting(HealthScore::sentimentScore)
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
    // Best and worst metrics: the formula's range is 46–100 (sentiment alone goes down to 25).
    "50, 5, 5, 0.50, 0, POSITIVE, 100, HEALTHY",
    "0, 1, 0, 0.00, 3, NEGATIVE, 46, AT_RISK", // 20 + 15 + 11.25 = 46.25
    // Halves round up: 20 + 15 + 22.5 = 57.5
    "0, 1, 0, 0.10, 3, POSITIVE, 58, AT_RISK",
    // Quarters round to the nearest point: 30 + 15 + 18.75 = 63.75
    "0, 5, 0, 0.10, 3, NEUTRAL, 64, NEUTRAL",
    // Band edges reached through the formula: 58.75 → 59 at risk, 60 neutral, 78.75 → 79, 80.
    "0, 3, 0, 0.10, 3, NEUTRAL, 59, AT_RISK",
    "0, 5, 0, 0.10, 1, NEGATIVE, 60, NEUTRAL",
    "0, 5, 0, 0.30, 0, POSITIVE, 79, NEUTRAL",
    "0, 1, 5, 0.60, 0, POSITIVE, 80, HEALTHY",
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
