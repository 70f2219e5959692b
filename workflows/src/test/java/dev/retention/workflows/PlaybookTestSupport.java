package dev.retention.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.PlaybookState;
import dev.retention.workflows.contract.PlaybookWorkflow;
import dev.retention.workflows.contract.RunInput;
import dev.retention.workflows.contract.RunSearchAttributes;
import dev.retention.workflows.contract.StepRecord;
import dev.retention.workflows.engine.BuiltInInputs;
import dev.retention.workflows.engine.PlaybookEngine;
import dev.retention.workflows.engine.PlaybookEngineImpl;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * What the playbook tests share: the time-skipping test environment with the run search attributes,
 * starting a run the way the API does, and waiting for (and asserting on) its state and timing.
 */
public final class PlaybookTestSupport {

  /** A Monday morning: runs start here on the test server's clock. */
  public static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

  /** How late (real time spent in activities and workflow tasks) a step may run after its time. */
  public static final Duration SLACK = Duration.ofMinutes(1);

  public static final Set<EventType> UPDATE_EVENTS =
      Set.of(
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED,
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);

  private PlaybookTestSupport() {}

  /**
   * A time-skipping environment starting at {@link #T0}, with the Keyword search attributes the
   * runs use; not started, so the test registers its fakes first.
   */
  public static PlaybookTestExtension extension(Class<?>... workflowImplementations) {
    return PlaybookTestExtension.of(
        extensionBuilder()
            .registerWorkflowImplementationTypes(withEngine(workflowImplementations))
            .setInitialTime(T0)
            .build());
  }

  /**
   * The SDK's extension with every run search attribute registered (Keyword), not started, so the
   * test registers its fakes first; the caller adds its workflow types and its start time.
   */
  public static TestWorkflowExtension.Builder extensionBuilder() {
    TestWorkflowExtension.Builder builder = TestWorkflowExtension.newBuilder().setDoNotStart(true);
    RunSearchAttributes.KEYWORDS.forEach(
        name -> builder.registerSearchAttribute(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
    return builder;
  }

  /** The given implementations and the playbook engine's. */
  private static Class<?>[] withEngine(Class<?>... workflowImplementations) {
    Class<?>[] all = Arrays.copyOf(workflowImplementations, workflowImplementations.length + 1);
    all[workflowImplementations.length] = PlaybookEngineImpl.class;
    return all;
  }

  /**
   * Starts, on the playbook engine with the shipped definition {@code definitionId}, the run that
   * {@code input} describes for the hand-written playbook.
   */
  public static PlaybookWorkflow startOnEngine(
      WorkflowClient client, WorkflowOptions options, RunInput input, String definitionId) {
    PlaybookEngine run = client.newWorkflowStub(PlaybookEngine.class, options);
    WorkflowClient.start(run::run, BuiltInInputs.of(input, Definitions.load(definitionId)));
    return run;
  }

  /**
   * Waits (real time) until the run's first workflow task has completed, and returns the run. The
   * run's clock starts there ({@code startedAt}); under load that task may come well after the
   * start request, and test time passed before it (a {@code testEnv.sleep}) would count from an
   * earlier moment than the run's, so a step driven by the test would seem to run early.
   */
  public static <T> T started(WorkflowClient client, T run) {
    String workflowId = WorkflowStub.fromTyped(run).getExecution().getWorkflowId();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (client.fetchHistory(workflowId).getEvents().stream()
        .noneMatch(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the run's first workflow task never completed: " + workflowId);
      }
      pause();
    }
    return run;
  }

  /**
   * The options of a run started without its first stage among its search attributes (straight on
   * Temporal, or by an API older than {@code RunVersions.FIRST_STAGE_AT_START}): the run sets it.
   */
  public static WorkflowOptions options(
      Worker worker, Playbook playbook, String customerId, String csmId) {
    return options(worker, playbook, customerId, csmId, null);
  }

  /**
   * The options the API starts a run with: the readable id and the search attributes, the run's
   * first stage among them where its input decides it.
   */
  public static WorkflowOptions options(
      Worker worker, Playbook playbook, String customerId, String csmId, RunInput input) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(playbook.workflowId(customerId))
        .setTaskQueue(worker.getTaskQueue())
        .setTypedSearchAttributes(
            RunSearchAttributes.atStart(playbook.id(), customerId, csmId, input).build())
        .build();
  }

  /** Waits for the result; time skips to each timer meanwhile. */
  public static PlaybookResult resultOf(PlaybookWorkflow run) {
    try {
      return WorkflowStub.fromTyped(run).getResult(30, TimeUnit.SECONDS, PlaybookResult.class);
    } catch (TimeoutException e) {
      throw new AssertionError("the run did not complete", e);
    }
  }

  /**
   * Polls the state query (real time) until the run has acted on what the test did: a signal or a
   * sleep is delivered asynchronously to the worker.
   */
  public static PlaybookState awaitState(PlaybookWorkflow run, Predicate<PlaybookState> ready) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    PlaybookState state = run.state();
    while (!ready.test(state)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the run never reached the expected state; last: " + state);
      }
      pause();
      state = run.state();
    }
    return state;
  }

  /**
   * Polls (real time) until {@code value} answers non-null: what the run's activities wrote lands
   * moments after the step its state already shows.
   */
  public static <T> T awaitValue(java.util.function.Supplier<T> value) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    T answer = value.get();
    while (answer == null) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no value within 10 seconds");
      }
      pause();
      answer = value.get();
    }
    return answer;
  }

  /** The run waits (durably: a timer, with what it waits for) for {@code step} next. */
  public static Predicate<PlaybookState> waitingFor(String step) {
    return s -> s.waitingFor() != null && s.nextStep() != null && step.equals(s.nextStep().step());
  }

  /** The run has recorded a step named {@code step}. */
  public static Predicate<PlaybookState> hasStep(String step) {
    return s -> s.steps().stream().anyMatch(r -> r.step().equals(step));
  }

  public static Optional<StepRecord> step(PlaybookResult result, String step) {
    return result.steps().stream().filter(r -> r.step().equals(step)).findFirst();
  }

  public static List<String> stepNames(List<StepRecord> steps) {
    return steps.stream().map(StepRecord::step).toList();
  }

  /** A step ran at {@code base + offset}, allowing the real seconds that workflow tasks take. */
  public static void assertRanAt(Instant actual, Instant base, Duration offset) {
    Instant expected = base.plus(offset);
    assertThat(actual).isBetween(expected, expected.plus(SLACK));
  }

  /** The update events in the run's history: a rejected update leaves none. */
  public static List<EventType> updateEvents(WorkflowClient client, String workflowId) {
    return client.fetchHistory(workflowId).getEvents().stream()
        .map(HistoryEvent::getEventType)
        .filter(UPDATE_EVENTS::contains)
        .toList();
  }

  /**
   * Waits (real time) until a workflow task has completed after the last of {@code signals} signals
   * reached the history: their handlers have run, even while the run's main thread is blocked.
   */
  public static void awaitSignalsHandled(WorkflowClient client, String workflowId, int signals) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      List<HistoryEvent> events = client.fetchHistory(workflowId).getEvents();
      int seen = 0;
      boolean started = false;
      boolean handled = false;
      for (HistoryEvent event : events) {
        switch (event.getEventType()) {
          case EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED -> {
            seen++;
            started = false;
            handled = false;
          }
          case EVENT_TYPE_WORKFLOW_TASK_STARTED -> started = true;
          case EVENT_TYPE_WORKFLOW_TASK_COMPLETED -> handled = started;
          default -> {}
        }
      }
      if (seen >= signals && handled) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the signals were never handled; history: " + events);
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
