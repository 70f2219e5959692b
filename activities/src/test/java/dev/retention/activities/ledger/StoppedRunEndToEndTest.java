package dev.retention.activities.ledger;

import static dev.retention.activities.testing.Fixtures.ACME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retention.activities.crm.CrmActivitiesImpl;
import dev.retention.activities.email.EmailActivitiesImpl;
import dev.retention.activities.email.providers.EmailProvider;
import dev.retention.activities.email.providers.OutgoingEmail;
import dev.retention.activities.email.templates.EmailTemplates;
import dev.retention.activities.sendingrules.SendingRules;
import dev.retention.activities.sendingrules.SendingRulesActivitiesImpl;
import dev.retention.activities.testing.Fixtures;
import dev.retention.activities.testing.MutableClock;
import dev.retention.activities.testing.PostgresExtension;
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
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.PlaybookState;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.RunSearchAttributes;
import dev.retention.workflows.contract.StepRecord;
import dev.retention.workflows.contract.StepResult;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * A run stopped the way {@code DELETE /api/playbooks/{id}} stops it (the stop recorded, then the
 * workflow cancelled), with the real email, sending-rules, CRM and ledger activities on PostgreSQL
 * and a real at-risk run on the time-skipping test server. The workflows and the activities run on
 * two workers of one task queue, so the activity worker can be away (or busy) while the run goes
 * on: that is how a run falls behind schedule.
 */
@ExtendWith(PostgresExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StoppedRunEndToEndTest {

  /** A Saturday, 10:00 in Prague (Acme's timezone). */
  private static final Instant SATURDAY = Instant.parse("2026-03-07T09:00:00Z");

  private static final String QUEUE = "playbooks";
  private static final String WORKFLOW_ID = Playbook.AT_RISK.workflowId(ACME.id());

  private final List<OutgoingEmail> sent = new CopyOnWriteArrayList<>();
  private JdbcClient jdbc;
  private RunCancellations cancellations;
  private TestWorkflowEnvironment env;
  private WorkerFactory workflows;
  private WorkerFactory activityWorker;
  private Object[] activities;

  @BeforeEach
  void setUp(DataSource dataSource) {
    jdbc = JdbcClient.create(dataSource);
    TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    CustomerDirectory directory = new CustomerDirectory(jdbc);
    Fixtures.petraWithCustomers(directory);
    cancellations = new RunCancellations(jdbc, tx);
    EmailProvider provider =
        new EmailProvider() {
          @Override
          public String name() {
            return "counting";
          }

          @Override
          public String send(OutgoingEmail email) {
            sent.add(email);
            return "msg-" + sent.size();
          }
        };
    CrmTasks tasks = new CrmTasks(jdbc);
    activities =
        new Object[] {
          new EmailActivitiesImpl(
              directory,
              new Communications(jdbc),
              new EmailTemplates(),
              provider,
              new MutableClock(SATURDAY),
              "Insightly",
              tasks,
              cancellations),
          new CrmActivitiesImpl(tasks, jdbc),
          new LedgerActivitiesImpl(
              tx,
              new RunRecords(jdbc),
              new Timeline(jdbc),
              new TaskQueue(jdbc, Clock.systemUTC()),
              cancellations),
          new SendingRulesActivitiesImpl(directory, jdbc, SendingRules.defaults(), cancellations)
        };
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setInitialTime(SATURDAY)
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
    workflows = WorkerFactory.newInstance(env.getWorkflowClient());
    // The ledger's writes are local activities: they run beside the workflows, also while the
    // activity worker is down.
    Worker workflowWorker =
        workflows.newWorker(
            QUEUE, WorkerOptions.newBuilder().setLocalActivityWorkerOnly(true).build());
    workflowWorker.registerWorkflowImplementationTypes(AtRiskPlaybookImpl.class);
    workflowWorker.registerActivitiesImplementations(activities);
    workflows.start();
    startActivityWorker();
  }

  @AfterEach
  void tearDown() {
    activityWorker.shutdownNow();
    workflows.shutdownNow();
    activityWorker.awaitTermination(10, TimeUnit.SECONDS);
    workflows.awaitTermination(10, TimeUnit.SECONDS);
    env.close();
  }

  @Test
  void stoppedBehindSchedule_theDueEmailIsNotSent_andEverySentEmailIsInTheSteps() {
    AtRiskPlaybook run = start(false);
    awaitState(run, s -> s.nextStep() != null && "day-3-email".equals(s.nextStep().step()));
    awaitHistory(
        events ->
            count(events, EventType.EVENT_TYPE_TIMER_STARTED) == 1 && pendingActivities() == 0,
        "the day-3 timer, nothing in flight");

    // The activity worker is away: day 3 comes, the run schedules its email, nobody sends it.
    stopActivityWorker();
    Instant day3 = run.state().nextStep().at();
    env.sleep(Duration.between(Instant.ofEpochMilli(env.currentTimeMillis()), day3));
    awaitHistory(events -> emailsScheduled(events) == 2, "the day-3 email scheduled");
    assertThat(sent).hasSize(1);

    stop(run);
    startActivityWorker();

    assertCancelled(run);
    pause(500);
    assertThat(sent)
        .extracting(OutgoingEmail::idempotencyKey)
        .singleElement()
        .asString()
        .endsWith("/day-1-email");
    assertThat(communications()).containsExactly("day-1-email:SENT");
    assertThat(sentSteps(run.state())).containsExactly("day-1-email");
  }

  @Test
  void stoppedWhileItsEmailWaitsForTheSendingWindow_givesTheDayBack() {
    // Saturday: the day-1 email waits for Monday 09:00 in Prague, the day reserved for it.
    AtRiskPlaybook run = start(true);
    awaitState(run, s -> s.waitingFor() != null && s.waitingFor().contains("business hours"));
    assertThat(reservedDays()).containsExactly("2026-03-09");

    stop(run);

    assertCancelled(run);
    assertThat(sent).isEmpty();
    assertThat(communications()).isEmpty();
    // Monday is Acme's again: another playbook's email that day is not pushed to Tuesday.
    assertThat(reservedDays()).isEmpty();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private AtRiskPlaybook start(boolean sendingRules) {
    AtRiskPlaybook run =
        env.getWorkflowClient()
            .newWorkflowStub(
                AtRiskPlaybook.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(WORKFLOW_ID)
                    .setTaskQueue(QUEUE)
                    .setTypedSearchAttributes(
                        SearchAttributes.newBuilder()
                            .set(RunSearchAttributes.PLAYBOOK, Playbook.AT_RISK.id())
                            .set(RunSearchAttributes.CUSTOMER_ID, ACME.id())
                            .set(RunSearchAttributes.CSM_ID, ACME.csmId())
                            .build())
                    .build());
    WorkflowClient.start(
        run::run,
        new AtRiskInput(
            new PlaybookContext(ACME.id(), ACME.csmId(), Cadence.REAL_DAYS, sendingRules),
            50,
            "test"));
    return run;
  }

  /** What the API's DELETE does: the stop recorded, then the workflow cancelled. */
  private void stop(AtRiskPlaybook run) {
    WorkflowStub stub = WorkflowStub.fromTyped(run);
    cancellations.record(WORKFLOW_ID, stub.getExecution().getRunId());
    stub.cancel();
  }

  private void assertCancelled(AtRiskPlaybook run) {
    assertThatThrownBy(
            () -> WorkflowStub.fromTyped(run).getResult(30, TimeUnit.SECONDS, PlaybookResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOf(CanceledFailure.class);
    PlaybookState state = run.state();
    assertThat(state.outcome()).isEqualTo(RunOutcome.CANCELLED);
    assertThat(
            jdbc.sql("select status from playbook_runs where workflow_id = :w")
                .param("w", WORKFLOW_ID)
                .query(String.class)
                .single())
        .isEqualTo("CANCELLED");
  }

  private void startActivityWorker() {
    activityWorker = WorkerFactory.newInstance(env.getWorkflowClient());
    activityWorker.newWorker(QUEUE).registerActivitiesImplementations(activities);
    activityWorker.start();
  }

  private void stopActivityWorker() {
    activityWorker.shutdownNow();
    activityWorker.awaitTermination(10, TimeUnit.SECONDS);
  }

  private List<String> communications() {
    return jdbc.sql(
            "select step || ':' || status from communications where workflow_id = :w order by id")
        .param("w", WORKFLOW_ID)
        .query(String.class)
        .list();
  }

  private List<String> reservedDays() {
    return jdbc.sql(
            "select cast(local_date as text) from email_slots where customer_id = :c"
                + " order by local_date")
        .param("c", ACME.id())
        .query(String.class)
        .list();
  }

  private static List<String> sentSteps(PlaybookState state) {
    return state.steps().stream()
        .filter(s -> s.result() == StepResult.SENT)
        .map(StepRecord::step)
        .toList();
  }

  private int pendingActivities() {
    return env.getWorkflowClient()
        .getWorkflowServiceStubs()
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(env.getNamespace())
                .setExecution(
                    io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                        .setWorkflowId(WORKFLOW_ID))
                .build())
        .getPendingActivitiesCount();
  }

  private static long emailsScheduled(List<HistoryEvent> events) {
    return events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .filter(
            e ->
                e.getActivityTaskScheduledEventAttributes()
                    .getActivityType()
                    .getName()
                    .equals("SendCustomerEmail"))
        .count();
  }

  private static long count(List<HistoryEvent> events, EventType type) {
    return events.stream().filter(e -> e.getEventType() == type).count();
  }

  private void awaitHistory(Predicate<List<HistoryEvent>> ready, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<HistoryEvent> events = env.getWorkflowClient().fetchHistory(WORKFLOW_ID).getEvents();
    while (!ready.test(events)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never saw " + what);
      }
      pause(20);
      events = env.getWorkflowClient().fetchHistory(WORKFLOW_ID).getEvents();
    }
  }

  private static PlaybookState awaitState(AtRiskPlaybook run, Predicate<PlaybookState> ready) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    PlaybookState state = run.state();
    while (!ready.test(state)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the run never got there; last: " + state);
      }
      pause(20);
      state = run.state();
    }
    return state;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
