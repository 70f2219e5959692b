package dev.retention.data.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retention.activities.testing.Fixtures;
import dev.retention.activities.testing.MutableClock;
import dev.retention.activities.testing.PostgresExtension;
import dev.retention.data.crm.CrmTasks;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.ledger.Timeline;
import java.time.Duration;
import java.time.Instant;
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
 * The model's versions in PostgreSQL: the shipped default is version 1, drafts are validated, one
 * version is published at a time, publishing applies to new scores only (each score names its
 * version), rolling back is publishing an older version; the preview counts who changes band; a
 * backend's own score is put in the published bands.
 */
@ExtendWith(PostgresExtension.class)
class HealthModelsTest {

  private static final Instant START = Instant.parse("2026-03-02T06:00:00Z");

  /** Half the default's at-risk band turns critical: 0–49 critical, 50–59 at risk. */
  static final String HIGHER_CRITICAL =
      HealthModel.defaultJson()
          .replace("\"max\": 39}", "\"max\": 49}")
          .replace("\"min\": 40, \"max\": 59}", "\"min\": 50, \"max\": 59}");

  private static JdbcClient jdbc;
  private static TransactionTemplate tx;

  private final MutableClock clock = new MutableClock(START);
  private HealthModels models;
  private HealthScoring scoring;

  @BeforeAll
  static void wire(DataSource dataSource) {
    jdbc = JdbcClient.create(dataSource);
    tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }

  @BeforeEach
  void setUp() {
    Fixtures.petraWithCustomers(new CustomerDirectory(jdbc));
    models = new HealthModels(jdbc, tx, clock);
    scoring = new HealthScoring(jdbc, tx, new Timeline(jdbc), new CrmTasks(jdbc), clock, models);
  }

  @Test
  void theShippedDefault_isVersionOne_published() {
    HealthModels.Published published = models.published();
    assertThat(published.version()).isEqualTo(1);
    assertThat(published.model()).isEqualTo(HealthModel.defaults());
    assertThat(models.versions())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.status()).isEqualTo("PUBLISHED");
              assertThat(v.createdBy()).isEqualTo(HealthModels.SYSTEM);
              assertThat(v.definition()).isEqualTo(HealthModel.defaultJson());
            });
  }

  @Test
  void aDraftIsValidated_andPublishingKeepsOnePublishedVersion_andRollsBack() {
    assertThatThrownBy(() -> models.draft("{\"format\": 1}", "admin", null))
        .isInstanceOfSatisfying(
            HealthModel.Invalid.class, e -> assertThat(e.pointer()).isEqualTo("/components"));
    HealthModels.Version draft = models.draft(HIGHER_CRITICAL, "person:ann", "critical below 50");
    assertThat(draft.version()).isEqualTo(2);
    assertThat(draft.status()).isEqualTo("DRAFT");
    assertThat(models.published().version()).isEqualTo(1);

    clock.advance(Duration.ofMinutes(5));
    HealthModels.Version published = models.publish(2, "person:ann", "go").orElseThrow();
    assertThat(published.status()).isEqualTo("PUBLISHED");
    assertThat(published.publishedBy()).isEqualTo("person:ann");
    assertThat(published.publishedAt()).isEqualTo(START.plus(Duration.ofMinutes(5)));
    assertThat(published.note()).isEqualTo("go");
    assertThat(models.published().version()).isEqualTo(2);
    assertThat(models.versions())
        .extracting(HealthModels.Version::version, HealthModels.Version::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2, "PUBLISHED"),
            org.assertj.core.groups.Tuple.tuple(1, "SUPERSEDED"));
    assertThatThrownBy(() -> models.publish(2, "person:ann", null))
        .isInstanceOf(HealthModels.NotPublishable.class);
    assertThat(models.publish(9, "person:ann", null)).isEmpty();

    // Rolling back is publishing the older version again.
    models.publish(1, "person:ann", "back to the default");
    assertThat(models.published().version()).isEqualTo(1);
    assertThat(
            jdbc.sql("select count(*) from health_models where status = 'PUBLISHED'")
                .query(Integer.class)
                .single())
        .isEqualTo(1);
  }

  @Test
  void publishingAppliesToNewScoresOnly_andEachScoreNamesItsVersion() {
    // 0 + 15 + 11.25 + ... : (1 query, 1 feature) 20 + 15 + 11.25 = 46.25 → 46, at risk.
    HealthMetrics metrics = new HealthMetrics(1, 1, 0, 0.0, 3, Sentiment.NEGATIVE, 0.5);
    ScoredHealth before = scoring.record(Fixtures.ACME.id(), metrics);
    assertThat(before.band()).isEqualTo(HealthBand.AT_RISK);
    assertThat(before.modelVersion()).isEqualTo(1);

    models.draft(HIGHER_CRITICAL, "person:ann", null);
    models.publish(2, "person:ann", "critical below 50");
    clock.advance(Duration.ofDays(1));
    ScoredHealth after = scoring.record(Fixtures.ACME.id(), metrics);
    assertThat(after.score()).isEqualTo(46);
    assertThat(after.band()).isEqualTo(HealthBand.CRITICAL);
    assertThat(after.modelVersion()).isEqualTo(2);

    List<String> stored =
        jdbc.sql(
                "select band || '@' || model_version from health_scores where customer_id = :c"
                    + " order by scored_at")
            .param("c", Fixtures.ACME.id())
            .query(String.class)
            .list();
    assertThat(stored).containsExactly("AT_RISK@1", "CRITICAL@2");
  }

  @Test
  void thePreview_countsTheCustomersThatChangeBand_fromTheirLatestMetrics() {
    // Acme 46 (at risk, becomes critical); Globex 86 (healthy, stays).
    scoring.record(Fixtures.ACME.id(), new HealthMetrics(1, 1, 0, 0.0, 3, Sentiment.NEGATIVE, 0.5));
    scoring.record(
        Fixtures.GLOBEX.id(), new HealthMetrics(1, 5, 3, 0.6, 0, Sentiment.POSITIVE, 0.5));
    HealthModelPreview preview = new HealthModelPreview(jdbc);

    HealthModelPreview.Result same = preview.preview(HealthModel.defaults());
    assertThat(same.customers()).isEqualTo(2);
    assertThat(same.changed()).isZero();
    assertThat(same.changes()).isEmpty();

    HealthModelPreview.Result higher = preview.preview(HealthModel.parse(HIGHER_CRITICAL));
    assertThat(higher.customers()).isEqualTo(2);
    assertThat(higher.changed()).isEqualTo(1);
    assertThat(higher.scoreChanged()).isZero();
    assertThat(higher.changes())
        .containsExactly(
            new HealthModelPreview.Change(
                Fixtures.ACME.id(), 46, HealthBand.AT_RISK, 46, HealthBand.CRITICAL));

    // Usage weighs nothing, support all: Acme 37.5 → 38 critical; Globex 100 healthy.
    HealthModelPreview.Result reweighted =
        preview.preview(
            HealthModel.parse(
                HealthModel.defaultJson()
                    .replace("\"weight\": 0.4", "\"weight\": 0")
                    .replaceFirst("\"weight\": 0\\.3,", "\"weight\": 0,")
                    .replace("\"weight\": 0.3,", "\"weight\": 1,")));
    assertThat(reweighted.changed()).isEqualTo(1);
    assertThat(reweighted.scoreChanged()).isEqualTo(2);
    assertThat(reweighted.changes())
        .containsExactly(
            new HealthModelPreview.Change(
                Fixtures.ACME.id(), 46, HealthBand.AT_RISK, 38, HealthBand.CRITICAL));
    // Nothing was stored.
    assertThat(jdbc.sql("select count(*) from health_scores").query(Integer.class).single())
        .isEqualTo(2);
  }

  @Test
  void aBackendsOwnScore_isPutInThePublishedBands_withoutComponents() {
    ScoredHealth first = scoring.recordOwn(Fixtures.ACME.id(), 72, 0.9);
    assertThat(first.band()).isEqualTo(HealthBand.NEUTRAL);
    assertThat(first.components()).isNull();
    assertThat(first.planUsage()).isEqualTo(0.9);
    assertThat(first.modelVersion()).isEqualTo(1);
    clock.advance(Duration.ofDays(1));
    ScoredHealth second = scoring.recordOwn(Fixtures.ACME.id(), 45, null);
    assertThat(second.band()).isEqualTo(HealthBand.AT_RISK);
    assertThat(second.previousScore()).isEqualTo(72);
    assertThat(second.trend()).isEqualTo("DOWN");
    // A drop of 27 points within 30 days alerts the CSM, as for a computed score.
    assertThat(second.dropAlerted()).isTrue();
    assertThat(second.planUsage()).isEqualTo(0.9);
    assertThat(scoring.latest(Fixtures.ACME.id()).orElseThrow().components()).isNull();
    assertThat(
            jdbc.sql("select source from health_scores where customer_id = :c")
                .param("c", Fixtures.ACME.id())
                .query(String.class)
                .list())
        .containsOnly("BACKEND");
  }
}
