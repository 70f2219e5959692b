package dev.retention.workflows.trialconversion;

import static dev.retention.workflows.PlaybookTestSupport.assertRanAt;
import static dev.retention.workflows.PlaybookTestSupport.awaitState;
import static dev.retention.workflows.PlaybookTestSupport.hasStep;
import static dev.retention.workflows.PlaybookTestSupport.resultOf;
import static dev.retention.workflows.PlaybookTestSupport.started;
import static dev.retention.workflows.PlaybookTestSupport.waitingFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.retention.workflows.Definitions;
import dev.retention.workflows.PlaybookTestBase;
import dev.retention.workflows.PlaybookTestExtension;
import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.RecordingActivities.Call;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.CustomerResponse;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookIds;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.PlaybookState;
import dev.retention.workflows.contract.PlaybookWorkflow;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.RunSearchAttributes;
import dev.retention.workflows.contract.StepRecord;
import dev.retention.workflows.contract.StepResult;
import dev.retention.workflows.contract.Supersede;
import dev.retention.workflows.contract.Upgraded;
import dev.retention.workflows.engine.EngineInput;
import dev.retention.workflows.engine.PlaybookDefinition;
import dev.retention.workflows.engine.PlaybookEngine;
import dev.retention.workflows.ports.CrmTask;
import dev.retention.workflows.ports.CustomerEmail;
import dev.retention.workflows.ports.TaskAssignee;
import dev.retention.workflows.ports.TaskEnding;
import dev.retention.workflows.ports.UsageFigures;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.SearchAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The sixth playbook, trial conversion, which exists only as a definition
 * (playbooks/trial-conversion.yaml) played by the engine, on the time-skipping test server at one
 * day per day: the day-1 welcome, the day-3 check-in by usage once the customer has logged in, the
 * day-6 offer by engagement, the upgrade, the trial's end, and the rules every playbook keeps (a
 * reply hands over and stops the emails; a supersede ends it).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TrialConversionPlaybookTest extends PlaybookTestBase {

  static final String ID = "trial-conversion";
  static final String CUSTOMER = "c-7";
  static final String CSM = "csm-1";
  static final String WORKFLOW_ID = PlaybookIds.workflowId(ID, CUSTOMER);

  @RegisterExtension static final PlaybookTestExtension temporal = PlaybookTestSupport.extension();

  static UsageFigures usage(int logins, int queries, int features) {
    return new UsageFigures(true, logins, queries, features, 0.3, PlaybookTestSupport.T0);
  }

  @Test
  void poweredUp_checkInAndOfferForHighUsage_upgradeOnDay8_endsUpgraded() {
    activities.usage(usage(5, 40, 6));
    PlaybookWorkflow run = start();

    PlaybookState day1 = awaitState(run, waitingFor("day-3-check-in"));
    Instant start = day1.startedAt();
    assertThat(day1.stage()).isEqualTo("TRIAL");
    assertThat(day1.facts())
        .containsEntry("trialEndsAt", start.plus(Duration.ofDays(14)).toString());
    assertThat(day1.allowedOutcomes())
        .containsExactly(OutcomeType.CUSTOMER_RESPONDED, OutcomeType.DECLINED);

    testEnv.sleep(Duration.ofDays(7)); // day 8
    PlaybookState day8 = awaitState(run, waitingFor("day-14-trial-end"));
    assertThat(day8.stage()).isEqualTo("OFFER");
    assertThat(day8.facts()).containsEntry("usage", "HIGH").containsEntry("engagement", "HIGH");
    run.upgraded(new Upgraded("pro"));

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.UPGRADED);
    assertThat(activities.emailTemplates())
        .containsExactly(
            "trial-conversion/welcome",
            "trial-conversion/check-in-high",
            "trial-conversion/offer-high");
    List<Call<CustomerEmail>> emails = activities.emails();
    assertRanAt(emails.get(0).at(), start, Duration.ZERO);
    assertRanAt(emails.get(1).at(), start, Duration.ofDays(2));
    assertRanAt(emails.get(2).at(), start, Duration.ofDays(5));
    assertThat(emails.get(1).request().variables()).containsEntry("queriesPerWeek", "40");
    assertThat(activities.usageRequests()).hasSize(2);
    assertThat(activities.taskSteps()).isEmpty();
    assertThat(result.steps())
        .extracting(StepRecord::step, StepRecord::result)
        .containsExactly(
            tuple("day-1-welcome-email", StepResult.SENT),
            tuple("day-3-check-in", StepResult.SENT),
            tuple("day-6-offer", StepResult.SENT),
            tuple("upgraded", StepResult.RECORDED));
    assertThat(activities.lastSnapshot().outcome()).isEqualTo("UPGRADED");
  }

  @ParameterizedTest(name = "logins {0}, questions {1}, features {2}: check-in {3}, offer {4}")
  @CsvSource({
    "1, 8, 2, check-in-medium, offer-medium",
    "2, 3, 1, check-in-low, offer-low",
    "3, 10, 5, check-in-high, offer-high",
  })
  void checkInAndOffer_followUsage(
      int logins, int queries, int features, String checkIn, String offer) {
    activities.usage(usage(logins, queries, features));
    PlaybookWorkflow run = start();

    testEnv.sleep(Duration.ofDays(6)); // day 7
    awaitState(run, waitingFor("day-14-trial-end"));
    assertThat(activities.emailTemplates())
        .containsExactly(
            "trial-conversion/welcome", "trial-conversion/" + checkIn, "trial-conversion/" + offer);
    assertThat(activities.taskSteps())
        .containsExactlyElementsOf(
            offer.equals("offer-low") ? List.of("day-6-demo-call-task") : List.of());
  }

  @Test
  void neverLoggedIn_noCheckIn_demoCallOffered_outreachRecorded_trialExpiresOnDay14() {
    PlaybookWorkflow run = start();

    testEnv.sleep(Duration.ofDays(3)); // day 4
    PlaybookState day4 = awaitState(run, waitingFor("day-6-offer"));
    Instant start = day4.startedAt();
    assertThat(day4.facts()).containsEntry("usage", "NO_LOGIN");
    // OUTREACH_DONE is for the demo call, which only the offer brings.
    assertThatThrownBy(
            () -> run.recordOutcome(new CsmOutcome(OutcomeType.OUTREACH_DONE, null, CSM)))
        .isInstanceOf(WorkflowUpdateException.class);

    testEnv.sleep(Duration.ofDays(3)); // day 7
    PlaybookState day7 = awaitState(run, hasStep("day-6-demo-call-task"));
    assertThat(day7.facts()).containsEntry("engagement", "LOW");
    List<Call<CrmTask>> tasks = activities.tasks();
    assertThat(tasks).hasSize(1);
    assertThat(tasks.getFirst().request().assignee()).isEqualTo(TaskAssignee.CSM);
    assertThat(tasks.getFirst().request().title()).contains("demo");
    assertThat(tasks.getFirst().request().endsOn())
        .isEqualTo(new TaskEnding(List.of("outreach-done"), List.of(), true));
    assertRanAt(tasks.getFirst().at(), start, Duration.ofDays(5));

    PlaybookState afterCall =
        run.recordOutcome(new CsmOutcome(OutcomeType.OUTREACH_DONE, "demo held, keen", CSM));
    assertThat(afterCall.stage()).isEqualTo("OFFER");
    awaitState(run, hasStep("outreach-done"));
    assertThat(activities.notes())
        .extracting(n -> n.request().body())
        .anySatisfy(body -> assertThat(body).contains("demo held, keen"));

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.TRIAL_EXPIRED);
    assertThat(activities.emailTemplates())
        .containsExactly("trial-conversion/welcome", "trial-conversion/offer-low");
    assertThat(result.steps())
        .extracting(StepRecord::step, StepRecord::result)
        .containsExactly(
            tuple("day-1-welcome-email", StepResult.SENT),
            tuple("day-3-check-in", StepResult.RECORDED),
            tuple("day-6-offer", StepResult.SENT),
            tuple("day-6-demo-call-task", StepResult.TASK_CREATED),
            tuple("outreach-done", StepResult.NOTE_ADDED),
            tuple("day-14-trial-end", StepResult.RECORDED));
    assertRanAt(activities.lastSnapshot().closedAt(), start, Duration.ofDays(14));
  }

  @Test
  void aReply_handsOverToTheCsm_andNoMoreAutomatedEmails_thenDeclined() {
    activities.usage(usage(4, 25, 3));
    PlaybookWorkflow run = start();

    testEnv.sleep(Duration.ofDays(1)); // day 2
    run.customerResponded(new CustomerResponse("email"));
    PlaybookState replied = awaitState(run, hasStep("customer-responded-task"));
    assertThat(replied.stage()).isEqualTo("CSM_FOLLOW_UP");
    assertThat(replied.customerResponded()).isTrue();

    testEnv.sleep(Duration.ofDays(5)); // day 7
    PlaybookState day7 = awaitState(run, hasStep("day-6-offer"));
    assertThat(day7.steps())
        .filteredOn(s -> s.step().equals("day-3-check-in") || s.step().equals("day-6-offer"))
        .extracting(StepRecord::result)
        .containsOnly(StepResult.SKIPPED_CUSTOMER_RESPONDED);
    assertThat(activities.emailTemplates()).containsExactly("trial-conversion/welcome");

    run.recordOutcome(new CsmOutcome(OutcomeType.DECLINED, "chose another tool", CSM));
    assertThat(resultOf(run).outcome()).isEqualTo(RunOutcome.DECLINED);
  }

  @Test
  void supersededByAnotherPlaybook_endsSuperseded() {
    PlaybookWorkflow run = start();
    awaitState(run, waitingFor("day-3-check-in"));
    run.supersede(new Supersede("cancellation requested"));
    assertThat(resultOf(run).outcome()).isEqualTo(RunOutcome.SUPERSEDED);
  }

  private PlaybookWorkflow start() {
    PlaybookDefinition definition = Definitions.load(ID);
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(WORKFLOW_ID)
            .setTaskQueue(worker.getTaskQueue())
            .setTypedSearchAttributes(
                SearchAttributes.newBuilder()
                    .set(RunSearchAttributes.PLAYBOOK, ID)
                    .set(RunSearchAttributes.CUSTOMER_ID, CUSTOMER)
                    .set(RunSearchAttributes.CSM_ID, CSM)
                    .build())
            .build();
    PlaybookEngine run = client.newWorkflowStub(PlaybookEngine.class, options);
    WorkflowClient.start(
        run::run,
        new EngineInput(
            new PlaybookContext(CUSTOMER, CSM, Cadence.REAL_DAYS),
            Map.of(),
            "trial started",
            definition));
    return started(client, run);
  }
}
