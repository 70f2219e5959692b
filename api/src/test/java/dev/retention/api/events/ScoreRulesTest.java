package dev.retention.api.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.data.customers.Customer;
import dev.retention.data.definitions.PlaybookDefinitions;
import dev.retention.data.scoring.HealthBand;
import dev.retention.data.scoring.HealthModel;
import dev.retention.data.scoring.HealthModels;
import dev.retention.data.scoring.HealthScore;
import dev.retention.data.scoring.ScoredHealth;
import dev.retention.workflows.engine.PlaybookDefinition;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A batch judges all its customers' new scores by the published model and definitions read once
 * ({@link CustomerEvents#scoreRules}), not once per customer with a previous score; a single post
 * still reads them when it needs them.
 */
class ScoreRulesTest {

  private final AtomicInteger modelReads = new AtomicInteger();
  private final AtomicInteger definitionReads = new AtomicInteger();

  private final HealthModels models =
      new HealthModels(null, null, Clock.systemUTC()) {
        @Override
        public Published published() {
          modelReads.incrementAndGet();
          return new Published(1, HealthModel.defaults());
        }
      };

  private final PlaybookDefinitions definitions =
      new PlaybookDefinitions(null, null, Clock.systemUTC()) {
        @Override
        public List<PlaybookDefinition> publishedAll() {
          definitionReads.incrementAndGet();
          return List.of();
        }
      };

  private final CustomerEvents events =
      new CustomerEvents(
          definitions, null, null, null, null, null, null, Clock.systemUTC(), models);

  @Test
  void aBatchReadsTheModelAndTheDefinitionsOnce_forAllItsCustomers() {
    CustomerEvents.ScoreRules rules = events.scoreRules();
    for (int i = 0; i < 50; i++) {
      CustomerEvents.Touched touched =
          events.healthScored(customer("c-" + i), healthy(75, 70), List.of(), rules);
      assertThat(touched.started()).isEmpty();
    }
    assertThat(modelReads).hasValue(1);
    assertThat(definitionReads).hasValue(1);
  }

  @Test
  void aSinglePostReadsTheModelOnlyWhenThereIsAPreviousScore() {
    CustomerEvents.ScoreRules live =
        new CustomerEvents.ScoreRules(
            () -> models.published().model(), () -> definitions.publishedAll());
    events.healthScored(customer("new"), healthy(75, null), List.of(), live);
    assertThat(modelReads).hasValue(0);
    events.healthScored(customer("known"), healthy(75, 70), List.of(), live);
    assertThat(modelReads).hasValue(1);
    assertThat(definitionReads).hasValue(2);
  }

  private static Customer customer(String id) {
    return new Customer(
        id, "Acme", "ops@acme.example", "csm-1", "pro", BigDecimal.TEN, 100, "UTC", "en");
  }

  private static ScoredHealth healthy(int score, Integer before) {
    return new ScoredHealth(
        score,
        HealthBand.HEALTHY,
        before == null ? "NEW" : "UP",
        new HealthScore.Components(0.8, 0.7, 0.9),
        Instant.parse("2026-01-05T10:00:00Z"),
        before,
        0,
        false,
        0.5,
        before == null ? null : 0.5,
        1);
  }
}
