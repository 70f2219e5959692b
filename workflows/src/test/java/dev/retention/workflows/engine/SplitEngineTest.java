package dev.retention.workflows.engine;

import static dev.retention.workflows.PlaybookTestSupport.awaitState;
import static dev.retention.workflows.PlaybookTestSupport.resultOf;
import static dev.retention.workflows.PlaybookTestSupport.waitingFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.Definitions;
import dev.retention.workflows.PlaybookTestBase;
import dev.retention.workflows.PlaybookTestExtension;
import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.atrisk.AtRiskInput;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.PlaybookState;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.StepResult;
import dev.retention.workflows.ports.TimelineEntry;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A/B splits on the engine: the at-risk definition with a split on its day-1 subject
 * (docs/playbook-definitions.md). A run takes only its variant's steps, records the variant in its
 * state, step log, timeline and the projection's snapshot, and costs no Temporal event more than
 * the same run without the split.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SplitEngineTest extends PlaybookTestBase {

  static final String CSM = "csm-5";
  static final String EXPERIMENT = "day-1-subject";

  @RegisterExtension static final PlaybookTestExtension temporal = PlaybookTestSupport.extension();

  private static final PlaybookDefinition SPLIT = Definitions.atRiskWithDay1SubjectSplit();

  /** The first customer id of the form c-ab-N that gets {@code variant}. */
  static String customerIn(String variant) {
    List<Step.Variant> variants = SPLIT.steps().getFirst().variants();
    return IntStream.range(0, 1_000)
        .mapToObj(i -> "c-ab-" + i)
        .filter(c -> Variants.assign(c, EXPERIMENT, variants).equals(variant))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theShippedValidator_acceptsTheSplitDefinition() {
    assertThat(
            new DefinitionValidator(DefinitionValidatorTest.SHIPPED_TEMPLATES)
                .validate(SPLIT, DefinitionValidator.Limits.DEFAULT))
        .isEmpty();
  }

  @Test
  void aCustomerInVariantB_getsOnlyBsDay1Email_andTheRunSaysSo() {
    String customer = customerIn("B");
    PlaybookEngine run = start(customer, SPLIT);

    PlaybookState state = awaitState(run, waitingFor("day-3-email"));
    assertThat(state.variants()).isEqualTo(Map.of(EXPERIMENT, "B"));
    assertThat(state.steps().getFirst().step()).isEqualTo("day-1-subject-ab");
    assertThat(state.steps().getFirst().result()).isEqualTo(StepResult.RECORDED);
    assertThat(state.steps().getFirst().detail()).isEqualTo("variant B");

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.CHURNING);
    assertThat(activities.emailTemplates())
        .containsExactly("at-risk/day-1-question", "at-risk/day-3", "at-risk/day-14");
    assertThat(activities.lastSnapshot().variants()).isEqualTo(Map.of(EXPERIMENT, "B"));
    assertThat(timeline())
        .filteredOn(e -> e.key().startsWith("day-1-subject-ab#"))
        .extracting(TimelineEntry::summary)
        .containsExactly("A/B day-1-subject: variant B");
  }

  @Test
  void aCustomerInVariantA_getsOnlyAsDay1Email() {
    PlaybookEngine run = start(customerIn("A"), SPLIT);

    assertThat(resultOf(run).outcome()).isEqualTo(RunOutcome.CHURNING);
    assertThat(activities.emailTemplates())
        .containsExactly("at-risk/day-1", "at-risk/day-3", "at-risk/day-14");
    assertThat(run.state().variants()).isEqualTo(Map.of(EXPERIMENT, "A"));
  }

  @Test
  void aRunWithNoSplit_showsNoVariants() {
    PlaybookEngine run = start("c-plain", Definitions.load("at-risk"));
    assertThat(awaitState(run, waitingFor("day-3-email")).variants()).isEmpty();
    assertThat(activities.lastSnapshot().variants()).isEmpty();
  }

  @Test
  void theSplit_costsNoTemporalEvent_itsEntryGoesWithTheNextLedgerWrite() {
    String customer = customerIn("B");
    PlaybookEngine plain = start("c-no-split", Definitions.load("at-risk"));
    resultOf(plain);
    PlaybookEngine split = start(customer, SPLIT);
    resultOf(split);

    List<EventType> without = commands(Playbook.AT_RISK.workflowId("c-no-split"));
    List<EventType> with = commands(Playbook.AT_RISK.workflowId(customer));
    System.out.printf(
        "events: at-risk with a day-1 split: %d commands, without: %d%n",
        with.size(), without.size());
    assertThat(with).containsExactlyElementsOf(without);
  }

  private PlaybookEngine start(String customer, PlaybookDefinition definition) {
    PlaybookEngine run =
        client.newWorkflowStub(
            PlaybookEngine.class,
            PlaybookTestSupport.options(worker, Playbook.AT_RISK, customer, CSM));
    WorkflowClient.start(
        run::run,
        BuiltInInputs.of(
            new AtRiskInput(
                new PlaybookContext(customer, CSM, Cadence.REAL_DAYS), 55, "health sweep"),
            definition));
    return run;
  }

  private List<TimelineEntry> timeline() {
    return activities.ledger().stream().flatMap(c -> c.request().allEntries().stream()).toList();
  }

  private List<EventType> commands(String workflowId) {
    return client.fetchHistory(workflowId).getEvents().stream()
        .map(HistoryEvent::getEventType)
        .filter(COMMANDS::contains)
        .toList();
  }

  private static final Set<EventType> COMMANDS =
      EnumSet.of(
          EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
          EventType.EVENT_TYPE_TIMER_STARTED,
          EventType.EVENT_TYPE_TIMER_CANCELED,
          EventType.EVENT_TYPE_MARKER_RECORDED,
          EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
          EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
}
