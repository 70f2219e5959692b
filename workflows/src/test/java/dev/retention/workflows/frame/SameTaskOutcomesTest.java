package dev.retention.workflows.frame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.PlaybookTestExtension;
import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.RecordingActivities;
import dev.retention.workflows.atrisk.AtRiskInput;
import dev.retention.workflows.atrisk.AtRiskPlaybook;
import dev.retention.workflows.atrisk.AtRiskPlaybookImpl;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.OutcomeRejection;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookState;
import dev.retention.workflows.contract.RunSearchAttributes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.MethodDescriptor;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.SearchAttributes;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Two identical outcomes delivered in one workflow task (a double click): the first is applied by
 * its handler before the second is validated, so the validator refuses the second. Both are sent
 * before any worker runs the workflow, so the service hands them over in its first task; the test
 * checks from inside the workflow that it did.
 *
 * <p>Run alone ({@link Isolated}), its methods one after another, not beside the module's other
 * classes: "sent" is the client's side, and on a loaded machine the service may hand the first
 * outcome to the worker before it has taken in the second.
 */
@Isolated
@Execution(ExecutionMode.SAME_THREAD)
@Timeout(60)
class SameTaskOutcomesTest {

  /** Counts update requests the client has sent in full. */
  static final class UpdatesSent implements ClientInterceptor {
    final Semaphore sent = new Semaphore(0);

    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(
        MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
      ClientCall<Q, A> call = next.newCall(method, options);
      if (!method.getFullMethodName().endsWith("/UpdateWorkflowExecution")) {
        return call;
      }
      return new SimpleForwardingClientCall<>(call) {
        @Override
        public void halfClose() {
          super.halfClose();
          sent.release();
        }
      };
    }
  }

  /** The history length each outcome was validated at: equal lengths mean one workflow task. */
  static final List<Long> validatedAt = new CopyOnWriteArrayList<>();

  static final class ValidationWitness extends WorkerInterceptorBase {
    @Override
    public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
      return new WorkflowInboundCallsInterceptorBase(next) {
        @Override
        public void validateUpdate(UpdateInput input) {
          validatedAt.add(Workflow.getInfo().getHistoryLength());
          super.validateUpdate(input);
        }
      };
    }
  }

  private final UpdatesSent updatesSent = new UpdatesSent();
  private TestWorkflowEnvironment env;

  @BeforeEach
  void startService() {
    validatedAt.clear();
    env =
        TestWorkflowEnvironment.newInstance(
            RecordedHistories.withSearchAttributes(TestEnvironmentOptions.newBuilder())
                .setUseTimeskipping(false)
                .setWorkflowServiceStubsOptions(
                    WorkflowServiceStubsOptions.newBuilder()
                        .setGrpcClientInterceptors(List.of(updatesSent))
                        .build())
                .build());
  }

  @AfterEach
  void stopService() {
    PlaybookTestExtension.closeInBackground(env);
  }

  @Test
  void twoIdenticalOutcomesInOneTask_theSecondIsRefusedByTheValidator() throws Exception {
    WorkflowClient client = env.getWorkflowClient();
    WorkerFactory factory =
        WorkerFactory.newInstance(
            client,
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(new ValidationWitness())
                .build());
    Worker worker = factory.newWorker("same-task");
    worker.registerWorkflowImplementationTypes(AtRiskPlaybookImpl.class);
    worker.registerActivitiesImplementations(new RecordingActivities());
    String workflowId = Playbook.AT_RISK.workflowId("c-double");
    AtRiskPlaybook run =
        client.newWorkflowStub(
            AtRiskPlaybook.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue("same-task")
                .setTypedSearchAttributes(
                    SearchAttributes.newBuilder()
                        .set(RunSearchAttributes.PLAYBOOK, Playbook.AT_RISK.id())
                        .set(RunSearchAttributes.CUSTOMER_ID, "c-double")
                        .set(RunSearchAttributes.CSM_ID, "csm-1")
                        .build())
                .build());
    WorkflowClient.start(
        run::run,
        new AtRiskInput(
            new PlaybookContext("c-double", "csm-1", new Cadence(Duration.ofMinutes(1))),
            50,
            "test"));

    CsmOutcome responded = new CsmOutcome(OutcomeType.CUSTOMER_RESPONDED, "replied", "csm-1");
    // Two threads of their own: each call blocks until the workflow answers it.
    ExecutorService callers = Executors.newFixedThreadPool(2);
    List<CompletableFuture<PlaybookState>> answers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      answers.add(CompletableFuture.supplyAsync(() -> run.recordOutcome(responded), callers));
    }
    assertThat(updatesSent.sent.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();
    // Sent is the client's side: give the service a moment to take both in before any worker
    // polls (without it the test failed about once in seven runs on a loaded 2-core machine).
    Thread.sleep(500);
    try {
      factory.start();
      List<Object> results = new ArrayList<>();
      for (CompletableFuture<PlaybookState> answer : answers) {
        results.add(answer.handle((state, failure) -> state != null ? state : failure).get());
      }

      assertThat(validatedAt).as("both outcomes validated in one workflow task").hasSize(2);
      assertThat(validatedAt.get(0)).isEqualTo(validatedAt.get(1));
      assertThat(results)
          .filteredOn(PlaybookState.class::isInstance)
          .singleElement()
          .satisfies(state -> assertThat(((PlaybookState) state).customerResponded()).isTrue());
      assertThat(results)
          .filteredOn(Throwable.class::isInstance)
          .singleElement()
          .satisfies(
              failure -> {
                assertThat((Throwable) failure).hasCauseInstanceOf(WorkflowUpdateException.class);
                assertThat(OutcomeRejection.in((Throwable) failure))
                    .contains(OutcomeRejection.NOT_ALLOWED_NOW);
              });
      assertThat(client.fetchHistory(workflowId).getEvents())
          .filteredOn(
              e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
          .hasSize(1);
    } finally {
      WorkflowStub.fromTyped(run).terminate("test done");
      callers.shutdownNow();
      factory.shutdownNow();
      factory.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
