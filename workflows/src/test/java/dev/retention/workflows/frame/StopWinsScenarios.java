package dev.retention.workflows.frame;

import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.RecordingActivities;
import dev.retention.workflows.RecordingActivities.Gate;
import dev.retention.workflows.atrisk.AtRiskInput;
import dev.retention.workflows.atrisk.AtRiskPlaybook;
import dev.retention.workflows.atrisk.AtRiskPlaybookImpl;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An at-risk run stopped while it is behind schedule: its day-3 email is due, and either not yet
 * picked up by an activity worker (they are all busy, or down) or being sent, when the stop comes.
 * The workflows and the activities run on two workers of the same task queue, so a test can take
 * the activity worker away while the workflow worker goes on; time skips on the test server.
 */
final class StopWinsScenarios implements AutoCloseable {

  static final String CUSTOMER = "c-38";
  static final String CSM = "csm-4";
  static final String WORKFLOW_ID = Playbook.AT_RISK.workflowId(CUSTOMER);

  final TestWorkflowEnvironment env;
  final WorkflowClient client;
  final RecordingActivities activities = new RecordingActivities();
  private final WorkerFactory workflows;
  private WorkerFactory activityWorker;
  AtRiskPlaybook run;

  StopWinsScenarios(TestWorkflowEnvironment env) {
    this.env = env;
    this.client = env.getWorkflowClient();
    this.workflows = WorkerFactory.newInstance(client);
    Worker workflowWorker =
        workflows.newWorker(
            RecordedHistories.TASK_QUEUE,
            // The ledger's writes are local activities: they run beside the workflows.
            WorkerOptions.newBuilder().setLocalActivityWorkerOnly(true).build());
    workflowWorker.registerWorkflowImplementationTypes(AtRiskPlaybookImpl.class);
    workflowWorker.registerActivitiesImplementations(activities);
    workflows.start();
    startActivityWorker();
  }

  /** Starts the run and waits until it waits for its day-3 email, nothing in flight. */
  void startAndWaitForDay3() {
    run =
        client.newWorkflowStub(
            AtRiskPlaybook.class,
            PlaybookTestSupport.options(
                workflows.getWorker(RecordedHistories.TASK_QUEUE),
                Playbook.AT_RISK,
                CUSTOMER,
                CSM));
    WorkflowClient.start(
        run::run,
        new AtRiskInput(
            new PlaybookContext(CUSTOMER, CSM, Cadence.REAL_DAYS), 50, "health fell to 50"));
    PlaybookTestSupport.awaitState(run, PlaybookTestSupport.waitingFor("day-3-email"));
    awaitHistory(
        events ->
            count(events, EventType.EVENT_TYPE_TIMER_STARTED) == 1 && pendingActivities() == 0,
        "the day-3 timer, nothing in flight");
  }

  /** The activity workers are gone (or all busy): what the run schedules now waits in the queue. */
  void stopActivityWorker() {
    activityWorker.shutdownNow();
    activityWorker.awaitTermination(10, TimeUnit.SECONDS);
  }

  /** An activity worker polls again. */
  void startActivityWorker() {
    activityWorker = WorkerFactory.newInstance(client);
    activityWorker
        .newWorker(RecordedHistories.TASK_QUEUE)
        .registerActivitiesImplementations(activities);
    activityWorker.start();
  }

  /** Holds the next email in the activity worker (being sent) until the gate opens. */
  Gate holdNextEmail() {
    return activities.holdNextEmail();
  }

  /**
   * Day 3 comes: the run schedules its day-3 email (skipping time exactly to the step, so the run
   * is due and nothing later is).
   */
  void day3Comes() {
    Instant day3 = run.state().nextStep().at();
    env.sleep(Duration.between(Instant.ofEpochMilli(env.currentTimeMillis()), day3));
    awaitHistory(
        events -> scheduled(events, "SendCustomerEmail") == 2, "the day-3 email scheduled");
  }

  /**
   * Stops the run as {@code DELETE /api/playbooks/{id}} does (the stop recorded where the email
   * activity sees it, then the workflow cancelled), and waits until the run heard the stop.
   */
  void stop() {
    activities.recordStop(WORKFLOW_ID);
    WorkflowStub.fromTyped(run).cancel();
    awaitHistory(
        events -> {
          int requested = indexOf(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
          return requested >= 0
              && events.subList(requested, events.size()).stream()
                  .anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
        },
        "the run's answer to the stop");
  }

  WorkflowStub stub() {
    return WorkflowStub.fromTyped(run);
  }

  List<HistoryEvent> history() {
    return client.fetchHistory(WORKFLOW_ID).getEvents();
  }

  /** Waits (real time) until the history satisfies {@code ready}. */
  void awaitHistory(Predicate<List<HistoryEvent>> ready, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<HistoryEvent> events = history();
    while (!ready.test(events)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never saw " + what + "; history: " + types(events));
      }
      pause(20);
      events = history();
    }
  }

  static long scheduled(List<HistoryEvent> events, String activityType) {
    return events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .filter(
            e ->
                e.getActivityTaskScheduledEventAttributes()
                    .getActivityType()
                    .getName()
                    .equals(activityType))
        .count();
  }

  static long count(List<HistoryEvent> events, EventType type) {
    return events.stream().filter(e -> e.getEventType() == type).count();
  }

  static int indexOf(List<HistoryEvent> events, EventType type) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).getEventType() == type) {
        return i;
      }
    }
    return -1;
  }

  static List<EventType> types(List<HistoryEvent> events) {
    return events.stream().map(HistoryEvent::getEventType).toList();
  }

  private int pendingActivities() {
    WorkflowExecution execution = WorkflowStub.fromTyped(run).getExecution();
    return client
        .getWorkflowServiceStubs()
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(client.getOptions().getNamespace())
                .setExecution(execution)
                .build())
        .getPendingActivitiesCount();
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    activityWorker.shutdownNow();
    workflows.shutdownNow();
    activityWorker.awaitTermination(10, TimeUnit.SECONDS);
    workflows.awaitTermination(10, TimeUnit.SECONDS);
  }
}
