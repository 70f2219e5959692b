package dev.retention.api.playbooks;

import dev.retention.activities.customers.Customer;
import dev.retention.activities.customers.CustomerDirectory;
import dev.retention.activities.ledger.RunProjection;
import dev.retention.activities.ledger.RunRow;
import dev.retention.activities.scoring.HealthScoring;
import dev.retention.activities.scoring.ScoredHealth;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.runtime.PlaybookSettings;
import dev.retention.workflows.atrisk.AtRiskInput;
import dev.retention.workflows.atrisk.AtRiskPlaybook;
import dev.retention.workflows.common.Cadence;
import dev.retention.workflows.common.CsmOutcome;
import dev.retention.workflows.common.CustomerResponse;
import dev.retention.workflows.common.HealthChange;
import dev.retention.workflows.common.NextStep;
import dev.retention.workflows.common.Playbook;
import dev.retention.workflows.common.PlaybookRun;
import dev.retention.workflows.common.PlaybookState;
import dev.retention.workflows.common.PlaybookWorkflow;
import dev.retention.workflows.common.RunSearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/** Starts, reads, informs and stops playbook runs in Temporal. */
@Service
public class PlaybookRuns {

  private static final Logger log = LoggerFactory.getLogger(PlaybookRuns.class);

  /** The playbooks this release runs; the others answer 400 "not available yet". */
  static final List<Playbook> AVAILABLE = List.of(Playbook.AT_RISK);

  private final WorkflowClient client;
  private final CustomerDirectory directory;
  private final HealthScoring scoring;
  private final RunProjection projection;
  private final PlaybookSettings settings;
  private final String taskQueue;

  public PlaybookRuns(
      WorkflowClient client,
      CustomerDirectory directory,
      HealthScoring scoring,
      RunProjection projection,
      PlaybookSettings settings,
      @Value("${retention.task-queue}") String taskQueue) {
    this.client = client;
    this.directory = directory;
    this.scoring = scoring;
    this.projection = projection;
    this.settings = settings;
    this.taskQueue = taskQueue;
  }

  /** What {@code POST /api/playbooks} answers. */
  public record Started(String workflowId, String runId, String playbook, String customerId) {}

  public Started start(String playbookName, String customerId, String reason) {
    Playbook playbook =
        Playbook.fromId(playbookName)
            .orElseThrow(
                () ->
                    ApiProblem.invalid(
                        "playbook",
                        "unknown playbook "
                            + playbookName
                            + "; playbooks are "
                            + java.util.Arrays.stream(Playbook.values())
                                .map(Playbook::id)
                                .toList()));
    if (!AVAILABLE.contains(playbook)) {
      throw ApiProblem.invalid(
          "playbook",
          "the "
              + playbook.id()
              + " playbook is not available yet; available: "
              + AVAILABLE.stream().map(Playbook::id).toList());
    }
    Customer customer =
        directory
            .findCustomer(customerId)
            .orElseThrow(() -> ApiProblem.notFound("Customer", "no customer " + customerId));
    String workflowId = playbook.workflowId(customer.id());
    Cadence cadence = new Cadence(settings.dayLength());
    var context =
        new dev.retention.workflows.common.PlaybookContext(
            customer.id(), customer.csmId(), cadence);
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(workflowId)
            .setTaskQueue(taskQueue)
            .setWorkflowIdReusePolicy(
                WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
            .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
            .setTypedSearchAttributes(
                SearchAttributes.newBuilder()
                    .set(RunSearchAttributes.PLAYBOOK, playbook.id())
                    .set(RunSearchAttributes.CUSTOMER_ID, customer.id())
                    .set(RunSearchAttributes.CSM_ID, customer.csmId())
                    .build())
            .build();
    try {
      WorkflowExecution execution =
          switch (playbook) {
            case AT_RISK -> {
              Integer score = scoring.latest(customer.id()).map(ScoredHealth::score).orElse(null);
              AtRiskPlaybook stub = client.newWorkflowStub(AtRiskPlaybook.class, options);
              yield WorkflowClient.start(
                  stub::run, new AtRiskInput(context, score, reason == null ? "manual" : reason));
            }
            default -> throw new IllegalStateException("not available: " + playbook);
          };
      log.info("started {} run {}", playbook.id(), workflowId);
      return new Started(workflowId, execution.getRunId(), playbook.id(), customer.id());
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw ApiProblem.conflict(
          "Playbook already running",
          "a "
              + playbook.id()
              + " run is already running for customer "
              + customer.id()
              + ": "
              + workflowId,
          Map.of("workflowId", workflowId, "runId", e.getExecution().getRunId()));
    }
  }

  /** The run's full state, from the workflow itself; the projection when Temporal lost it. */
  public RunView view(String workflowId) {
    Optional<DescribeWorkflowExecutionResponse> described = describe(workflowId);
    if (described.isEmpty()) {
      RunRow row =
          projection
              .latest(workflowId)
              .orElseThrow(() -> ApiProblem.notFound("Run", "no playbook run " + workflowId));
      return fromRow(row);
    }
    var info = described.get().getWorkflowExecutionInfo();
    String status = status(info.getStatus());
    Instant closedAt = closedAt(info);
    if (closedAt != null && !"COMPLETED".equals(status) && !"CANCELLED".equals(status)) {
      // Terminated or failed from outside (e.g. the Temporal UI): the workflow could not say so.
      projection.markClosed(info.getExecution().getRunId(), status, closedAt);
    }
    PlaybookState state = client.newWorkflowStub(PlaybookWorkflow.class, workflowId).state();
    return fromState(state, info.getExecution().getRunId(), status, closedAt);
  }

  public List<RunView> list(String customerId, String playbook, String status) {
    return projection.list(customerId, playbook, status, 500).stream()
        .map(PlaybookRuns::fromRow)
        .toList();
  }

  /** Records a CSM outcome through the workflow's validated update. */
  public RunView recordOutcome(String workflowId, CsmOutcome outcome) {
    requireRunning(workflowId);
    try {
      PlaybookState state =
          client.newWorkflowStub(PlaybookWorkflow.class, workflowId).recordOutcome(outcome);
      return fromState(state, null, state.outcome() == null ? "RUNNING" : "COMPLETED", null);
    } catch (WorkflowUpdateException e) {
      if (e.getCause() instanceof ApplicationFailure failure) {
        if (PlaybookRun.RUN_CLOSED.equals(failure.getType())
            || failure.getType().endsWith("IllegalStateException")) {
          throw closed(workflowId, failure.getOriginalMessage());
        }
        throw ApiProblem.invalid("type", failure.getOriginalMessage());
      }
      throw e;
    } catch (WorkflowNotFoundException e) {
      throw closed(workflowId, "the run has closed");
    }
  }

  /** Stops a run: it records {@code CANCELLED} and ends. */
  public void cancel(String workflowId) {
    requireRunning(workflowId);
    client.newUntypedWorkflowStub(workflowId).cancel();
  }

  /** The customer answered: every running run of theirs hears it. */
  public List<String> customerResponded(String customerId, String source) {
    return signalRunning(customerId, run -> run.customerResponded(new CustomerResponse(source)));
  }

  /** A new health score: running runs decide what it means for them (at-risk: ≥ 60 recovers). */
  public List<String> healthChanged(String customerId, int score, String band) {
    return signalRunning(customerId, run -> run.healthChanged(new HealthChange(score, band)));
  }

  private List<String> signalRunning(
      String customerId, java.util.function.Consumer<PlaybookWorkflow> signal) {
    List<String> informed = new ArrayList<>();
    for (RunRow row : projection.list(customerId, null, "RUNNING", 100)) {
      try {
        signal.accept(client.newWorkflowStub(PlaybookWorkflow.class, row.workflowId()));
        informed.add(row.workflowId());
      } catch (WorkflowNotFoundException e) {
        projection.markClosed(row.runId(), "TERMINATED", Instant.now());
      }
    }
    return informed;
  }

  private void requireRunning(String workflowId) {
    DescribeWorkflowExecutionResponse described =
        describe(workflowId)
            .orElseThrow(() -> ApiProblem.notFound("Run", "no playbook run " + workflowId));
    var status = described.getWorkflowExecutionInfo().getStatus();
    if (status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      throw closed(workflowId, "the run is " + status(status));
    }
  }

  private static ApiProblem closed(String workflowId, String why) {
    return ApiProblem.conflict(
        "Run already closed",
        "run " + workflowId + " is closed (" + why + "); nothing can be recorded on it",
        Map.of("workflowId", workflowId));
  }

  private Optional<DescribeWorkflowExecutionResponse> describe(String workflowId) {
    try {
      return Optional.of(
          client
              .getWorkflowServiceStubs()
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(client.getOptions().getNamespace())
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                      .build()));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    } catch (WorkflowServiceException e) {
      return Optional.empty();
    }
  }

  static String status(WorkflowExecutionStatus status) {
    return switch (status) {
      case WORKFLOW_EXECUTION_STATUS_RUNNING -> "RUNNING";
      case WORKFLOW_EXECUTION_STATUS_COMPLETED, WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW ->
          "COMPLETED";
      case WORKFLOW_EXECUTION_STATUS_CANCELED -> "CANCELLED";
      case WORKFLOW_EXECUTION_STATUS_TERMINATED -> "TERMINATED";
      default -> "FAILED";
    };
  }

  private static Instant closedAt(io.temporal.api.workflow.v1.WorkflowExecutionInfo info) {
    if (!info.hasCloseTime()) {
      return null;
    }
    return Instant.ofEpochSecond(info.getCloseTime().getSeconds(), info.getCloseTime().getNanos());
  }

  private static RunView fromState(PlaybookState s, String runId, String status, Instant closedAt) {
    return new RunView(
        s.workflowId(),
        runId,
        s.playbook(),
        s.customerId(),
        s.csmId(),
        status,
        s.stage(),
        s.outcome() == null ? null : s.outcome().name(),
        s.outcomeReason(),
        s.nextStep(),
        s.waitingFor(),
        s.customerResponded(),
        s.allowedOutcomes(),
        s.startedAt(),
        closedAt,
        s.dayLength(),
        s.steps());
  }

  private static RunView fromRow(RunRow r) {
    return new RunView(
        r.workflowId(),
        r.runId(),
        r.playbook(),
        r.customerId(),
        r.csmId(),
        r.status(),
        r.stage(),
        r.outcome(),
        null,
        r.nextStep() == null ? null : new NextStep(r.nextStep(), r.nextStepAt()),
        null,
        null,
        null,
        r.startedAt(),
        r.closedAt(),
        null,
        null);
  }
}
