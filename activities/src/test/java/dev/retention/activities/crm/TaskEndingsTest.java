package dev.retention.activities.crm;

import static dev.retention.activities.testing.Fixtures.ACME;
import static dev.retention.activities.testing.Fixtures.PETRA;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.activities.ledger.LedgerActivitiesImpl;
import dev.retention.activities.testing.ActivityHarness;
import dev.retention.activities.testing.Fixtures;
import dev.retention.activities.testing.PostgresExtension;
import dev.retention.data.crm.CrmTasks;
import dev.retention.data.crm.TaskQueue;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.ledger.RunCancellations;
import dev.retention.data.ledger.RunRecords;
import dev.retention.data.ledger.Timeline;
import dev.retention.workflows.ports.CrmTask;
import dev.retention.workflows.ports.LedgerActivities;
import dev.retention.workflows.ports.LedgerUpdate;
import dev.retention.workflows.ports.RunSnapshot;
import dev.retention.workflows.ports.TaskAssignee;
import dev.retention.workflows.ports.TaskEnding;
import dev.retention.workflows.ports.TaskPriority;
import dev.retention.workflows.ports.TimelineEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The table of docs/playbooks.md ("When a task ends") row by row, for the kinds the end-to-end test
 * does not run: the ledger's write (a run's snapshot with the steps it carries) ends the run's
 * tasks, through the activity stub, on PostgreSQL.
 */
@ExtendWith(PostgresExtension.class)
class TaskEndingsTest {

  private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");

  private JdbcClient jdbc;
  private CrmTasks tasks;
  private ActivityHarness harness;
  private LedgerActivities ledger;

  @BeforeEach
  void setUp(DataSource dataSource) {
    jdbc = JdbcClient.create(dataSource);
    TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    Fixtures.petraWithCustomers(new CustomerDirectory(jdbc));
    tasks = new CrmTasks(jdbc);
    harness =
        new ActivityHarness(
            new LedgerActivitiesImpl(
                tx,
                new RunRecords(jdbc),
                new Timeline(jdbc),
                new TaskQueue(jdbc, Clock.systemUTC()),
                new RunCancellations(jdbc, tx)));
    ledger = harness.stub(LedgerActivities.class);
  }

  @AfterEach
  void tearDown() {
    harness.close();
  }

  @Test
  void aHandOver_staysOpenWhenTheRunEndsWithoutTheCsm_andIsDoneWhenTheCsmDecides() {
    task("run-recovered", "at-risk", "customer-responded-task", TaskAssignee.CSM);
    task("run-saved", "at-risk", "customer-responded-task", TaskAssignee.CSM);

    write("run-recovered", "at-risk", "RECOVERED");
    write("run-saved", "at-risk", "SAVED");

    assertThat(row("run-recovered", "customer-responded-task").get("status")).isEqualTo("OPEN");
    Map<String, Object> saved = row("run-saved", "customer-responded-task");
    assertThat(saved.get("status")).isEqualTo("DONE");
    assertThat(saved.get("closed_by")).isEqualTo(PETRA.id());
    assertThat(saved.get("close_note")).isEqualTo("SAVED recorded on the run");
  }

  @Test
  void aTaskTheRunMakesAsItCloses_staysOpen() {
    task("run-1", "onboarding", "trial-expired-task", TaskAssignee.CSM);
    task("run-2", "at-risk", "decision-deadline-manager-task", TaskAssignee.MANAGER);

    write("run-1", "onboarding", "TRIAL_EXPIRED");
    write("run-2", "at-risk", "UNRESOLVED");

    assertThat(row("run-1", "trial-expired-task").get("status")).isEqualTo("OPEN");
    assertThat(row("run-2", "decision-deadline-manager-task").get("status")).isEqualTo("OPEN");
  }

  @Test
  void onboardingTasks_areDoneWhenTheCustomerMovesOn_andMootWhenTheRunCloses() {
    task("run-1", "onboarding", "stalled-task-1", TaskAssignee.CSM);
    task("run-1", "onboarding", "day-3-setup-assistance-task", TaskAssignee.CSM);

    write("run-1", "onboarding", null, "milestone-integration-connected#4");

    Map<String, Object> stalled = row("run-1", "stalled-task-1");
    assertThat(stalled.get("status")).isEqualTo("DONE");
    assertThat(stalled.get("closed_by")).isEqualTo("playbook");
    // Only the first question does the setup assistance's work; closing the run makes it moot.
    assertThat(row("run-1", "day-3-setup-assistance-task").get("status")).isEqualTo("OPEN");
    write("run-1", "onboarding", "INCOMPLETE");
    assertThat(row("run-1", "day-3-setup-assistance-task"))
        .containsEntry("status", "OBSOLETE")
        .containsEntry("close_note", "the run's outcome was decided: INCOMPLETE");
  }

  @Test
  void theSaveCallEscalation_isDoneOnTheSaveCall_andTheExecutivesTaskMootOnceDecided() {
    task("run-1", "cancellation-save", "save-call-task", TaskAssignee.CSM);
    task("run-1", "cancellation-save", "save-call-sla-escalation", TaskAssignee.MANAGER);
    task("run-1", "cancellation-save", "executive-task", TaskAssignee.EXECUTIVE);

    write("run-1", "cancellation-save", null, "save-call-done#5");

    assertThat(row("run-1", "save-call-task").get("status")).isEqualTo("DONE");
    assertThat(row("run-1", "save-call-sla-escalation"))
        .containsEntry("status", "DONE")
        .containsEntry("closed_by", PETRA.id())
        .containsEntry("close_note", "SAVE_CALL_DONE recorded on the run");
    assertThat(row("run-1", "executive-task").get("status")).isEqualTo("OPEN");

    write("run-1", "cancellation-save", "CHURNED", "churned#9");
    assertThat(row("run-1", "executive-task").get("status")).isEqualTo("OBSOLETE");
  }

  @Test
  void aRepeatedWrite_changesNothing_andAClosedTaskStaysAsItWasClosed() {
    task("run-1", "at-risk", "day-7-call-task", TaskAssignee.CSM);
    write("run-1", "at-risk", null, "call-no-answer#8");
    Map<String, Object> first = row("run-1", "day-7-call-task");

    write("run-1", "at-risk", null, "call-no-answer#8");
    write("run-1", "at-risk", "CHURNING");

    assertThat(first.get("status")).isEqualTo("DONE");
    assertThat(row("run-1", "day-7-call-task")).isEqualTo(first);
  }

  @Test
  void aTaskOfATeamDefinedPlaybook_endsAsItsDefinitionSays() {
    tasks.create(
        new CrmTask(
            "trial-conversion-" + ACME.id(),
            "day-6-demo-call-task",
            ACME.id(),
            TaskAssignee.CSM,
            "Trial barely used: offer a personal demo and setup call",
            "body",
            START.plus(Duration.ofDays(6)),
            TaskPriority.HIGH,
            new TaskEnding(List.of("outreach-done"), List.of(), true)),
        "run-1");
    tasks.create(
        new CrmTask(
            "trial-conversion-" + ACME.id(),
            "customer-responded-task",
            ACME.id(),
            TaskAssignee.CSM,
            "Trial customer replied: follow up personally",
            "body",
            START.plus(Duration.ofDays(2)),
            TaskPriority.HIGH,
            new TaskEnding(List.of(), List.of("UPGRADED", "DECLINED"), null)),
        "run-1");
    tasks.create(
        new CrmTask(
            "trial-conversion-" + ACME.id(),
            "day-6-demo-call-task",
            ACME.id(),
            TaskAssignee.CSM,
            "title",
            "body",
            START.plus(Duration.ofDays(6)),
            TaskPriority.HIGH,
            new TaskEnding(List.of("outreach-done"), List.of(), true)),
        "run-2");

    // The step that does the demo task's work closes it; the follow-up waits for an outcome.
    write("run-1", "trial-conversion", null, "outreach-done#7");
    assertThat(row("run-1", "day-6-demo-call-task"))
        .containsEntry("status", "DONE")
        .containsEntry("closed_by", "playbook")
        .containsEntry("close_note", "outreach-done on the run");
    assertThat(row("run-1", "customer-responded-task").get("status")).isEqualTo("OPEN");
    write("run-1", "trial-conversion", "UPGRADED", "upgraded#9");
    assertThat(row("run-1", "customer-responded-task"))
        .containsEntry("status", "DONE")
        .containsEntry("close_note", "UPGRADED recorded on the run");

    // Without the call, the trial's end makes the demo task moot.
    write("run-2", "trial-conversion", "TRIAL_EXPIRED", "day-14-trial-end#8");
    assertThat(row("run-2", "day-6-demo-call-task"))
        .containsEntry("status", "OBSOLETE")
        .containsEntry("close_note", "the run's outcome was decided: TRIAL_EXPIRED");
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private void task(String runId, String playbook, String step, TaskAssignee assignee) {
    tasks.create(
        new CrmTask(
            playbook + "-" + ACME.id(),
            step,
            ACME.id(),
            assignee,
            "title of " + step,
            "body",
            START.plus(Duration.ofDays(1)),
            TaskPriority.HIGH),
        runId);
  }

  /** The run's snapshot (closed with {@code outcome}, or running), with the steps it carries. */
  private void write(String runId, String playbook, String outcome, String... entryKeys) {
    boolean closed = outcome != null;
    List<TimelineEntry> entries =
        java.util.Arrays.stream(entryKeys)
            .map(key -> new TimelineEntry(key, START, "STEP", key))
            .toList();
    ledger.record(
        new LedgerUpdate(
            new RunSnapshot(
                playbook + "-" + ACME.id(),
                runId,
                playbook,
                ACME.id(),
                PETRA.id(),
                closed ? "COMPLETED" : "RUNNING",
                "SOME_STAGE",
                outcome,
                null,
                null,
                START,
                closed ? START.plus(Duration.ofDays(20)) : null,
                null,
                null),
            null,
            entries));
  }

  private Map<String, Object> row(String runId, String step) {
    return jdbc.sql(
            "select status, closed_by, close_note, closed_at from crm_tasks"
                + " where run_id = :r and step = :s")
        .param("r", runId)
        .param("s", step)
        .query()
        .singleRow();
  }
}
