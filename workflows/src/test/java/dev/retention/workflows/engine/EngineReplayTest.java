package dev.retention.workflows.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.RunOutcome;
import io.temporal.api.enums.v1.EventType;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.testing.WorkflowReplayer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Replays recorded engine runs against today's engine: a change that is not replay-safe fails here
 * instead of on live runs. Every step kind has a history whose run took it. Recorded by {@link
 * EngineHistoryRecorder}.
 */
class EngineReplayTest {

  static final String AT_RISK_RESPONDED_SAVED = "histories/engine-at-risk-responded-saved.json";
  static final String AT_RISK_NO_RESPONSE = "histories/engine-at-risk-no-response.json";
  static final String CANCELLATION_CHURNED_CAME_BACK =
      "histories/engine-cancellation-save-churned-came-back.json";
  static final String CANCELLATION_OFFER_ACCEPTED =
      "histories/engine-cancellation-save-offer-accepted.json";
  static final String EXPANSION_RESPONDED_UPGRADED =
      "histories/engine-expansion-responded-upgraded.json";
  static final String ONBOARDING_STALLED_EXPIRED =
      "histories/engine-onboarding-stalled-trial-expired.json";
  static final String AT_RISK_DAY_1_SPLIT = "histories/engine-at-risk-day-1-split-b.json";

  static final String TRIAL_CONVERSION_DEMO_UPGRADED =
      "histories/engine-trial-conversion-demo-upgraded.json";

  /** For each step kind, a recorded run that took it. */
  static final Map<StepKind, String> TAKEN_IN =
      Map.ofEntries(
          Map.entry(StepKind.EMAIL, AT_RISK_NO_RESPONSE),
          Map.entry(StepKind.TASK, AT_RISK_RESPONDED_SAVED),
          Map.entry(StepKind.ALERT, CANCELLATION_OFFER_ACCEPTED),
          Map.entry(StepKind.NOTE, AT_RISK_RESPONDED_SAVED),
          Map.entry(StepKind.TAG, AT_RISK_NO_RESPONSE),
          Map.entry(StepKind.RECORD, AT_RISK_NO_RESPONSE),
          Map.entry(StepKind.NOTIFY, CANCELLATION_OFFER_ACCEPTED),
          Map.entry(StepKind.COMPUTE, EXPANSION_RESPONDED_UPGRADED),
          Map.entry(StepKind.WAIT, AT_RISK_NO_RESPONSE),
          Map.entry(StepKind.IF, AT_RISK_RESPONDED_SAVED),
          Map.entry(StepKind.SET, AT_RISK_RESPONDED_SAVED),
          Map.entry(StepKind.FACT, CANCELLATION_CHURNED_CAME_BACK),
          Map.entry(StepKind.STAGE, AT_RISK_NO_RESPONSE),
          Map.entry(StepKind.DECIDE, AT_RISK_NO_RESPONSE),
          Map.entry(StepKind.CLOSE, AT_RISK_RESPONDED_SAVED),
          Map.entry(StepKind.FINISH, AT_RISK_NO_RESPONSE),
          Map.entry(StepKind.END, AT_RISK_NO_RESPONSE),
          Map.entry(StepKind.EXIT, ONBOARDING_STALLED_EXPIRED),
          Map.entry(StepKind.CALL, AT_RISK_RESPONDED_SAVED),
          Map.entry(StepKind.HAND_OVER, AT_RISK_RESPONDED_SAVED),
          Map.entry(StepKind.MARK_RESPONDED, CANCELLATION_OFFER_ACCEPTED),
          Map.entry(StepKind.CONVERSATION_ENDED, CANCELLATION_CHURNED_CAME_BACK),
          Map.entry(StepKind.CLEAR_WAIT, AT_RISK_RESPONDED_SAVED),
          Map.entry(StepKind.WAITING_ON, EXPANSION_RESPONDED_UPGRADED),
          Map.entry(StepKind.REACH, ONBOARDING_STALLED_EXPIRED),
          Map.entry(StepKind.FIRST_VALUE, ONBOARDING_STALLED_EXPIRED),
          Map.entry(StepKind.QUEUE, ONBOARDING_STALLED_EXPIRED),
          Map.entry(StepKind.SPLIT, AT_RISK_DAY_1_SPLIT));

  @ParameterizedTest(name = "{0}")
  @EnumSource(StepKind.class)
  void eachStepKind_hasARecordedRunThatReplays(StepKind kind) throws Exception {
    String resource = TAKEN_IN.get(kind);
    assertThat(resource).as("a recorded run that takes " + kind.id()).isNotNull();
    WorkflowExecutionHistory history = RecordedHistories.load(resource);
    assertThat(kindsIn(pinnedDefinition(history))).contains(kind.id());
    WorkflowReplayer.replayWorkflowExecution(history, PlaybookEngineImpl.class);
  }

  @Test
  void recordedHistories_areCompleteEngineRunsWithTheirOutcome() throws Exception {
    for (String resource : new TreeSet<>(TAKEN_IN.values())) {
      WorkflowExecutionHistory history = RecordedHistories.load(resource);
      PlaybookResult result = RecordedHistories.assertCompleteRun(history, "PlaybookEngine");
      assertThat(result.outcome()).as(resource).isNotNull();
      assertThat(RecordedHistories.count(history, EventType.EVENT_TYPE_MARKER_RECORDED))
          .as("the frame's version marker, once")
          .isEqualTo(1);
    }
  }

  /** The sixth playbook exists only as a definition: its recorded run replays on the engine. */
  @Test
  void theTrialConversionRunReplays() throws Exception {
    WorkflowExecutionHistory history = RecordedHistories.load(TRIAL_CONVERSION_DEMO_UPGRADED);
    PlaybookResult result = RecordedHistories.assertCompleteRun(history, "PlaybookEngine");
    assertThat(result.outcome()).isEqualTo(RunOutcome.UPGRADED);
    assertThat(pinnedDefinition(history).id()).isEqualTo("trial-conversion");
    assertThat(steps(TRIAL_CONVERSION_DEMO_UPGRADED))
        .contains("day-1-welcome-email", "day-6-demo-call-task", "outreach-done", "upgraded");
    WorkflowReplayer.replayWorkflowExecution(history, PlaybookEngineImpl.class);
  }

  @Test
  void theRunsTakeTheStepsTheirDefinitionsPromise() throws Exception {
    assertThat(steps(ONBOARDING_STALLED_EXPIRED))
        .contains("milestone-first-query", "stalled-task-1", "trial-expired-task");
    assertThat(steps(CANCELLATION_OFFER_ACCEPTED))
        .contains("save-call-done", "offer-email", "offer-accepted", "cancellation-withdrawn");
    assertThat(steps(CANCELLATION_CHURNED_CAME_BACK)).contains("exit-survey", "came-back");
    assertThat(steps(EXPANSION_RESPONDED_UPGRADED))
        .contains("customer-interested-task", "upgraded");
    assertThat(steps(AT_RISK_RESPONDED_SAVED))
        .contains("day-1-urgent-call-task", "customer-responded-task");
    assertThat(steps(AT_RISK_NO_RESPONSE)).contains("day-17-churning-tag");
    assertThat(steps(AT_RISK_DAY_1_SPLIT)).startsWith("day-1-subject-ab", "day-1-email");
  }

  private static List<String> steps(String resource) throws Exception {
    PlaybookResult result =
        RecordedHistories.assertCompleteRun(RecordedHistories.load(resource), "PlaybookEngine");
    return result.steps().stream().map(s -> s.step()).toList();
  }

  /** The definition the run followed, from its own input. */
  static PlaybookDefinition pinnedDefinition(WorkflowExecutionHistory history) {
    var started = history.getEvents().getFirst().getWorkflowExecutionStartedEventAttributes();
    EngineInput input =
        DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
            0, Optional.of(started.getInput()), EngineInput.class, EngineInput.class);
    return input.definition();
  }

  /** Every step kind a definition names, wherever the step is. */
  static Set<String> kindsIn(PlaybookDefinition definition) {
    List<Step> all = new ArrayList<>();
    collect(definition.steps(), all);
    definition.on().outcome().values().forEach(steps -> collect(steps, all));
    for (List<Step> steps :
        List.of(
            definition.on().responded(),
            definition.on().health(),
            definition.on().superseded(),
            definition.on().milestone(),
            definition.on().upgraded())) {
      collect(steps, all);
    }
    definition.procedures().values().forEach(steps -> collect(steps, all));
    definition.watches().values().forEach(watch -> collect(watch.then(), all));
    Set<String> kinds = new TreeSet<>();
    all.forEach(step -> kinds.add(step.kind()));
    return kinds;
  }

  private static void collect(List<Step> steps, List<Step> into) {
    for (Step step : steps) {
      into.add(step);
      collect(step.then(), into);
      collect(step.otherwise(), into);
      collect(step.steps(), into);
      step.variants().forEach(variant -> collect(variant.steps(), into));
    }
  }
}
