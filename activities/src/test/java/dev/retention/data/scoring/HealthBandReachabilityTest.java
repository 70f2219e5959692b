package dev.retention.data.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every band, critical included, is reachable from metrics with the shipped default model: a search
 * of the metrics' space (every value up to past the highest tier boundary, and open rates on and
 * around each boundary) finds a witness for each band. Before the zero-use tiers the lowest score
 * was 46 and no metrics reached CRITICAL (0–39).
 */
class HealthBandReachabilityTest {

  private static final double[] OPEN_RATES = {0.0, 0.1, 0.19999, 0.2, 0.35, 0.49999, 0.5, 1.0};

  @Test
  void everyBandIsReachable_withTheShippedDefault() {
    Map<HealthBand, HealthMetrics> witness = new EnumMap<>(HealthBand.class);
    int lowest = 100;
    int highest = 0;
    long searched = 0;
    for (int queries = 0; queries <= 60; queries++) {
      for (int features = 0; features <= 7; features++) {
        for (int logins = 0; logins <= 7; logins++) {
          for (double opens : OPEN_RATES) {
            for (int tickets = 0; tickets <= 5; tickets++) {
              for (Sentiment sentiment : Sentiment.values()) {
                HealthMetrics m =
                    new HealthMetrics(queries, features, logins, opens, tickets, sentiment, 0.5);
                HealthScore health = HealthScore.of(m);
                witness.putIfAbsent(health.band(), m);
                lowest = Math.min(lowest, health.score());
                highest = Math.max(highest, health.score());
                searched++;
              }
            }
          }
        }
      }
    }

    assertThat(searched).isEqualTo(61L * 8 * 8 * OPEN_RATES.length * 6 * 3);
    assertThat(witness).as("a witness per band").containsOnlyKeys(HealthBand.values());
    // No query, no feature, few logins, few opens, 3+ tickets, negative: 0 + 15 + 11.25.
    assertThat(lowest).isEqualTo(26);
    assertThat(highest).isEqualTo(100);
    assertThat(HealthScore.of(witness.get(HealthBand.CRITICAL)).score()).isLessThan(40);
  }

  @Test
  void aCustomerWithNoUseAtAll_isCritical() {
    HealthMetrics idle = new HealthMetrics(0, 0, 0, 0.0, 0, Sentiment.NEUTRAL, 0.0);
    // Usage 0, engagement 50, support 87.5: 0 + 15 + 26.25 = 41.25; a negative sentiment, or any
    // open ticket, takes it below 40.
    assertThat(HealthScore.of(idle).score()).isEqualTo(41);
    assertThat(HealthScore.of(new HealthMetrics(0, 0, 0, 0.0, 1, Sentiment.NEUTRAL, 0.0)).band())
        .isEqualTo(HealthBand.CRITICAL);
  }
}
