package dev.retention.workflows.frame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.PlaybookTestExtension;
import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.RecordingActivities;
import dev.retention.workflows.atrisk.AtRiskInput;
import dev.retention.workflows.atrisk.AtRiskPlaybook;
import dev.retention.workflows.atrisk.AtRiskPlaybookImpl;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookWorkflow;
import dev.retention.workflows.contract.RunSearchAttributes;
import dev.retention.workflows.engine.PlaybookEngineImpl;
import dev.retention.workflows.ports.LedgerUpdate;
import dev.retention.workflows.ports.TimelineEntry;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A started run reaches its first wait in fewer round trips since {@link RunVersions#LOCAL_LEDGER}:
 * the ledger's writes are local activities, so an at-risk run takes 2 workflow tasks and 1 activity
 * (its day-1 email) before its day-3 timer, where runs of {@link RunVersions#STOP_WINS} took 4 and
 * 3. Since {@link RunVersions#FOLDED_START} its "started" entry goes with the day-1 step's write:
 * one ledger write before the timer where runs of {@link RunVersions#LOCAL_LEDGER} made two
 * (LocalLedgerReplayTest holds their histories to that). It still sends the email once, records the
 * start and the step once, and replays.
 */
class FirstWaitTest {

  static final String CSM = "csm-9";

  TestWorkflowEnvironment env;
  WorkflowClient client;
  Worker worker;
  RecordingActivities activities = new RecordingActivities();

  @BeforeEach
  void start() {
    env = RecordedHistories.recordingEnvironment();
    worker = env.newWorker(RecordedHistories.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(AtRiskPlaybookImpl.class, PlaybookEngineImpl.class);
    worker.registerActivitiesImplementations(activities);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void stop() {
    PlaybookTestExtension.closeInBackground(env);
  }

  @Test
  void before_aRunOfTheStopWinsFrame_took4WorkflowTasksAnd3Activities() throws Exception {
    WorkflowExecutionHistory before =
        RecordedHistories.load("histories/engine-at-risk-no-response.json");

    assertThat(FirstWait.of(before.getEvents())).isEqualTo(new FirstWait(4, 3, 0));
  }

  @Test
  void atRisk_reachesItsFirstTimerAfter2WorkflowTasksAnd1Activity_emailOnce_stepOnce()
      throws Exception {
    AtRiskPlaybook run =
        client.newWorkflowStub(
            AtRiskPlaybook.class,
            PlaybookTestSupport.options(worker, Playbook.AT_RISK, "c-91", CSM));
    WorkflowClient.start(run::run, input("c-91"));

    assertFirstDay(run, Playbook.AT_RISK.workflowId("c-91"), AtRiskPlaybookImpl.class);
  }

  @Test
  void engine_reachesItsFirstTimerAfter2WorkflowTasksAnd1Activity_emailOnce_stepOnce()
      throws Exception {
    PlaybookWorkflow run =
        PlaybookTestSupport.startOnEngine(
            client,
            PlaybookTestSupport.options(worker, Playbook.AT_RISK, "c-92", CSM),
            input("c-92"),
            Playbook.AT_RISK.id());

    assertFirstDay(run, Playbook.AT_RISK.workflowId("c-92"), PlaybookEngineImpl.class);
  }

  /**
   * Since {@link RunVersions#FIRST_STAGE_AT_START} the API gives a hand-written run its first stage
   * with the start: the run then upserts no search attribute before its first timer, and its {@code
   * Stage} is there from the start event on. Started without it (the tests above, a run started
   * straight on Temporal), the run upserts it as before.
   */
  @Test
  void atRisk_startedWithItsFirstStage_upsertsNothingBeforeItsFirstTimer() throws Exception {
    AtRiskInput input = input("c-96");
    AtRiskPlaybook run =
        client.newWorkflowStub(
            AtRiskPlaybook.class,
            PlaybookTestSupport.options(worker, Playbook.AT_RISK, "c-96", CSM, input));
    WorkflowClient.start(run::run, input);

    WorkflowExecutionHistory history = awaitFirstTimer(Playbook.AT_RISK.workflowId("c-96"));
    assertThat(RecordedHistories.upsertsBeforeTheFirstTimer(history.getEvents())).isZero();
    assertThat(
            history
                .getEvents()
                .get(0)
                .getWorkflowExecutionStartedEventAttributes()
                .getSearchAttributes()
                .getIndexedFieldsMap())
        .containsKey(RunSearchAttributes.STAGE.getName());
    assertThat(input.firstStage()).isEqualTo("OUTREACH");
    assertThat(FirstWait.of(history.getEvents())).isEqualTo(new FirstWait(2, 1, 1));
    WorkflowReplayer.replayWorkflowExecution(history, AtRiskPlaybookImpl.class);

    WorkflowExecutionHistory without = awaitFirstTimer(startedWithoutItsStage("c-97"));
    assertThat(RecordedHistories.upsertsBeforeTheFirstTimer(without.getEvents())).isEqualTo(1);
  }

  private String startedWithoutItsStage(String customer) {
    AtRiskPlaybook run =
        client.newWorkflowStub(
            AtRiskPlaybook.class,
            PlaybookTestSupport.options(worker, Playbook.AT_RISK, customer, CSM));
    WorkflowClient.start(run::run, input(customer));
    return Playbook.AT_RISK.workflowId(customer);
  }

  private void assertFirstDay(PlaybookWorkflow run, String workflowId, Class<?> type)
      throws Exception {
    // Read from the history, not queried: a query that comes while a workflow task is in flight
    // is answered in a workflow task of its own, which a run nobody watches does not take.
    WorkflowExecutionHistory history = awaitFirstTimer(workflowId);
    assertThat(PlaybookTestSupport.awaitState(run, s -> s.waitingFor() != null).nextStep().step())
        .isEqualTo("day-3-email");

    // One write, a local activity (a marker, no round trip): the start and the day-1 step.
    assertThat(FirstWait.of(history.getEvents())).isEqualTo(new FirstWait(2, 1, 1));
    assertThat(RecordedHistories.activityTypes(history)).containsExactly("SendCustomerEmail");
    // Once each: the email, and the step on the timeline; the projection shows the wait.
    assertThat(activities.emailSteps()).containsExactly("day-1-email");
    List<String> entries =
        activities.ledger().stream()
            .map(RecordingActivities.Call::request)
            .map(LedgerUpdate::allEntries)
            .flatMap(List::stream)
            .map(TimelineEntry::key)
            .toList();
    // The start under the key the API writes it with when it starts a run.
    assertThat(entries).containsExactly(TimelineEntry.STARTED_KEY, "day-1-email#1");
    assertThat(activities.ledger()).hasSize(1);
    assertThat(activities.lastSnapshot().nextStep()).isEqualTo("day-3-email");
    assertThat(RecordedHistories.count(history, EventType.EVENT_TYPE_MARKER_RECORDED))
        .as("the frame's version and the one write")
        .isEqualTo(2);
    WorkflowReplayer.replayWorkflowExecution(history, type);
  }

  /** Waits (real time) until the run started its first timer. */
  private WorkflowExecutionHistory awaitFirstTimer(String workflowId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      WorkflowExecutionHistory history = client.fetchHistory(workflowId);
      if (RecordedHistories.count(history, EventType.EVENT_TYPE_TIMER_STARTED) > 0) {
        return history;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the run never started a timer");
      }
      Thread.sleep(20);
    }
  }

  private static AtRiskInput input(String customer) {
    return new AtRiskInput(
        new PlaybookContext(customer, CSM, Cadence.REAL_DAYS), 50, "health fell to 50");
  }
}
