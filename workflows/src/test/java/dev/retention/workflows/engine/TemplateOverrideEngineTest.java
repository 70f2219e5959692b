package dev.retention.workflows.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.Definitions;
import dev.retention.workflows.PlaybookTestBase;
import dev.retention.workflows.PlaybookTestExtension;
import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.RecordingActivities.Call;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.ports.CustomerEmail;
import dev.retention.workflows.ports.TemplateText;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A definition version that writes an email template itself: the run hands the text of that
 * template, every locale, to the email activity with the step; the other emails go out from their
 * files, their payloads as before (no {@code templateOverride} key at all).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TemplateOverrideEngineTest extends PlaybookTestBase {

  @RegisterExtension
  static final PlaybookTestExtension temporal =
      PlaybookTestExtension.of(
          PlaybookTestSupport.extensionBuilder()
              .registerWorkflowImplementationTypes(PlaybookEngineImpl.class)
              .setInitialTime(Instant.parse("2026-03-02T09:00:00Z"))
              .build());

  @Test
  void theVersionsOwnTemplateText_travelsWithItsStep_andOnlyWithIt() throws Exception {
    Map<String, TemplateText> day3 =
        Map.of(
            "en", new TemplateText("New subject", "Hi {{customer.name}}", null),
            "nl", new TemplateText("Nieuw onderwerp", "Hoi {{customer.name}}", "<p>Hoi</p>"));
    PlaybookDefinition shipped = Definitions.load("at-risk");
    PlaybookDefinition written =
        new PlaybookDefinition(
            shipped.format(),
            shipped.id(),
            2,
            shipped.name(),
            shipped.description(),
            shipped.trigger(),
            shipped.entry(),
            shipped.inputs(),
            shipped.vars(),
            shipped.facts(),
            shipped.initialStage(),
            shipped.firstStep(),
            shipped.stages(),
            shipped.milestones(),
            shipped.outcomes(),
            shipped.finalOutcomes(),
            shipped.exemptFromSendingRules(),
            shipped.emailVars(),
            shipped.emailVarsFrom(),
            shipped.locales(),
            shipped.steps(),
            shipped.on(),
            shipped.procedures(),
            shipped.watches(),
            Map.of("at-risk/day-3", day3));
    String workflowId = "at-risk-c-42";
    PlaybookEngine run =
        client.newWorkflowStub(
            PlaybookEngine.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(worker.getTaskQueue())
                .build());
    WorkflowClient.start(
        run::run,
        new EngineInput(
            new PlaybookContext("c-42", "csm-7", Cadence.REAL_DAYS),
            Map.of("healthScore", "50", "reason", "health sweep"),
            "health sweep",
            written));
    PlaybookResult result =
        WorkflowStub.fromTyped(run).getResult(30, TimeUnit.SECONDS, PlaybookResult.class);
    assertThat(result.outcome()).isEqualTo(RunOutcome.CHURNING);

    List<CustomerEmail> emails = activities.emails().stream().map(Call::request).toList();
    assertThat(emails)
        .extracting(CustomerEmail::template)
        .containsExactly("at-risk/day-1", "at-risk/day-3", "at-risk/day-14");
    assertThat(emails.get(0).templateOverride()).isNull();
    assertThat(emails.get(1).templateOverride()).isEqualTo(day3);
    assertThat(emails.get(2).templateOverride()).isNull();

    // In the history: the override's text in the day-3 payload, no trace of it in the others.
    List<String> inputs =
        client.fetchHistory(workflowId).getHistory().getEventsList().stream()
            .filter(HistoryEvent::hasActivityTaskScheduledEventAttributes)
            .map(e -> e.getActivityTaskScheduledEventAttributes())
            .filter(a -> a.getActivityType().getName().equals("SendCustomerEmail"))
            .map(a -> a.getInput().getPayloads(0).getData().toString(StandardCharsets.UTF_8))
            .toList();
    assertThat(inputs).hasSize(3);
    assertThat(inputs.get(0)).contains("\"template\":\"at-risk/day-1\"").doesNotContain("Override");
    assertThat(inputs.get(1)).contains("\"templateOverride\":{").contains("Nieuw onderwerp");
    assertThat(inputs.get(2)).doesNotContain("Override");
  }
}
