package dev.retention.data.reports;

import static dev.retention.activities.testing.Fixtures.ACME;
import static dev.retention.activities.testing.Fixtures.GLOBEX;
import static dev.retention.activities.testing.Fixtures.PETRA;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.activities.ledger.LedgerActivitiesImpl;
import dev.retention.activities.testing.Fixtures;
import dev.retention.activities.testing.PostgresExtension;
import dev.retention.data.crm.TaskQueue;
import dev.retention.data.customers.Csm;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.feedback.NpsResponses;
import dev.retention.data.ledger.RunProjection;
import dev.retention.data.ledger.RunRecords;
import dev.retention.data.ledger.Timeline;
import dev.retention.workflows.ports.LedgerUpdate;
import dev.retention.workflows.ports.RunSnapshot;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The reports against real PostgreSQL with known runs and answers, inside and outside the window.
 */
@ExtendWith(PostgresExtension.class)
class ReportsTest {

  static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant TO = Instant.parse("2026-12-01T00:00:00Z");
  static final Instant IN = Instant.parse("2026-11-10T09:00:00Z");
  static final Instant BEFORE = Instant.parse("2026-10-31T23:59:59Z");

  /** No CSM filter: every CSM's runs and answers. */
  static final List<String> EVERY_CSM = null;

  /** Sam, on another team, with one customer of his own. */
  static final Csm SAM =
      new Csm("csm-sam", "Sam Okafor", "sam@retention.test", "other.manager@retention.test");

  static final Customer INITECH =
      new Customer(
          "c-99",
          "Initech",
          "it@initech.test",
          SAM.id(),
          "Growth",
          new BigDecimal("250.00"),
          500,
          "Europe/Amsterdam",
          "en");

  JdbcClient jdbc;
  DataSource dataSource;
  Reports reports;
  NpsResponses nps;
  int runs;

  @BeforeEach
  void setUp(DataSource dataSource) {
    this.dataSource = dataSource;
    jdbc = JdbcClient.create(dataSource);
    CustomerDirectory directory = new CustomerDirectory(jdbc);
    Fixtures.petraWithCustomers(directory);
    directory.upsertCsm(SAM);
    directory.upsertCustomer(INITECH);
    reports = new Reports(jdbc);
    nps = new NpsResponses(jdbc);
  }

  private void run(String playbook, String status, String outcome, Instant startedAt) {
    run(playbook, status, outcome, startedAt, null);
  }

  private void run(
      String playbook, String status, String outcome, Instant startedAt, Duration firstValue) {
    run(PETRA.id(), playbook, status, outcome, startedAt, firstValue);
  }

  private void run(
      String csmId,
      String playbook,
      String status,
      String outcome,
      Instant startedAt,
      Duration firstValue) {
    runs++;
    jdbc.sql(
            """
            insert into playbook_runs (run_id, workflow_id, playbook, customer_id, csm_id, status,
              outcome, started_at, first_value_at)
            values (:r, :w, :p, :c, :csm, :s, :o, :at, :fv)
            """)
        .param("r", "run-" + runs)
        .param("w", playbook + "-" + runs)
        .param("p", playbook)
        .param("c", csmId.equals(SAM.id()) ? INITECH.id() : runs % 2 == 0 ? ACME.id() : GLOBEX.id())
        .param("csm", csmId)
        .param("s", status)
        .param("o", outcome)
        .param("at", Timestamp.from(startedAt))
        .param("fv", firstValue == null ? null : Timestamp.from(startedAt.plus(firstValue)))
        .update();
  }

  @Test
  void playbooks_countStartsRunningAndOutcomes_withSaveAndUpgradeRates() {
    run("at-risk", "COMPLETED", "SAVED", IN);
    run("at-risk", "COMPLETED", "RECOVERED", IN);
    run("at-risk", "COMPLETED", "CHURNING", IN);
    run("at-risk", "COMPLETED", "CHURNED", IN);
    run("at-risk", "COMPLETED", "SUPERSEDED", IN);
    run("at-risk", "RUNNING", null, IN);
    run("at-risk", "COMPLETED", "SAVED", BEFORE);
    run("cancellation-save", "COMPLETED", "SAVED", IN);
    run("cancellation-save", "RUNNING", "CHURNED", IN);
    run("expansion", "COMPLETED", "UPGRADED", IN);
    run("expansion", "COMPLETED", "EXPIRED", IN);
    run("expansion", "CANCELLED", "CANCELLED", IN);
    run("expansion", "COMPLETED", "DECLINED", TO);

    var byPlaybook =
        reports.playbooks(FROM, TO, EVERY_CSM).stream()
            .collect(java.util.stream.Collectors.toMap(Reports.PlaybookReport::playbook, r -> r));

    var atRisk = byPlaybook.get("at-risk");
    assertThat(atRisk.started()).isEqualTo(6);
    assertThat(atRisk.running()).isEqualTo(1);
    assertThat(atRisk.outcomes())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("SAVED", 1L, "RECOVERED", 1L, "CHURNING", 1L, "CHURNED", 1L, "SUPERSEDED", 1L));
    // (SAVED + RECOVERED) / decided runs without CANCELLED/SUPERSEDED = 2 / 4.
    assertThat(atRisk.saveRate()).isEqualTo(0.5);
    assertThat(atRisk.upgradeRate()).isNull();

    var cancellation = byPlaybook.get("cancellation-save");
    assertThat(cancellation.started()).isEqualTo(2);
    assertThat(cancellation.running()).isEqualTo(1);
    assertThat(cancellation.saveRate()).isEqualTo(0.5);

    var expansion = byPlaybook.get("expansion");
    assertThat(expansion.started()).isEqualTo(3);
    assertThat(expansion.upgradeRate()).isEqualTo(0.5);
    assertThat(expansion.saveRate()).isNull();

    var onboarding = byPlaybook.get("onboarding");
    assertThat(onboarding.started()).isZero();
    assertThat(onboarding.outcomes()).isEmpty();
    assertThat(byPlaybook).containsKeys("nps-follow-up");
  }

  @Test
  void nps_isPercentPromotersMinusPercentDetractors_withinTheWindow() {
    for (int score : new int[] {10, 9, 9, 8, 7, 6, 0}) {
      nps.record(ACME.id(), score, null, null, IN);
    }
    nps.record(ACME.id(), 0, "outside", null, BEFORE);
    nps.record(ACME.id(), 0, "at to: excluded", null, TO);

    Reports.NpsReport report = reports.nps(FROM, TO, EVERY_CSM);

    assertThat(report.responses()).isEqualTo(7);
    assertThat(report.promoters()).isEqualTo(3);
    assertThat(report.passives()).isEqualTo(2);
    assertThat(report.detractors()).isEqualTo(2);
    // (3 - 2) / 7 = 14.29% → 14
    assertThat(report.nps()).isEqualTo(14);
  }

  @Test
  void nps_withoutAnswers_isNull_andAllDetractorsIsMinus100() {
    assertThat(reports.nps(FROM, TO, EVERY_CSM).nps()).isNull();
    nps.record(GLOBEX.id(), 2, null, null, IN);
    assertThat(reports.nps(FROM, TO, EVERY_CSM).nps()).isEqualTo(-100);
  }

  @Test
  void onboarding_completionRateAndMedianTimeToFirstValue() {
    run("onboarding", "COMPLETED", "COMPLETED", IN, Duration.ofHours(2));
    run("onboarding", "COMPLETED", "COMPLETED", IN, Duration.ofHours(10));
    run("onboarding", "COMPLETED", "INCOMPLETE", IN, Duration.ofHours(30));
    run("onboarding", "COMPLETED", "TRIAL_EXPIRED", IN, null);
    run("onboarding", "RUNNING", null, IN, Duration.ofHours(1));
    run("onboarding", "COMPLETED", "COMPLETED", BEFORE, Duration.ofMinutes(1));

    Reports.OnboardingReport report = reports.onboarding(FROM, TO, EVERY_CSM);

    assertThat(report.started()).isEqualTo(5);
    assertThat(report.completed()).isEqualTo(2);
    assertThat(report.closed()).isEqualTo(4);
    assertThat(report.completionRate()).isEqualTo(0.5);
    assertThat(report.reachedFirstValue()).isEqualTo(4);
    // 1h, 2h, 10h, 30h → median 6h
    assertThat(report.medianTimeToFirstValue()).isEqualTo(Duration.ofHours(6));
    assertThat(report.firstValueWithin24HoursRate()).isEqualTo(0.75);
  }

  @Test
  void onboarding_medianTimeToFirstValue_isTheRunsOwn_notFromTheApisStartTime() {
    // The API records each run the moment it starts it, on its own clock; the run's first ledger
    // write, moments later, carries the run's start and, later, its time of first value.
    RunProjection projection = new RunProjection(jdbc);
    LedgerActivitiesImpl ledger =
        new LedgerActivitiesImpl(
            new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
            new RunRecords(jdbc),
            new Timeline(jdbc),
            new TaskQueue(jdbc, Clock.systemUTC()),
            Fixtures.cancellations(dataSource));
    Duration[] apiAhead = {Duration.ofMillis(9), Duration.ofMillis(23), Duration.ofMillis(57)};
    Duration[] ownValues = {Duration.ofMinutes(5), Duration.ofMinutes(7), Duration.ofMinutes(90)};
    for (int i = 0; i < ownValues.length; i++) {
      Instant apiStart = IN.plus(Duration.ofHours(i));
      Instant runStart = apiStart.plus(apiAhead[i]);
      String runId = "onboarding-run-" + i;
      new RunRecords(jdbc)
          .recordStarted(
              runId, "onboarding-c-" + i, "onboarding", GLOBEX.id(), PETRA.id(), apiStart, 1);
      ledger.record(new LedgerUpdate(onboardingRun(i, runStart, null), null));
      ledger.record(
          new LedgerUpdate(onboardingRun(i, runStart, runStart.plus(ownValues[i])), null));
    }

    Reports.OnboardingReport report = reports.onboarding(FROM, TO, EVERY_CSM);

    assertThat(report.reachedFirstValue()).isEqualTo(3);
    // The runs' own values are 5, 7 and 90 minutes: the median is 7 minutes to the millisecond.
    assertThat(report.medianTimeToFirstValue()).isEqualTo(Duration.ofMinutes(7));
    // The start the lists are ordered and paged by stays the API's: it never moves under a cursor.
    assertThat(projection.latest("onboarding-c-1").orElseThrow().startedAt())
        .isEqualTo(IN.plus(Duration.ofHours(1)));
  }

  // ---- A/B experiments
  // ---------------------------------------------------------------------------

  /** A run as {@link #run} makes it, with the variant it took in {@code experiment}. */
  private void runIn(
      String experiment, String variant, String playbook, String outcome, Instant startedAt) {
    run(playbook, outcome == null ? "RUNNING" : "COMPLETED", outcome, startedAt);
    jdbc.sql(
            """
            insert into playbook_run_variants (run_id, workflow_id, playbook, experiment, variant)
            values (:r, :w, :p, :e, :v)
            """)
        .param("r", "run-" + runs)
        .param("w", playbook + "-" + runs)
        .param("p", playbook)
        .param("e", experiment)
        .param("v", variant)
        .update();
  }

  private void times(int n, Runnable add) {
    for (int i = 0; i < n; i++) {
      add.run();
    }
  }

  @Test
  void experiments_givePerVariantRunsOutcomesAndTheSaveRate_withItsWilsonInterval() {
    String e = "day-1-subject";
    times(5, () -> runIn(e, "A", "at-risk", "SAVED", IN));
    times(5, () -> runIn(e, "A", "at-risk", "CHURNING", IN));
    runIn(e, "A", "at-risk", "SUPERSEDED", IN);
    runIn(e, "A", "at-risk", null, IN);
    times(2, () -> runIn(e, "B", "at-risk", "RECOVERED", IN));
    runIn(e, "B", "at-risk", "CHURNED", IN);
    runIn(e, "B", "at-risk", "SAVED", BEFORE);
    run("at-risk", "COMPLETED", "SAVED", IN); // in no experiment

    List<Reports.ExperimentReport> report = reports.experiments(FROM, TO, null, EVERY_CSM);

    assertThat(report).hasSize(1);
    Reports.ExperimentReport day1 = report.getFirst();
    assertThat(day1.playbook()).isEqualTo("at-risk");
    assertThat(day1.experiment()).isEqualTo(e);
    assertThat(day1.rate()).isEqualTo("saveRate");
    Reports.VariantReport a = day1.variants().get(0);
    assertThat(a.variant()).isEqualTo("A");
    assertThat(a.runs()).isEqualTo(12);
    assertThat(a.running()).isEqualTo(1);
    assertThat(a.outcomes())
        .containsExactlyInAnyOrderEntriesOf(Map.of("SAVED", 5L, "CHURNING", 5L, "SUPERSEDED", 1L));
    assertThat(a.decided()).isEqualTo(10);
    assertThat(a.successes()).isEqualTo(5);
    assertThat(a.rate()).isEqualTo(0.5);
    // 5 of 10: the Wilson 95% interval is 23.66% to 76.34%.
    assertThat(a.interval()).isEqualTo(new Reports.Interval(0.2366, 0.7634));
    Reports.VariantReport b = day1.variants().get(1);
    assertThat(b.variant()).isEqualTo("B");
    assertThat(b.runs()).isEqualTo(3);
    assertThat(b.successes()).isEqualTo(2);
    assertThat(b.rate()).isEqualTo(0.6667);
    assertThat(b.interval()).isEqualTo(new Reports.Interval(0.2077, 0.9385));
  }

  @Test
  void experiments_useTheUpgradeRate_forExpansionAndForPlaybooksThatEndUpgraded() {
    runIn("offer", "big", "expansion", "UPGRADED", IN);
    runIn("offer", "big", "expansion", "DECLINED", IN);
    runIn("welcome", "short", "trial-conversion", "UPGRADED", IN);
    runIn("welcome", "long", "trial-conversion", "TRIAL_EXPIRED", IN);
    runIn("tone", "warm", "nps-follow-up", "RESOLVED", IN);
    jdbc.sql(
            """
            insert into playbook_definition_versions (playbook_id, version, definition, status,
              source, created_by)
            values ('trial-conversion', 1,
              '{"id": "trial-conversion", "finalOutcomes": ["UPGRADED", "TRIAL_EXPIRED"]}'::jsonb,
              'DRAFT', 'test', 'test')
            """)
        .update();

    var report = reports.experiments(FROM, TO, null, EVERY_CSM);

    assertThat(report)
        .extracting(Reports.ExperimentReport::playbook, Reports.ExperimentReport::rate)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("expansion", "upgradeRate"),
            org.assertj.core.groups.Tuple.tuple("nps-follow-up", null),
            org.assertj.core.groups.Tuple.tuple("trial-conversion", "upgradeRate"));
    assertThat(report.get(0).variants().getFirst().rate()).isEqualTo(0.5);
    assertThat(report.get(1).variants().getFirst().rate()).isNull();
    assertThat(report.get(1).variants().getFirst().interval()).isNull();
    assertThat(report.get(2).variants())
        .extracting(Reports.VariantReport::variant, Reports.VariantReport::rate)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("long", 0.0),
            org.assertj.core.groups.Tuple.tuple("short", 1.0));
    assertThat(reports.experiments(FROM, TO, "expansion", EVERY_CSM)).hasSize(1);
    assertThat(reports.experiments(FROM, TO, "onboarding", EVERY_CSM)).isEmpty();
    assertThat(reports.experiments(FROM, TO, null, List.of(SAM.id()))).isEmpty();
  }

  @Test
  void wilson_matchesKnownIntervals() {
    assertThat(Reports.wilson(5, 10, Reports.Z95)).isEqualTo(new Reports.Interval(0.2366, 0.7634));
    assertThat(Reports.wilson(0, 10, Reports.Z95)).isEqualTo(new Reports.Interval(0.0, 0.2775));
    assertThat(Reports.wilson(10, 10, Reports.Z95)).isEqualTo(new Reports.Interval(0.7225, 1.0));
    assertThat(Reports.wilson(30, 100, Reports.Z95))
        .isEqualTo(new Reports.Interval(0.2189, 0.3958));
    assertThat(Reports.wilson(0, 0, Reports.Z95)).isNull();
  }

  @Test
  void theLedger_recordsEachRunsVariantOnce_andTheReportCountsIt() {
    LedgerActivitiesImpl ledger =
        new LedgerActivitiesImpl(
            new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
            new RunRecords(jdbc),
            new Timeline(jdbc),
            new TaskQueue(jdbc, Clock.systemUTC()),
            Fixtures.cancellations(dataSource));
    RunSnapshot running =
        new RunSnapshot(
            "at-risk-c-1",
            "ab-run-1",
            "at-risk",
            ACME.id(),
            PETRA.id(),
            "RUNNING",
            "OUTREACH",
            null,
            "day-3-email",
            IN.plus(Duration.ofDays(2)),
            IN,
            null,
            null,
            "AUTOMATED_STEP",
            Map.of("day-1-subject", "B"));
    ledger.record(new LedgerUpdate(running, null));
    ledger.record(new LedgerUpdate(running, null)); // a retried write
    ledger.record(
        new LedgerUpdate(
            new RunSnapshot(
                "at-risk-c-1",
                "ab-run-1",
                "at-risk",
                ACME.id(),
                PETRA.id(),
                "COMPLETED",
                "CLOSED",
                "SAVED",
                null,
                null,
                IN,
                IN.plus(Duration.ofDays(4)),
                null,
                null,
                Map.of("day-1-subject", "B")),
            null));

    assertThat(
            jdbc.sql("select count(*) from playbook_run_variants where run_id = 'ab-run-1'")
                .query(Long.class)
                .single())
        .isEqualTo(1);
    var report = reports.experiments(FROM, TO, "at-risk", EVERY_CSM);
    assertThat(report.getFirst().variants().getFirst().variant()).isEqualTo("B");
    assertThat(report.getFirst().variants().getFirst().successes()).isEqualTo(1);
  }

  @Test
  void onboarding_withoutRuns_hasNoRates() {
    Reports.OnboardingReport report = reports.onboarding(FROM, TO, EVERY_CSM);
    assertThat(report.started()).isZero();
    assertThat(report.completionRate()).isNull();
    assertThat(report.medianTimeToFirstValue()).isNull();
  }

  @Test
  void playbooks_forSomeCsms_countOnlyTheirRuns() {
    run("at-risk", "COMPLETED", "SAVED", IN);
    run("at-risk", "COMPLETED", "CHURNED", IN);
    run(SAM.id(), "at-risk", "COMPLETED", "CHURNED", IN, null);
    run(SAM.id(), "at-risk", "RUNNING", null, IN, null);
    run(SAM.id(), "expansion", "COMPLETED", "UPGRADED", IN, null);

    var petras = byPlaybook(reports.playbooks(FROM, TO, List.of(PETRA.id())));
    assertThat(petras.get("at-risk").started()).isEqualTo(2);
    assertThat(petras.get("at-risk").running()).isZero();
    assertThat(petras.get("at-risk").outcomes())
        .containsExactlyInAnyOrderEntriesOf(Map.of("SAVED", 1L, "CHURNED", 1L));
    assertThat(petras.get("at-risk").saveRate()).isEqualTo(0.5);
    assertThat(petras.get("expansion").started()).isZero();
    assertThat(petras.get("expansion").upgradeRate()).isNull();

    var sams = byPlaybook(reports.playbooks(FROM, TO, List.of(SAM.id())));
    assertThat(sams.get("at-risk").started()).isEqualTo(2);
    assertThat(sams.get("at-risk").running()).isEqualTo(1);
    assertThat(sams.get("at-risk").saveRate()).isEqualTo(0.0);
    assertThat(sams.get("expansion").upgradeRate()).isEqualTo(1.0);

    var both = byPlaybook(reports.playbooks(FROM, TO, List.of(PETRA.id(), SAM.id())));
    assertThat(both.get("at-risk").started()).isEqualTo(4);
    assertThat(byPlaybook(reports.playbooks(FROM, TO, EVERY_CSM)).get("at-risk").started())
        .isEqualTo(4);

    // A team without CSMs sees nothing, not everything.
    var nobody = byPlaybook(reports.playbooks(FROM, TO, List.of()));
    assertThat(nobody.get("at-risk").started()).isZero();
    assertThat(nobody.get("at-risk").outcomes()).isEmpty();
    assertThat(nobody).hasSize(Reports.PLAYBOOKS.size());
  }

  @Test
  void nps_forSomeCsms_countsTheAnswersOfTheirCustomers() {
    nps.record(ACME.id(), 10, null, null, IN);
    nps.record(GLOBEX.id(), 9, null, null, IN);
    nps.record(INITECH.id(), 2, null, null, IN);

    Reports.NpsReport petras = reports.nps(FROM, TO, List.of(PETRA.id()));
    assertThat(petras.responses()).isEqualTo(2);
    assertThat(petras.nps()).isEqualTo(100);

    Reports.NpsReport sams = reports.nps(FROM, TO, List.of(SAM.id()));
    assertThat(sams.responses()).isEqualTo(1);
    assertThat(sams.detractors()).isEqualTo(1);
    assertThat(sams.nps()).isEqualTo(-100);

    assertThat(reports.nps(FROM, TO, EVERY_CSM).responses()).isEqualTo(3);
    assertThat(reports.nps(FROM, TO, List.of()).responses()).isZero();
    assertThat(reports.nps(FROM, TO, List.of()).nps()).isNull();
  }

  @Test
  void onboarding_forSomeCsms_countsOnlyTheirRuns() {
    run("onboarding", "COMPLETED", "COMPLETED", IN, Duration.ofHours(2));
    run(SAM.id(), "onboarding", "COMPLETED", "INCOMPLETE", IN, Duration.ofHours(30));
    run(SAM.id(), "onboarding", "COMPLETED", "COMPLETED", IN, Duration.ofHours(40));

    Reports.OnboardingReport petras = reports.onboarding(FROM, TO, List.of(PETRA.id()));
    assertThat(petras.started()).isEqualTo(1);
    assertThat(petras.completionRate()).isEqualTo(1.0);
    assertThat(petras.medianTimeToFirstValue()).isEqualTo(Duration.ofHours(2));

    Reports.OnboardingReport sams = reports.onboarding(FROM, TO, List.of(SAM.id()));
    assertThat(sams.started()).isEqualTo(2);
    assertThat(sams.completionRate()).isEqualTo(0.5);
    assertThat(sams.medianTimeToFirstValue()).isEqualTo(Duration.ofHours(35));
    assertThat(sams.firstValueWithin24HoursRate()).isEqualTo(0.0);

    assertThat(reports.onboarding(FROM, TO, EVERY_CSM).started()).isEqualTo(3);
    assertThat(reports.onboarding(FROM, TO, List.of()).started()).isZero();
  }

  private static Map<String, Reports.PlaybookReport> byPlaybook(
      List<Reports.PlaybookReport> reports) {
    return reports.stream()
        .collect(java.util.stream.Collectors.toMap(Reports.PlaybookReport::playbook, r -> r));
  }

  /** An onboarding run's own snapshot, as its ledger writes carry it. */
  private static RunSnapshot onboardingRun(int i, Instant runStart, Instant firstValueAt) {
    return new RunSnapshot(
        "onboarding-c-" + i,
        "onboarding-run-" + i,
        "onboarding",
        GLOBEX.id(),
        PETRA.id(),
        "RUNNING",
        "ONBOARDING",
        null,
        null,
        null,
        runStart,
        null,
        firstValueAt,
        null);
  }
}
