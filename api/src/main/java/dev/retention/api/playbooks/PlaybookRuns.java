package dev.retention.api.playbooks;

import dev.retention.api.problems.ApiProblem;
import dev.retention.data.ledger.RunProjection;
import dev.retention.data.notes.CustomerNotes;
import dev.retention.data.privacy.PersonalData;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookState;
import dev.retention.workflows.contract.PlaybookWorkflow;
import dev.retention.workflows.contract.RunView;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowQueryException;
import io.temporal.client.WorkflowServiceException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Reads runs as the API shows them: one run from the workflow itself (the projection when Temporal
 * lost it), lists from the projection. Reads only: nothing here writes. Starting and messaging runs
 * is {@link PlaybookClient}'s job; {@link ClosedRunReconciler} corrects the projection.
 */
@Service
public class PlaybookRuns {

  private static final Logger log = LoggerFactory.getLogger(PlaybookRuns.class);

  private final WorkflowClient client;
  private final RunExecutions executions;
  private final RunProjection projection;
  private final PersonalData personalData;
  private final CustomerNotes notes;
  private final Duration stateTimeout;
  private final Duration closedStateTimeout;

  PlaybookRuns(
      WorkflowClient client,
      RunExecutions executions,
      RunProjection projection,
      PersonalData personalData,
      CustomerNotes notes,
      @Value("${retention.playbooks.state-query-timeout:PT5S}") Duration stateTimeout,
      @Value("${retention.playbooks.closed-state-query-timeout:PT30S}")
          Duration closedStateTimeout) {
    this.notes = notes;
    this.stateTimeout = stateTimeout;
    this.closedStateTimeout = closedStateTimeout;
    this.client = client;
    this.executions = executions;
    this.projection = projection;
    this.personalData = personalData;
  }

  /**
   * The run's full state, from the workflow itself; the projection when Temporal lost it, or when
   * the customer's personal data was erased after the run started: then its steps (whose details
   * quote names, notes and subjects) are not shown, and the workflow is not asked (its history is
   * unreadable from then on, see the codec's crypto-shredding).
   */
  public RunView view(String workflowId) {
    return withNotes(state(workflowId));
  }

  /**
   * The run with what people wrote on it, from the database: what {@link #view} adds to the run's
   * state. For a run in hand already, such as the one an outcome answers ({@link
   * RunOutcomes#record}), so that it is shown without asking Temporal again.
   */
  public RunView withNotes(RunView view) {
    if (view.runId() == null) {
      return view;
    }
    List<RunView.RunNote> runNotes = new java.util.ArrayList<>();
    for (CustomerNotes.Note n : notes.forRun(view.runId())) {
      runNotes.add(
          new RunView.RunNote(
              n.kind().name(), n.at(), n.author(), stepName(n.step()), null, n.body()));
    }
    for (CustomerNotes.TaskNote t : notes.completedTasksOfRun(view.runId())) {
      runNotes.add(
          new RunView.RunNote("TASK_DONE", t.at(), t.author(), t.step(), t.title(), t.note()));
    }
    runNotes.sort(
        java.util.Comparator.comparing(
            RunView.RunNote::at,
            java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder())));
    return view.withNotes(runNotes);
  }

  /** A run's note is keyed by its step and the step counter ({@code call-completed#3}). */
  private static String stepName(String step) {
    if (step == null) {
      return null;
    }
    int hash = step.indexOf('#');
    return hash < 0 ? step : step.substring(0, hash);
  }

  private RunView state(String workflowId) {
    Optional<RunExecution> execution = executions.find(workflowId);
    if (execution.isEmpty()) {
      return projection
          .latest(workflowId)
          .orElseThrow(() -> ApiProblem.notFound("Run", "no playbook run " + workflowId));
    }
    RunExecution described = execution.get();
    if (erasedSinceStart(described)) {
      return projection
          .latest(workflowId)
          .orElseGet(() -> RunView.bare(described.workflowId(), described.runId()))
          .erased(
              described.status(), described.closedAt(), personalData.keptSteps(described.runId()));
    }
    PlaybookState state;
    try {
      // A closed run is answered by a worker replaying its whole history, which a loaded worker
      // may take seconds for; it does answer, and the projection's row has no steps, so it is
      // given longer. A running one that cannot answer within its shorter limit is likely stuck.
      state = askState(workflowId, described.running() ? stateTimeout : closedStateTimeout);
    } catch (WorkflowQueryException | WorkflowServiceException | TimeoutException e) {
      return lastRecorded(described, e);
    }
    return RunView.of(state, described.runId(), described.status(), described.closedAt());
  }

  /**
   * The workflow's answer to its state query, within {@code limit}. The SDK itself would retry a
   * query no worker answers for a minute and more (each attempt waits out its own deadline); a
   * person reading a run does not wait that long. The query runs on a virtual thread of its own,
   * interrupted (its call cancelled) when the time is up.
   */
  private PlaybookState askState(String workflowId, Duration limit) throws TimeoutException {
    FutureTask<PlaybookState> ask =
        new FutureTask<>(() -> client.newWorkflowStub(PlaybookWorkflow.class, workflowId).state());
    Thread.ofVirtual().name("state-query " + workflowId).start(ask);
    try {
      return ask.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      ask.cancel(true);
      throw e;
    } catch (InterruptedException e) {
      ask.cancel(true);
      Thread.currentThread().interrupt();
      throw new TimeoutException("interrupted while waiting for the state query");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * The run as the projection last recorded it, when the workflow cannot answer its query: a run
   * terminated in the middle of a workflow task cannot be replayed, a running one whose workflow
   * task keeps failing (a bug, a payload it cannot decrypt) or that no worker polls for cannot
   * answer at all, or not in time. Temporal's word on whether and how it ended stands. Only the
   * same run's row will do; without one the answer is 503, never a 500 nor another run's state.
   */
  private RunView lastRecorded(RunExecution described, Exception queryFailure) {
    Optional<RunView> row =
        projection.latest(described.workflowId()).filter(r -> described.runId().equals(r.runId()));
    log.warn(
        "{} run {} ({}) did not answer its state query; answering the projection's last record",
        described.running() ? "running" : "closed",
        described.workflowId(),
        described.runId(),
        queryFailure);
    if (described.running()) {
      return row.orElseThrow(() -> stateUnavailable(described));
    }
    return row.map(r -> r.ended(described.status(), described.closedAt()))
        .orElseThrow(() -> stateUnavailable(described));
  }

  private static ApiProblem stateUnavailable(RunExecution run) {
    return ApiProblem.unavailable(
        "Temporal cannot answer for run "
            + run.workflowId()
            + " now and no record of it is kept here: its workflow task is failing or no worker"
            + " is polling; retry later, or look at the run in the Temporal UI",
        5);
  }

  /** Whether the customer of the run had their personal data erased after it started. */
  private boolean erasedSinceStart(RunExecution run) {
    if (run.startedAt() == null) {
      return false;
    }
    return Playbook.customerOf(run.workflowId())
        .flatMap(personalData::erasedAt)
        .filter(erasedAt -> !erasedAt.isBefore(run.startedAt()))
        .isPresent();
  }

  /** Runs from the projection; {@code csmIds} limits them to those CSMs' customers (null: all). */
  public List<RunView> list(
      String customerId, String playbook, String status, List<String> csmIds) {
    return projection.list(customerId, playbook, status, csmIds, 500);
  }

  /** One page of runs, newest first, and the cursor of the next page (null: no more). */
  public record Page(List<RunView> runs, RunCursor next) {}

  /** Like {@link #list}, a page of {@code limit} runs after {@code after} (null: the first). */
  public Page page(
      String customerId,
      String playbook,
      String status,
      List<String> csmIds,
      int limit,
      RunCursor after) {
    List<RunView> rows =
        projection.page(
            customerId,
            playbook,
            status,
            csmIds,
            limit + 1,
            after == null ? null : after.startedAt(),
            after == null ? null : after.runId());
    boolean more = rows.size() > limit;
    List<RunView> page = more ? rows.subList(0, limit) : rows;
    RunView last = page.isEmpty() ? null : page.getLast();
    return new Page(page, more ? new RunCursor(last.startedAt(), last.runId()) : null);
  }
}
