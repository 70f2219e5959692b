package dev.retention.api.playbooks;

import dev.retention.activities.customers.Customer;
import dev.retention.activities.customers.CustomerDirectory;
import dev.retention.activities.ledger.RunProjection;
import dev.retention.activities.ledger.RunRow;
import dev.retention.activities.manners.SendingRules;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.runtime.PlaybookSettings;
import dev.retention.workflows.common.Cadence;
import dev.retention.workflows.common.CsmOutcome;
import dev.retention.workflows.common.CustomerResponse;
import dev.retention.workflows.common.HealthChange;
import dev.retention.workflows.common.NextStep;
import dev.retention.workflows.common.OutcomeRejection;
import dev.retention.workflows.common.Playbook;
import dev.retention.workflows.common.PlaybookContext;
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
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/** Starts, reads, informs and stops playbook runs in Temporal. */
@Service
public class PlaybookRuns {

  private static final Logger log = LoggerFactory.getLogger(PlaybookRuns.class);

  private static final Map<Playbook, String> WORKFLOW_TYPES =
      Map.of(
          Playbook.AT_RISK, "AtRiskPlaybook",
          Playbook.EXPANSION, "ExpansionPlaybook",
          Playbook.ONBOARDING, "OnboardingPlaybook",
          Playbook.NPS_FOLLOW_UP, "NpsFollowUpPlaybook",
          Playbook.CANCELLATION_SAVE, "CancellationSavePlaybook");

  private final WorkflowClient client;
  private final CustomerDirectory directory;
  private final RunProjection projection;
  private final PlaybookSettings settings;
  private final SendingRules sendingRules;
  private final String taskQueue;

  public PlaybookRuns(
      WorkflowClient client,
      CustomerDirectory directory,
      RunProjection projection,
      PlaybookSettings settings,
      SendingRules sendingRules,
      @Value("${retention.task-queue}") String taskQueue) {
    this.client = client;
    this.directory = directory;
    this.projection = projection;
    this.settings = settings;
    this.sendingRules = sendingRules;
    this.taskQueue = taskQueue;
  }

  /** What {@code POST /api/playbooks} answers. */
  public record Started(String workflowId, String runId, String playbook, String customerId) {}

  /** The playbook is already running for the customer; {@code runId} is the running one. */
  public static class AlreadyRunning extends RuntimeException {
    private final String workflowId;
    private final String runId;

    AlreadyRunning(String workflowId, String runId) {
      super(workflowId + " is already running");
      this.workflowId = workflowId;
      this.runId = runId;
    }

    public String workflowId() {
      return workflowId;
    }

    public String runId() {
      return runId;
    }

    public ApiProblem problem(Playbook playbook, String customerId) {
      return ApiProblem.conflict(
          "Playbook already running",
          "a "
              + playbook.id()
              + " run is already running for customer "
              + customerId
              + ": "
              + workflowId,
          runId == null
              ? Map.of("workflowId", workflowId)
              : Map.of("workflowId", workflowId, "runId", runId));
    }
  }

  /** The context every run starts with: the customer, their CSM, today's cadence. */
  public PlaybookContext context(Customer customer) {
    return new PlaybookContext(
        customer.id(), customer.csmId(), new Cadence(settings.dayLength()), sendingRulesOn());
  }

  /**
   * The sending rules are defined in real days: on by default when a playbook day is a real day,
   * off for short demo days, unless {@code retention.sending-rules.enabled} says otherwise.
   */
  boolean sendingRulesOn() {
    return sendingRules.enabled() != null
        ? sendingRules.enabled()
        : settings.dayLength().compareTo(java.time.Duration.ofDays(1)) >= 0;
  }

  public Customer customer(String customerId) {
    return directory
        .findCustomer(customerId)
        .orElseThrow(() -> ApiProblem.notFound("Customer", "no customer " + customerId));
  }

  /**
   * Starts a run with its input. One run per playbook per customer: a running one makes this throw
   * {@link AlreadyRunning}; a closed one may be followed by a new run.
   */
  public Started start(Playbook playbook, Customer customer, Object input) {
    String workflowId = playbook.workflowId(customer.id());
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
          client.newUntypedWorkflowStub(WORKFLOW_TYPES.get(playbook), options).start(input);
      log.info("started {} run {}", playbook.id(), workflowId);
      return new Started(workflowId, execution.getRunId(), playbook.id(), customer.id());
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new AlreadyRunning(workflowId, e.getExecution().getRunId());
    }
  }

  /** Whether a run of the playbook is running for the customer, as Temporal knows it. */
  public boolean isRunning(Playbook playbook, String customerId) {
    return describe(playbook.workflowId(customerId))
        .map(
            d ->
                d.getWorkflowExecutionInfo().getStatus()
                    == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING)
        .orElse(false);
  }

  /** The live state of a running (or closed) run. */
  public PlaybookState state(String workflowId) {
    return client.newWorkflowStub(PlaybookWorkflow.class, workflowId).state();
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

  /** Runs from the projection; {@code csmIds} limits them to those CSMs' customers (null: all). */
  public List<RunView> list(
      String customerId, String playbook, String status, List<String> csmIds) {
    return projection.list(customerId, playbook, status, csmIds, 500).stream()
        .map(PlaybookRuns::fromRow)
        .toList();
  }

  /** Records a CSM outcome through the workflow's validated update. */
  public RunView recordOutcome(String workflowId, CsmOutcome outcome) {
    requireRunning(workflowId);
    try {
      PlaybookState state =
          client.newWorkflowStub(PlaybookWorkflow.class, workflowId).recordOutcome(outcome);
      boolean finished = PlaybookRun.CLOSED.equals(state.stage());
      return fromState(state, null, finished ? "COMPLETED" : "RUNNING", null);
    } catch (WorkflowUpdateException e) {
      OutcomeRejection rejection = OutcomeRejection.in(e).orElseThrow(() -> e);
      String why = rootMessage(e);
      throw rejection.runMovedOn() ? closed(workflowId, why) : ApiProblem.invalid("type", why);
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
    return signalRunning(
        customerId, null, run -> run.customerResponded(new CustomerResponse(source)));
  }

  /** A new health score: running runs decide what it means for them (at-risk: ≥ 60 recovers). */
  public List<String> healthChanged(String customerId, int score, String band) {
    return signalRunning(customerId, null, run -> run.healthChanged(new HealthChange(score, band)));
  }

  /**
   * Sends a signal to the customer's running runs (of one playbook, or of all when null). Run ids
   * are deterministic, so this asks Temporal directly rather than the projection, which may lag a
   * run that started a moment ago.
   */
  public List<String> signalRunning(
      String customerId, Playbook playbook, Consumer<PlaybookWorkflow> signal) {
    List<String> informed = new ArrayList<>();
    for (Playbook candidate : playbook == null ? List.of(Playbook.values()) : List.of(playbook)) {
      String workflowId = candidate.workflowId(customerId);
      try {
        signal.accept(client.newWorkflowStub(PlaybookWorkflow.class, workflowId));
        informed.add(workflowId);
      } catch (WorkflowNotFoundException e) {
        // Not running: never started, or closed.
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

  private static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof ApplicationFailure application
        ? application.getOriginalMessage()
        : cause.getMessage();
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
        s.facts(),
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
        null,
        null);
  }
}
