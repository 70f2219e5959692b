package dev.retention.workflows.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.RecordingActivities;
import dev.retention.workflows.RecordingActivities.Gate;
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
import dev.retention.workflows.ports.RunSnapshot;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.CanceledFailure;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A run stopped through the API (a workflow cancel) at any point of its first seconds ends with
 * outcome {@code CANCELLED}, closed in Temporal and in the projection. Each point is held open by a
 * gate on the activity the run is in, so the stop lands exactly there. Subclasses say which
 * Temporal service the scenarios run on.
 */
abstract class RunStopScenarios {

  /** Where in its first seconds the run is when it is stopped. */
  enum Point {
    /** Started, but no worker has picked up its first workflow task yet. */
    BEFORE_FIRST_TASK,
    /** Sending its day-1 email. */
    DURING_FIRST_EMAIL,
    /**
     * Writing its "started" entry and the day-1 step, with its next step (day 3), to the ledger:
     * its first write, one folded write ({@link RunVersions#FOLDED_START}).
     */
    DURING_FIRST_STEP_LEDGER_WRITE,
    /** Waiting for day 3. */
    WAITING_FOR_DAY_3
  }

  /** A client of the Temporal service under test. */
  abstract WorkflowClient client();

  @ParameterizedTest
  @EnumSource(Point.class)
  void stoppedAt_endsCancelled_withItsOutcomeRecorded(Point point) throws Exception {
    WorkflowClient client = client();
    String taskQueue = "run-stop-" + UUID.randomUUID();
    String customer = "stop-" + UUID.randomUUID().toString().substring(0, 8);
    RecordingActivities activities = new RecordingActivities();
    WorkerFactory factory = WorkerFactory.newInstance(client);
    Worker worker = factory.newWorker(taskQueue);
    worker.registerWorkflowImplementationTypes(AtRiskPlaybookImpl.class);
    worker.registerActivitiesImplementations(activities);
    try {
      Gate gate =
          switch (point) {
            case DURING_FIRST_EMAIL -> activities.holdNextEmail();
            case DURING_FIRST_STEP_LEDGER_WRITE -> activities.holdLedgerWrite(1);
            case BEFORE_FIRST_TASK, WAITING_FOR_DAY_3 -> null;
          };
      if (point != Point.BEFORE_FIRST_TASK) {
        factory.start();
      }
      AtRiskPlaybook run = start(client, taskQueue, customer);
      WorkflowStub stub = WorkflowStub.fromTyped(run);
      if (gate != null) {
        gate.awaitEntered();
      }
      if (point == Point.WAITING_FOR_DAY_3) {
        PlaybookTestSupport.awaitState(run, PlaybookTestSupport.waitingFor("day-3-email"));
      }

      stub.cancel();
      if (gate != null) {
        gate.open();
      }
      if (point == Point.BEFORE_FIRST_TASK) {
        factory.start();
      }

      assertThatThrownBy(() -> stub.getResult(30, TimeUnit.SECONDS, PlaybookResult.class))
          .isInstanceOf(WorkflowFailedException.class)
          .cause()
          .isInstanceOf(CanceledFailure.class);
      assertThat(stub.describe().getStatus())
          .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
      PlaybookState state = run.state();
      assertThat(state.outcome()).isEqualTo(RunOutcome.CANCELLED);
      assertThat(state.stage()).isEqualTo(PlaybookRun.CLOSED);
      assertThat(state.allowedOutcomes()).isEmpty();
      assertThat(state.nextStep()).isNull();
      RunSnapshot row = activities.projection();
      assertThat(row.status()).isEqualTo("CANCELLED");
      assertThat(row.outcome()).isEqualTo("CANCELLED");
      assertThat(row.stage()).isEqualTo(PlaybookRun.CLOSED);
      assertThat(row.closedAt()).isNotNull();
      assertThat(activities.ledger())
          .flatExtracting(call -> call.request().allEntries())
          .anySatisfy(entry -> assertThat(entry.summary()).contains("closed CANCELLED"))
          .anySatisfy(entry -> assertThat(entry.key()).isEqualTo("started#0"));
    } finally {
      factory.shutdownNow();
      factory.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static AtRiskPlaybook start(WorkflowClient client, String taskQueue, String customer) {
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(Playbook.AT_RISK.workflowId(customer))
            .setTaskQueue(taskQueue)
            .setWorkflowRunTimeout(Duration.ofMinutes(10))
            .setTypedSearchAttributes(
                SearchAttributes.newBuilder()
                    .set(RunSearchAttributes.PLAYBOOK, Playbook.AT_RISK.id())
                    .set(RunSearchAttributes.CUSTOMER_ID, customer)
                    .set(RunSearchAttributes.CSM_ID, "csm-1")
                    .build())
            .build();
    AtRiskPlaybook run = client.newWorkflowStub(AtRiskPlaybook.class, options);
    WorkflowClient.start(
        run::run,
        new AtRiskInput(
            new PlaybookContext(customer, "csm-1", new Cadence(Duration.ofSeconds(30))),
            50,
            "stop test"));
    return run;
  }
}
