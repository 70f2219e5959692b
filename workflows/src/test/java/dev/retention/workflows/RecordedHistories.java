package dev.retention.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.PlaybookWorkflow;
import dev.retention.workflows.contract.RunSearchAttributes;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.update.v1.Input;
import io.temporal.api.update.v1.Request;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Recorded workflow histories (under {@code src/test/resources/histories/}) that the replay tests
 * run today's playbook code against: the recorders' environment and file writing, and what the
 * replay tests read back from a history to check that it is the complete run it claims to be.
 */
public final class RecordedHistories {

  /** The task queue the recorders' worker polls; it is written into each history. */
  public static final String TASK_QUEUE = "playbooks";

  /** Where a recorder writes, relative to {@code workflows/} (Maven runs tests from there). */
  private static final Path SOURCES = Path.of("src/test/resources");

  private RecordedHistories() {}

  // ---- recording --------------------------------------------------------------------------------

  /**
   * A time-skipping environment pinned to {@link PlaybookTestSupport#T0}, with the Keyword search
   * attributes the runs use, so every recording starts at the same instant.
   */
  public static TestWorkflowEnvironment recordingEnvironment() {
    return TestWorkflowEnvironment.newInstance(
        withSearchAttributes(TestEnvironmentOptions.newBuilder())
            .setInitialTime(PlaybookTestSupport.T0)
            .build());
  }

  /** Registers the Keyword search attributes the runs set on a test service. */
  public static TestEnvironmentOptions.Builder withSearchAttributes(
      TestEnvironmentOptions.Builder options) {
    RunSearchAttributes.KEYWORDS.forEach(
        name -> options.registerSearchAttribute(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
    return options;
  }

  /** Writes the history of a completed run to {@code src/test/resources/<resource>}. */
  public static void write(WorkflowClient client, String workflowId, String resource)
      throws Exception {
    write(client, workflowId, resource, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  /** Writes the history of a run that closed with {@code closedBy} (e.g. a stopped run). */
  public static void write(
      WorkflowClient client, String workflowId, String resource, EventType closedBy)
      throws Exception {
    WorkflowExecutionHistory history = client.fetchHistory(workflowId);
    assertThat(history.getLastEvent().getEventType())
        .as("only a closed run is worth replaying")
        .isEqualTo(closedBy);
    Path target = SOURCES.resolve(resource);
    Files.createDirectories(target.getParent());
    Files.writeString(target, history.toJson(true) + System.lineSeparator());
  }

  // ---- reading ----------------------------------------------------------------------------------

  /** A history from the test classpath. */
  public static WorkflowExecutionHistory load(String resource) throws Exception {
    try (InputStream in = RecordedHistories.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return WorkflowExecutionHistory.fromJson(
          new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /**
   * Asserts that {@code history} is one whole run of {@code workflowType}, started and completed,
   * with no failed workflow task in between, and answers the run's result.
   */
  public static PlaybookResult assertCompleteRun(
      WorkflowExecutionHistory history, String workflowType) {
    List<HistoryEvent> events = history.getEvents();
    HistoryEvent first = events.getFirst();
    assertThat(first.getEventType()).isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    assertThat(first.getWorkflowExecutionStartedEventAttributes().getWorkflowType().getName())
        .isEqualTo(workflowType);
    HistoryEvent last = events.getLast();
    assertThat(last.getEventType()).isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    assertThat(events)
        .extracting(HistoryEvent::getEventType)
        .doesNotContain(
            EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
            EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);
    return decode(
        last.getWorkflowExecutionCompletedEventAttributes().getResult(), PlaybookResult.class);
  }

  /** The names of the activities the run scheduled, in order. */
  public static List<String> activityTypes(WorkflowExecutionHistory history) {
    return history.getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .map(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName())
        .toList();
  }

  /**
   * The summaries (user metadata, as the Temporal UI shows them) of the events of {@code type}, in
   * order; an event without one reads as the empty string.
   */
  public static List<String> summaries(WorkflowExecutionHistory history, EventType type) {
    return history.getEvents().stream()
        .filter(e -> e.getEventType() == type)
        .map(
            e ->
                e.hasUserMetadata() && e.getUserMetadata().hasSummary()
                    ? DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
                        e.getUserMetadata().getSummary(), String.class, String.class)
                    : "")
        .toList();
  }

  /** The names of the signals the run received, in order. */
  public static List<String> signalNames(WorkflowExecutionHistory history) {
    return history.getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
        .map(e -> e.getWorkflowExecutionSignaledEventAttributes().getSignalName())
        .toList();
  }

  /** The CSM outcomes the run accepted through the validated update, in order. */
  public static List<OutcomeType> acceptedOutcomes(WorkflowExecutionHistory history) {
    List<Input> accepted =
        history.getEvents().stream()
            .filter(
                e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
            .map(e -> e.getWorkflowExecutionUpdateAcceptedEventAttributes().getAcceptedRequest())
            .map(Request::getInput)
            .toList();
    assertThat(accepted)
        .allSatisfy(i -> assertThat(i.getName()).isEqualTo(PlaybookWorkflow.RECORD_OUTCOME));
    return accepted.stream().map(i -> decode(i.getArgs(), CsmOutcome.class).type()).toList();
  }

  /** How many events of {@code type} the history holds. */
  public static long count(WorkflowExecutionHistory history, EventType type) {
    return history.getEvents().stream().filter(e -> e.getEventType() == type).count();
  }

  /**
   * How many search-attribute upserts the run made before its first timer (its first durable wait):
   * none since {@code RunVersions.FIRST_STAGE_AT_START} when it started with its stage.
   */
  public static long upsertsBeforeTheFirstTimer(List<HistoryEvent> events) {
    return events.stream()
        .takeWhile(e -> e.getEventType() != EventType.EVENT_TYPE_TIMER_STARTED)
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
        .count();
  }

  private static <T> T decode(Payloads payloads, Class<T> type) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
        0, Optional.of(payloads), type, type);
  }
}
