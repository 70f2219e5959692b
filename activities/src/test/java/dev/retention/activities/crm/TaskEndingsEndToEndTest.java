package dev.retention.activities.crm;

import static dev.retention.activities.testing.Fixtures.ACME;
import static dev.retention.activities.testing.Fixtures.PETRA;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.activities.email.EmailActivitiesImpl;
import dev.retention.activities.email.providers.EmailProvider;
import dev.retention.activities.email.providers.OutgoingEmail;
import dev.retention.activities.email.providers.PermanentEmailFailure;
import dev.retention.activities.email.templates.EmailTemplates;
import dev.retention.activities.ledger.LedgerActivitiesImpl;
import dev.retention.activities.testing.Fixtures;
import dev.retention.activities.testing.MutableClock;
import dev.retention.activities.testing.PostgresExtension;
import dev.retention.data.console.ConsoleReads;
import dev.retention.data.crm.CrmTasks;
import dev.retention.data.crm.TaskQueue;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.email.Communications;
import dev.retention.data.ledger.RunCancellations;
import dev.retention.data.ledger.RunRecords;
import dev.retention.data.ledger.Timeline;
import dev.retention.workflows.atrisk.AtRiskInput;
import dev.retention.workflows.atrisk.AtRiskPlaybook;
import dev.retention.workflows.atrisk.AtRiskPlaybookImpl;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.PlaybookWorkflow;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.RunSearchAttributes;
import dev.retention.workflows.npsfollowup.NpsFollowUpInput;
import dev.retention.workflows.npsfollowup.NpsFollowUpPlaybook;
import dev.retention.workflows.npsfollowup.NpsFollowUpPlaybookImpl;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tasks end when their work is done (docs/playbooks.md, "When a task ends"): real at-risk and NPS
 * runs on the time-skipping test server, with the real email, CRM and ledger activities on
 * PostgreSQL.
 */
@ExtendWith(PostgresExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TaskEndingsEndToEndTest {

  private static final Instant MONDAY = Instant.parse("2026-03-09T09:00:00Z");
  private static final String QUEUE = "playbooks";

  private JdbcClient jdbc;
  private TestWorkflowEnvironment env;
  private volatile boolean providerDown;

  @BeforeEach
  void setUp(DataSource dataSource) {
    jdbc = JdbcClient.create(dataSource);
    TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    CustomerDirectory directory = new CustomerDirectory(jdbc);
    Fixtures.petraWithCustomers(directory);
    RunCancellations cancellations = new RunCancellations(jdbc, tx);
    EmailProvider provider =
        new EmailProvider() {
          @Override
          public String name() {
            return "test";
          }

          @Override
          public String send(OutgoingEmail email) {
            if (providerDown) {
              throw new PermanentEmailFailure("the provider refuses the address for good");
            }
            return "msg-" + email.idempotencyKey();
          }
        };
    CrmTasks tasks = new CrmTasks(jdbc);
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setInitialTime(MONDAY)
                .registerSearchAttribute(
                    RunSearchAttributes.PLAYBOOK.getName(),
                    IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
                .registerSearchAttribute(
                    RunSearchAttributes.CUSTOMER_ID.getName(),
                    IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
                .registerSearchAttribute(
                    RunSearchAttributes.CSM_ID.getName(),
                    IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
                .registerSearchAttribute(
                    RunSearchAttributes.STAGE.getName(),
                    IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
                .build());
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(
        AtRiskPlaybookImpl.class, NpsFollowUpPlaybookImpl.class);
    worker.registerActivitiesImplementations(
        new EmailActivitiesImpl(
            directory,
            new Communications(jdbc),
            new EmailTemplates(),
            provider,
            new MutableClock(MONDAY),
            "Insightly",
            tasks,
            cancellations),
        new CrmActivitiesImpl(tasks, jdbc),
        new LedgerActivitiesImpl(
            tx,
            new RunRecords(jdbc),
            new Timeline(jdbc),
            new TaskQueue(jdbc, Clock.systemUTC()),
            cancellations));
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void callCompleted_closesTheCallTaskDone_byTheCsm_namingTheOutcome() {
    AtRiskPlaybook run = atRisk(30);
    awaitTask("day-1-urgent-call-task", "OPEN");

    run.recordOutcome(new CsmOutcome(OutcomeType.CALL_COMPLETED, "plan agreed", PETRA.id()));

    Map<String, Object> task = awaitTask("day-1-urgent-call-task", "DONE");
    assertThat(task.get("closed_by")).isEqualTo(PETRA.id());
    assertThat((String) task.get("close_note")).contains("CALL_COMPLETED");
    // The run goes on (it waits for the CSM's SAVED or CHURNED); the call is not "overdue".
    assertThat(run.state().outcome()).isNull();
  }

  @Test
  void theDetractorEscalation_closesOnceTheDetractorIsContacted_andIsNoBreachedSla() {
    NpsFollowUpPlaybook run = nps(2);
    awaitTask("detractor-task", "OPEN");
    // No OUTREACH_DONE within 24 hours: the manager's escalation.
    env.sleep(Duration.ofHours(25));
    awaitTask("outreach-sla-escalation", "OPEN");

    run.recordOutcome(new CsmOutcome(OutcomeType.OUTREACH_DONE, "called them", PETRA.id()));

    Map<String, Object> escalation = awaitTask("outreach-sla-escalation", "DONE");
    assertThat((String) escalation.get("close_note")).contains("OUTREACH_DONE");
    assertThat(awaitTask("detractor-task", "DONE").get("closed_by")).isEqualTo(PETRA.id());
    // Long past both tasks' due times, the lead dashboard lists neither as a breached SLA.
    List<ConsoleReads.TeamTask> breached =
        new ConsoleReads(jdbc).breachedSlas(null, MONDAY.plus(Duration.ofDays(400)), 50);
    assertThat(breached)
        .extracting(ConsoleReads.TeamTask::workflowId)
        .doesNotContain(Playbook.NPS_FOLLOW_UP.workflowId(ACME.id()));
  }

  @Test
  void anEmailThatFailedForGood_leavesTheReachOutTaskOpen_afterTheRunEnds() throws Exception {
    providerDown = true;
    AtRiskPlaybook run = atRisk(50);

    PlaybookResult result =
        WorkflowStub.fromTyped(run).getResult(60, TimeUnit.SECONDS, PlaybookResult.class);

    assertThat(result.outcome()).isEqualTo(RunOutcome.CHURNING);
    assertThat(taskStatuses())
        .containsEntry("day-1-email-failed", "OPEN")
        .containsEntry("day-3-email-failed", "OPEN")
        .containsEntry("day-14-email-failed", "OPEN")
        // The call the playbook asked for is moot once it marked the customer churning.
        .containsEntry("day-7-call-task", "OBSOLETE");
    assertThat(task("day-7-call-task").get("close_note"))
        .isEqualTo("the run's outcome was decided: CHURNING");
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private AtRiskPlaybook atRisk(int health) {
    AtRiskPlaybook run = stub(AtRiskPlaybook.class, Playbook.AT_RISK);
    WorkflowClient.start(run::run, new AtRiskInput(context(), health, "test"));
    return run;
  }

  private NpsFollowUpPlaybook nps(int score) {
    NpsFollowUpPlaybook run = stub(NpsFollowUpPlaybook.class, Playbook.NPS_FOLLOW_UP);
    WorkflowClient.start(run::run, new NpsFollowUpInput(context(), score, "too slow"));
    return run;
  }

  private static PlaybookContext context() {
    return new PlaybookContext(ACME.id(), ACME.csmId(), Cadence.REAL_DAYS);
  }

  private <T extends PlaybookWorkflow> T stub(Class<T> type, Playbook playbook) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            type,
            WorkflowOptions.newBuilder()
                .setWorkflowId(playbook.workflowId(ACME.id()))
                .setTaskQueue(QUEUE)
                .setTypedSearchAttributes(
                    SearchAttributes.newBuilder()
                        .set(RunSearchAttributes.PLAYBOOK, playbook.id())
                        .set(RunSearchAttributes.CUSTOMER_ID, ACME.id())
                        .set(RunSearchAttributes.CSM_ID, ACME.csmId())
                        .build())
                .build());
  }

  private Map<String, Object> task(String step) {
    return jdbc.sql("select * from crm_tasks where step = :s").param("s", step).query().singleRow();
  }

  private Map<String, String> taskStatuses() {
    Map<String, String> statuses = new java.util.TreeMap<>();
    jdbc.sql("select step, status from crm_tasks")
        .query(
            (org.springframework.jdbc.core.RowCallbackHandler)
                rs -> statuses.put(rs.getString("step"), rs.getString("status")));
    return statuses;
  }

  /** Waits (real time; the test server skips the run's own time) for a task in a status. */
  private Map<String, Object> awaitTask(String step, String status) {
    Predicate<List<Map<String, Object>>> there =
        rows -> rows.size() == 1 && status.equals(rows.getFirst().get("status"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      List<Map<String, Object>> rows =
          jdbc.sql("select * from crm_tasks where step = :s").param("s", step).query().listOfRows();
      if (there.test(rows)) {
        return rows.getFirst();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("task " + step + " never " + status + "; last: " + rows);
      }
      pause();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
