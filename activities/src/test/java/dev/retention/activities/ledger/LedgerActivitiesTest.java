package dev.retention.activities.ledger;

import static dev.retention.activities.testing.Fixtures.ACME;
import static dev.retention.activities.testing.Fixtures.GLOBEX;
import static dev.retention.activities.testing.Fixtures.PETRA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.retention.activities.testing.ActivityHarness;
import dev.retention.activities.testing.Fixtures;
import dev.retention.activities.testing.PostgresExtension;
import dev.retention.data.crm.TaskQueue;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.ledger.RunCancellations;
import dev.retention.data.ledger.RunProjection;
import dev.retention.data.ledger.RunRecords;
import dev.retention.data.ledger.Timeline;
import dev.retention.data.ledger.TimelineItem;
import dev.retention.workflows.contract.NextStep;
import dev.retention.workflows.contract.RunView;
import dev.retention.workflows.ports.LedgerActivities;
import dev.retention.workflows.ports.LedgerUpdate;
import dev.retention.workflows.ports.RunSnapshot;
import dev.retention.workflows.ports.TimelineEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The ledger activity runs through the activity stub, so its records also cross the data converter.
 */
@ExtendWith(PostgresExtension.class)
class LedgerActivitiesTest {

  private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");
  private static final Instant DAY_3 = START.plus(Duration.ofDays(2));

  private static JdbcClient jdbc;
  private static TransactionTemplate tx;
  private static RunProjection runs;
  private static Timeline timeline;

  private ActivityHarness harness;
  private LedgerActivities ledger;

  @BeforeAll
  static void wire(DataSource dataSource) {
    jdbc = JdbcClient.create(dataSource);
    tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    runs = new RunProjection(jdbc);
    timeline = new Timeline(jdbc);
  }

  @BeforeEach
  void setUp() {
    Fixtures.petraWithCustomers(new CustomerDirectory(jdbc));
    harness =
        new ActivityHarness(
            new LedgerActivitiesImpl(
                tx,
                new RunRecords(jdbc),
                new Timeline(jdbc),
                new TaskQueue(jdbc, java.time.Clock.systemUTC()),
                new RunCancellations(jdbc, tx)));
    ledger = harness.stub(LedgerActivities.class);
  }

  @AfterEach
  void tearDown() {
    harness.close();
  }

  @Test
  void recordsTheRunAndATimelineEntry() {
    RunSnapshot run = atRisk("run-1", "RUNNING", null);

    ledger.record(
        new LedgerUpdate(run, new TimelineEntry("day-1", START, "EMAIL", "Day 1 email sent")));

    assertThat(runs.latest(run.workflowId()))
        .contains(
            RunView.projected(
                run.workflowId(),
                "run-1",
                "at-risk",
                null,
                ACME.id(),
                PETRA.id(),
                "RUNNING",
                "OUTREACH",
                null,
                new NextStep("day-3", DAY_3),
                START,
                null));
    assertThat(timeline.forCustomer(ACME.id(), 10))
        .containsExactly(
            new TimelineItem(START, "EMAIL", "at-risk", run.workflowId(), "Day 1 email sent"));
  }

  @Test
  void aFoldedUpdateWritesEveryStepItCarries_once() {
    LedgerUpdate folded =
        new LedgerUpdate(
            atRisk("run-1", "RUNNING", null),
            null,
            List.of(
                new TimelineEntry("day-1-email#0", START, "EMAIL", "Day 1 email sent"),
                new TimelineEntry("day-1-urgent-call-task#1", START, "TASK", "Urgent call task")));

    ledger.record(folded);
    ledger.record(folded);

    assertThat(count("playbook_runs")).isEqualTo(1);
    assertThat(timeline.forCustomer(ACME.id(), 10))
        .extracting(TimelineItem::summary)
        .containsExactlyInAnyOrder("Day 1 email sent", "Urgent call task");
  }

  @Test
  void aSnapshotWithoutAnEntryOnlyUpdatesTheRun() {
    ledger.record(new LedgerUpdate(atRisk("run-1", "RUNNING", null), null));

    assertThat(runs.list(ACME.id(), null, null, 10)).hasSize(1);
    assertThat(count("timeline")).isZero();
  }

  @Test
  void repeatingAnUpdateWritesNothingNew() {
    LedgerUpdate update =
        new LedgerUpdate(
            atRisk("run-1", "RUNNING", null),
            new TimelineEntry("day-1", START, "EMAIL", "Day 1 email sent"));

    ledger.record(update);
    Map<String, Object> before = runRow("run-1");
    ledger.record(update);

    assertThat(count("playbook_runs")).isEqualTo(1);
    assertThat(count("timeline")).isEqualTo(1);
    Map<String, Object> after = runRow("run-1");
    before.remove("updated_at");
    after.remove("updated_at");
    assertThat(after).isEqualTo(before);
  }

  @Test
  void aClosedRunIsNotReopenedByALateRunningSnapshot() {
    Instant closedAt = START.plus(Duration.ofDays(3));
    ledger.record(
        new LedgerUpdate(
            atRisk("run-1", "COMPLETED", closedAt),
            new TimelineEntry("outcome", closedAt, "OUTCOME", "Customer responded")));

    // A retried or delayed activity from before the close arrives afterwards.
    ledger.record(
        new LedgerUpdate(
            atRisk("run-1", "RUNNING", null),
            new TimelineEntry("day-3", DAY_3, "EMAIL", "Day 3 email sent")));

    RunView row = runs.latest("at-risk-" + ACME.id()).orElseThrow();
    assertThat(row.status()).isEqualTo("COMPLETED");
    assertThat(row.outcome()).isEqualTo("CUSTOMER_RESPONDED");
    assertThat(row.closedAt()).isEqualTo(closedAt);
    assertThat(row.nextStep()).isNull();
  }

  @Test
  void aNewRunOfTheSameWorkflowIsANewRow() {
    ledger.record(
        new LedgerUpdate(atRisk("run-1", "COMPLETED", START.plus(Duration.ofDays(3))), null));
    RunSnapshot second =
        new RunSnapshot(
            "at-risk-" + ACME.id(),
            "run-2",
            "at-risk",
            ACME.id(),
            PETRA.id(),
            "RUNNING",
            "OUTREACH",
            null,
            "day-3",
            START.plus(Duration.ofDays(12)),
            START.plus(Duration.ofDays(10)),
            null,
            null,
            null);

    ledger.record(new LedgerUpdate(second, null));

    assertThat(runs.latest("at-risk-" + ACME.id()).orElseThrow().runId()).isEqualTo("run-2");
    assertThat(runs.list(ACME.id(), "at-risk", null, 10))
        .extracting(RunView::runId, RunView::status)
        .containsExactly(tuple("run-2", "RUNNING"), tuple("run-1", "COMPLETED"));
  }

  @Test
  void listsRunsFilteredByCustomerPlaybookAndStatus() {
    record("acme-at-risk", ACME.id(), "at-risk", "COMPLETED", START);
    record("acme-expansion", ACME.id(), "expansion", "RUNNING", START.plusSeconds(60));
    record("globex-at-risk", GLOBEX.id(), "at-risk", "RUNNING", START.plusSeconds(120));
    record("globex-nps", GLOBEX.id(), "nps-follow-up", "COMPLETED", START.plusSeconds(180));

    assertThat(ids(runs.list(null, null, null, 10)))
        .containsExactly("globex-nps", "globex-at-risk", "acme-expansion", "acme-at-risk");
    assertThat(ids(runs.list(ACME.id(), null, null, 10)))
        .containsExactly("acme-expansion", "acme-at-risk");
    assertThat(ids(runs.list(null, "at-risk", null, 10)))
        .containsExactly("globex-at-risk", "acme-at-risk");
    assertThat(ids(runs.list(null, null, "RUNNING", 10)))
        .containsExactly("globex-at-risk", "acme-expansion");
    assertThat(ids(runs.list(GLOBEX.id(), "at-risk", "RUNNING", 10)))
        .containsExactly("globex-at-risk");
    assertThat(runs.list(ACME.id(), "nps-follow-up", null, 10)).isEmpty();
    assertThat(ids(runs.list(null, null, null, 2))).containsExactly("globex-nps", "globex-at-risk");
  }

  private void record(
      String runId, String customerId, String playbook, String status, Instant started) {
    boolean closed = status.equals("COMPLETED");
    ledger.record(
        new LedgerUpdate(
            new RunSnapshot(
                playbook + "-" + customerId,
                runId,
                playbook,
                customerId,
                PETRA.id(),
                status,
                null,
                closed ? "EXPIRED" : null,
                null,
                null,
                started,
                closed ? started.plus(Duration.ofDays(14)) : null,
                null,
                null),
            null));
  }

  private static RunSnapshot atRisk(String runId, String status, Instant closedAt) {
    boolean closed = closedAt != null;
    return new RunSnapshot(
        "at-risk-" + ACME.id(),
        runId,
        "at-risk",
        ACME.id(),
        PETRA.id(),
        status,
        closed ? "CLOSED" : "OUTREACH",
        closed ? "CUSTOMER_RESPONDED" : null,
        closed ? null : "day-3",
        closed ? null : DAY_3,
        START,
        closedAt,
        null,
        null);
  }

  private static List<String> ids(List<RunView> rows) {
    return rows.stream().map(RunView::runId).toList();
  }

  private static Map<String, Object> runRow(String runId) {
    return new HashMap<>(
        jdbc.sql("select * from playbook_runs where run_id = :r")
            .param("r", runId)
            .query()
            .singleRow());
  }

  private static long count(String table) {
    return jdbc.sql("select count(*) from " + table).query(Long.class).single();
  }
}
