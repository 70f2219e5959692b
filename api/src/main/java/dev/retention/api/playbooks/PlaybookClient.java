package dev.retention.api.playbooks;

import dev.retention.api.problems.ApiProblem;
import dev.retention.data.customers.Customer;
import dev.retention.data.definitions.PlaybookDefinitions;
import dev.retention.data.ledger.RunCancellations;
import dev.retention.data.ledger.RunProjection;
import dev.retention.workflows.atrisk.AtRiskInput;
import dev.retention.workflows.cancellationsave.CancellationSaveInput;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.CustomerResponse;
import dev.retention.workflows.contract.OutcomeRejection;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookIds;
import dev.retention.workflows.contract.PlaybookState;
import dev.retention.workflows.contract.PlaybookWorkflow;
import dev.retention.workflows.contract.RunDescription;
import dev.retention.workflows.contract.RunInput;
import dev.retention.workflows.contract.RunSearchAttributes;
import dev.retention.workflows.contract.RunView;
import dev.retention.workflows.engine.BuiltInInputs;
import dev.retention.workflows.engine.DefinedInput;
import dev.retention.workflows.engine.EngineInput;
import dev.retention.workflows.engine.PlaybookDefinition;
import dev.retention.workflows.engine.PlaybookEngine;
import dev.retention.workflows.expansion.ExpansionInput;
import dev.retention.workflows.npsfollowup.NpsFollowUpInput;
import dev.retention.workflows.onboarding.OnboardingInput;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowTargetOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Starts playbook runs through each playbook's typed stub, and messages running ones: the outcome
 * update, the stop, the signals. Reading runs is {@link PlaybookRuns}'s job.
 */
@Service
public class PlaybookClient {

  private static final Logger log = LoggerFactory.getLogger(PlaybookClient.class);

  private final WorkflowClient client;
  private final RunExecutions executions;
  private final RunProjection projection;
  private final RunCancellations cancellations;
  private final String taskQueue;
  private final PlaybookDefinitions definitions;

  PlaybookClient(
      WorkflowClient client,
      PlaybookDefinitions definitions,
      RunExecutions executions,
      RunProjection projection,
      RunCancellations cancellations,
      @Value("${retention.task-queue}") String taskQueue) {
    this.client = client;
    this.definitions = definitions;
    this.executions = executions;
    this.projection = projection;
    this.cancellations = cancellations;
    this.taskQueue = taskQueue;
  }

  /** What {@code POST /api/playbooks} answers. */
  public record Started(
      String workflowId, String runId, String playbook, String customerId, Integer version) {}

  public Started start(Customer customer, AtRiskInput input) {
    return start(Playbook.AT_RISK, customer, input);
  }

  public Started start(Customer customer, ExpansionInput input) {
    return start(Playbook.EXPANSION, customer, input);
  }

  public Started start(Customer customer, OnboardingInput input) {
    return start(Playbook.ONBOARDING, customer, input);
  }

  public Started start(Customer customer, NpsFollowUpInput input) {
    return start(Playbook.NPS_FOLLOW_UP, customer, input);
  }

  public Started start(Customer customer, CancellationSaveInput input) {
    return start(Playbook.CANCELLATION_SAVE, customer, input);
  }

  /** A run of a playbook that exists only as a definition (no hand-written workflow). */
  public Started start(String playbookId, Customer customer, DefinedInput input) {
    return start(playbookId, customer, (RunInput) input);
  }

  private Started start(Playbook playbook, Customer customer, RunInput input) {
    return start(playbook.id(), customer, input);
  }

  /**
   * The one place runs start: on the playbook engine, with the playbook's published definition
   * version pinned in the run's input; their options (id, policies, search attributes) and the
   * start call. One run per playbook per customer: a running one makes this throw {@link
   * AlreadyRunning}; a closed one may be followed by a new run.
   */
  private Started start(String playbook, Customer customer, RunInput input) {
    PlaybookDefinition definition =
        definitions
            .published(playbook)
            .orElseThrow(
                () -> new IllegalStateException("no definition of " + playbook + " published"));
    EngineInput engineInput = BuiltInInputs.of(input, definition);
    String workflowId = PlaybookIds.workflowId(playbook, customer.id());
    WorkflowOptions options =
        options(playbook, customer.id(), customer.csmId(), engineInput, taskQueue);
    try {
      WorkflowExecution execution =
          WorkflowClient.start(
              client.newWorkflowStub(PlaybookEngine.class, options)::run, engineInput);
      log.info("started {} run {} on version {}", playbook, workflowId, definition.version());
      return new Started(
          workflowId, execution.getRunId(), playbook, customer.id(), definition.version());
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new AlreadyRunning(workflowId, e.getExecution().getRunId());
    }
  }

  /**
   * The options every run starts with: its deterministic id on the task queue, one running run per
   * playbook per customer (a closed one may be followed by a new one), the search attributes (the
   * first stage and the version are those of the definition {@code played} pins), and the static
   * summary and details for the Temporal UI and CLI (playbook, ids, trigger: no personal data; see
   * {@link RunDescription}).
   */
  public static WorkflowOptions options(
      String playbook, String customerId, String csmId, EngineInput played, String taskQueue) {
    RunDescription description = RunDescription.of(playbook, played);
    SearchAttributes.Builder attributes =
        RunSearchAttributes.atStart(playbook, customerId, csmId, played)
            .set(
                RunSearchAttributes.PLAYBOOK_VERSION,
                played.definition().id() + "@" + played.definition().versionOrFirst());
    return WorkflowOptions.newBuilder()
        .setStaticSummary(description.summary())
        .setStaticDetails(description.details())
        .setWorkflowId(PlaybookIds.workflowId(playbook, customerId))
        .setTaskQueue(taskQueue)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
        .setTypedSearchAttributes(attributes.build())
        // Eager start: where this process also runs a worker on the queue with a free slot, the
        // server hands the run's first workflow task back with the start (no trip through
        // matching); elsewhere (the api role, a server without it) the start is as before.
        .setDisableEagerExecution(false)
        .build();
  }

  /** Whether a run of the playbook is running for the customer, as Temporal knows it. */
  public boolean isRunning(Playbook playbook, String customerId) {
    return isRunning(playbook.id(), customerId);
  }

  /** The same for any playbook, by its id. */
  public boolean isRunning(String playbook, String customerId) {
    return executions
        .find(PlaybookIds.workflowId(playbook, customerId))
        .map(RunExecution::running)
        .orElse(false);
  }

  /** The live state of a running (or closed) run, from its query. */
  public PlaybookState state(String workflowId) {
    return run(workflowId).state();
  }

  /**
   * Records a CSM outcome through the workflow's validated update, and answers the run as the
   * update left it: its state, with the run id the update reached, so the run can be shown without
   * reading it again (all but its notes, which the database holds: {@link PlaybookRuns#withNotes}).
   * The update goes straight to the run, one round trip: only when it finds no running run is
   * Temporal asked what became of it (404 for no run, 409 for a closed one).
   */
  public RunView recordOutcome(String workflowId, CsmOutcome outcome) {
    try {
      WorkflowUpdateHandle<PlaybookState> update =
          client
              .newUntypedWorkflowStub(workflowId)
              .startUpdate(
                  PlaybookWorkflow.RECORD_OUTCOME,
                  WorkflowUpdateStage.COMPLETED,
                  PlaybookState.class,
                  outcome);
      PlaybookState state = update.getResult();
      boolean finished = PlaybookState.CLOSED.equals(state.stage());
      return RunView.of(
          state, update.getExecution().getRunId(), finished ? "COMPLETED" : "RUNNING", null);
    } catch (WorkflowUpdateException e) {
      OutcomeRejection rejection = OutcomeRejection.in(e).orElseThrow(() -> e);
      String why = rootMessage(e);
      throw rejection.runMovedOn() ? closed(workflowId, why) : ApiProblem.invalid("type", why);
    } catch (WorkflowNotFoundException e) {
      requireRunning(workflowId);
      throw closed(workflowId, "the run has closed");
    }
  }

  /**
   * Stops a run: it records {@code CANCELLED} and ends. The stop is recorded in the database first
   * (and the run's send slots for emails that did not go out given back), so that once this returns
   * nothing more of the run goes to the customer: an email step that has not claimed its email by
   * then is refused, wherever its activity is; one already at the provider goes out and the run
   * records it. The run is stopped by its run id, so a run started since is not touched.
   */
  public void cancel(String workflowId) {
    RunExecution execution = requireRunning(workflowId);
    cancellations.record(workflowId, execution.runId());
    try {
      client
          .newUntypedWorkflowStub(
              WorkflowTargetOptions.newBuilder()
                  .setWorkflowId(workflowId)
                  .setRunId(execution.runId())
                  .build())
          .cancel();
    } catch (WorkflowNotFoundException e) {
      throw closed(workflowId, "the run has closed");
    }
  }

  /** The customer answered: every running run of theirs hears it. */
  public List<String> customerResponded(String customerId, String source) {
    return signalRunning(
        customerId, (String) null, run -> run.customerResponded(new CustomerResponse(source)));
  }

  /**
   * Sends a signal to the customer's running runs: of one playbook, or, when null, of those the
   * projection knows as running (runs started through the API are in it from their start, see
   * {@link PlaybookStarts}), so no signal goes to a run that does not exist. Run ids are
   * deterministic; a run that closed a moment ago answers not found and is left out.
   */
  public List<String> signalRunning(
      String customerId, Playbook playbook, Consumer<PlaybookWorkflow> signal) {
    return signalRunning(customerId, playbook == null ? null : playbook.id(), signal);
  }

  /** The same for any playbook, by its id ({@code null}: every running one). */
  public List<String> signalRunning(
      String customerId, String playbook, Consumer<PlaybookWorkflow> signal) {
    List<String> informed = new ArrayList<>();
    for (String candidate : playbook == null ? runningPlaybooks(customerId) : List.of(playbook)) {
      String workflowId = PlaybookIds.workflowId(candidate, customerId);
      try {
        signal.accept(run(workflowId));
        informed.add(workflowId);
      } catch (WorkflowNotFoundException e) {
        // Not running: never started, or closed.
      }
    }
    return informed;
  }

  /**
   * The customer's playbooks the projection knows as running (runs started through the API are in
   * it from their start).
   */
  public List<String> runningPlaybooks(String customerId) {
    return projection.running(List.of(customerId)).getOrDefault(customerId, List.of()).stream()
        .map(RunProjection.Running::playbook)
        .distinct()
        .toList();
  }

  private PlaybookWorkflow run(String workflowId) {
    return client.newWorkflowStub(PlaybookWorkflow.class, workflowId);
  }

  private RunExecution requireRunning(String workflowId) {
    RunExecution execution = executions.require(workflowId);
    if (!execution.running()) {
      throw closed(workflowId, "the run is " + execution.status());
    }
    return execution;
  }

  private static ApiProblem closed(String workflowId, String why) {
    return ApiProblem.conflict(
        "Run already closed",
        "run " + workflowId + " is closed (" + why + "); nothing can be recorded on it",
        Map.of("workflowId", workflowId));
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
}
