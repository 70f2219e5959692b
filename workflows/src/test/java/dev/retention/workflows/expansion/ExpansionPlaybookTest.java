package dev.retention.workflows.expansion;

import static dev.retention.workflows.PlaybookTestSupport.SLACK;
import static dev.retention.workflows.PlaybookTestSupport.T0;
import static dev.retention.workflows.PlaybookTestSupport.assertRanAt;
import static dev.retention.workflows.PlaybookTestSupport.awaitSignalsHandled;
import static dev.retention.workflows.PlaybookTestSupport.awaitState;
import static dev.retention.workflows.PlaybookTestSupport.awaitValue;
import static dev.retention.workflows.PlaybookTestSupport.hasStep;
import static dev.retention.workflows.PlaybookTestSupport.resultOf;
import static dev.retention.workflows.PlaybookTestSupport.started;
import static dev.retention.workflows.PlaybookTestSupport.stepNames;
import static dev.retention.workflows.PlaybookTestSupport.updateEvents;
import static dev.retention.workflows.PlaybookTestSupport.waitingFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.retention.workflows.PlaybookTestBase;
import dev.retention.workflows.PlaybookTestExtension;
import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.RecordingActivities;
import dev.retention.workflows.RecordingActivities.Call;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.CustomerResponse;
import dev.retention.workflows.contract.HealthChange;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.PlaybookState;
import dev.retention.workflows.contract.PlaybookWorkflow;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.RunSearchAttributes;
import dev.retention.workflows.contract.StepRecord;
import dev.retention.workflows.contract.StepResult;
import dev.retention.workflows.contract.Supersede;
import dev.retention.workflows.contract.Upgraded;
import dev.retention.workflows.contract.WaitingOn;
import dev.retention.workflows.frame.PlaybookRun;
import dev.retention.workflows.ports.CrmTask;
import dev.retention.workflows.ports.CustomerEmail;
import dev.retention.workflows.ports.RunSnapshot;
import dev.retention.workflows.ports.TaskAssignee;
import dev.retention.workflows.ports.TaskPriority;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The expansion playbook on the time-skipping test server at one day per day: usage note on day 1,
 * case study with the customer's ROI on day 7, the 20% offer on day 14, lapsed on day 21.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExpansionPlaybookTest extends PlaybookTestBase {

  static final String CUSTOMER = "c-77";
  static final String CSM = "csm-3";
  static final String WORKFLOW_ID = Playbook.EXPANSION.workflowId(CUSTOMER);

  @RegisterExtension
  static final PlaybookTestExtension temporal =
      PlaybookTestSupport.extension(ExpansionPlaybookImpl.class);

  // ---- the full timeline ------------------------------------------------------------------------

  @Test
  void noResponse_sendsUsageDay1_caseStudyWithRoiDay7_offerDay14_thenExpiresOnDay21() {
    PlaybookWorkflow run = start();

    PlaybookState day1 = awaitState(run, waitingFor("day-7-case-study-email"));
    Instant start = day1.startedAt();
    assertThat(start).isBetween(T0, T0.plus(SLACK));
    assertThat(day1.stage()).isEqualTo("USAGE_NOTIFIED");
    assertThat(day1.nextStep().at()).isEqualTo(start.plus(Duration.ofDays(6)));
    assertThat(day1.facts())
        .containsEntry("healthScore", "86")
        .containsEntry("planUsage", "85%")
        .containsEntry("nextPlan", "pro");
    assertThat(day1.allowedOutcomes())
        .containsExactly(OutcomeType.CUSTOMER_RESPONDED, OutcomeType.DECLINED);

    testEnv.sleep(Duration.ofDays(7)); // day 8
    PlaybookState day8 = awaitState(run, waitingFor("day-14-offer-email"));
    assertThat(day8.stage()).isEqualTo("CASE_STUDY");
    assertThat(day8.nextStep().at()).isEqualTo(start.plus(Duration.ofDays(13)));

    testEnv.sleep(Duration.ofDays(7)); // day 15
    PlaybookState day15 = awaitState(run, waitingFor("offer-expiry"));
    assertThat(day15.stage()).isEqualTo("OFFER_OPEN");
    assertThat(day15.nextStep().at()).isEqualTo(start.plus(Duration.ofDays(20)));
    assertThat(day15.facts())
        .containsEntry("offerValidUntil", start.plus(Duration.ofDays(20)).toString());
    assertThat(WorkflowStub.fromTyped(run).describe().getTypedSearchAttributes())
        .satisfies(sa -> assertThat(sa.get(RunSearchAttributes.STAGE)).isEqualTo("OFFER_OPEN"));

    PlaybookResult result = resultOf(run);

    assertThat(result.outcome()).isEqualTo(RunOutcome.EXPIRED);
    assertThat(result.stage()).isEqualTo(PlaybookRun.CLOSED);

    // The figures come from the customer's own usage.
    assertThat(activities.figureRequests()).hasSize(1);
    assertThat(activities.figureRequests().getFirst().request().customerId()).isEqualTo(CUSTOMER);
    assertThat(activities.figureRequests().getFirst().request().planUsage()).isEqualTo(0.85);

    assertThat(activities.emailTemplates())
        .containsExactly("expansion/usage", "expansion/case-study", "expansion/offer");
    List<Call<CustomerEmail>> emails = activities.emails();
    assertRanAt(emails.get(0).at(), start, Duration.ZERO);
    assertRanAt(emails.get(1).at(), start, Duration.ofDays(6));
    assertRanAt(emails.get(2).at(), start, Duration.ofDays(13));
    // The case study carries the ROI figures from OfferActivities, and the offer's end.
    assertThat(emails.get(1).request().variables())
        .containsAllEntriesOf(RecordingActivities.FIGURES.variables())
        .containsEntry("roi.summary", "Pro pays for itself in 4 months")
        .containsEntry("nextPlan", "pro")
        .containsEntry("usagePercent", "85")
        .containsEntry("offer.validUntil", start.plus(Duration.ofDays(20)).toString());
    assertThat(emails)
        .allSatisfy(
            e -> {
              assertThat(e.request().playbook()).isEqualTo("expansion");
              assertThat(e.request().customerId()).isEqualTo(CUSTOMER);
              assertThat(e.request().workflowId()).isEqualTo(WORKFLOW_ID);
            });
    assertThat(activities.tasks()).isEmpty();

    assertThat(result.steps())
        .extracting(StepRecord::step, StepRecord::result)
        .containsExactly(
            tuple("day-1-usage-email", StepResult.SENT),
            tuple("day-7-case-study-email", StepResult.SENT),
            tuple("day-14-offer-email", StepResult.SENT),
            tuple("offer-expiry", StepResult.RECORDED));
    StepRecord expiry = result.steps().getLast();
    assertThat(expiry.plannedAt()).isEqualTo(start.plus(Duration.ofDays(20)));
    assertRanAt(expiry.ranAt(), start, Duration.ofDays(20));

    RunSnapshot last = activities.lastSnapshot();
    assertThat(last.status()).isEqualTo("COMPLETED");
    assertThat(last.outcome()).isEqualTo("EXPIRED");
    assertThat(last.stage()).isEqualTo(PlaybookRun.CLOSED);
    assertRanAt(last.closedAt(), start, Duration.ofDays(20));
  }

  // ---- ending early -----------------------------------------------------------------------------

  @Test
  void upgradedSignal_endsUpgraded_andStopsTheOffer() {
    PlaybookWorkflow run = start();

    testEnv.sleep(Duration.ofDays(8)); // day 9, after the case study
    run.upgraded(new Upgraded("pro"));

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.UPGRADED);
    assertThat(result.stage()).isEqualTo(PlaybookRun.CLOSED);
    Instant start = run.state().startedAt();
    StepRecord upgraded = result.steps().getLast();
    assertThat(upgraded.step()).isEqualTo("upgraded");
    assertThat(upgraded.detail()).contains("pro");
    assertRanAt(upgraded.ranAt(), start, Duration.ofDays(8));
    assertThat(run.state().outcomeReason()).contains("pro");
    assertThat(activities.emailTemplates())
        .containsExactly("expansion/usage", "expansion/case-study");
    assertThat(activities.lastSnapshot().outcome()).isEqualTo("UPGRADED");
  }

  @Test
  void declinedByTheCsm_endsDeclined_withTheirNote() {
    PlaybookWorkflow run = start();

    testEnv.sleep(Duration.ofDays(15)); // day 16, the offer is open
    awaitState(run, waitingFor("offer-expiry"));
    PlaybookState after =
        run.recordOutcome(new CsmOutcome(OutcomeType.DECLINED, "Budget freeze until Q3", CSM));

    assertThat(after.outcome()).isEqualTo(RunOutcome.DECLINED);
    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.DECLINED);
    assertThat(result.steps().getLast().step()).isEqualTo("declined");
    assertThat(result.steps().getLast().result()).isEqualTo(StepResult.NOTE_ADDED);
    assertThat(activities.notes()).hasSize(1);
    assertThat(activities.notes().getFirst().request().body()).contains("Budget freeze until Q3");
    assertThat(activities.emailTemplates())
        .containsExactly("expansion/usage", "expansion/case-study", "expansion/offer");
  }

  @Test
  void healthBelow60_endsHealthDropped_while65DoesNothing() {
    PlaybookWorkflow run = start();

    testEnv.sleep(Duration.ofDays(2));
    run.healthChanged(new HealthChange(65, "neutral"));
    awaitSignalsHandled(client, WORKFLOW_ID, 1);
    PlaybookState still = run.state();
    assertThat(still.outcome()).isNull();
    assertThat(still.stage()).isEqualTo("USAGE_NOTIFIED");
    assertThat(stepNames(still.steps())).containsExactly("day-1-usage-email");

    testEnv.sleep(Duration.ofDays(1)); // day 4
    run.healthChanged(new HealthChange(59, "at-risk"));

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.HEALTH_DROPPED);
    Instant start = run.state().startedAt();
    assertThat(result.steps())
        .extracting(StepRecord::step)
        .containsExactly("day-1-usage-email", "health-dropped");
    assertThat(result.steps().getLast().detail()).contains("59");
    assertRanAt(result.steps().getLast().ranAt(), start, Duration.ofDays(3));
    assertThat(activities.emailTemplates()).containsExactly("expansion/usage");
  }

  @Test
  void supersede_endsSuperseded() {
    PlaybookWorkflow run = start();

    testEnv.sleep(Duration.ofDays(4));
    run.supersede(new Supersede("cancellation requested"));

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.SUPERSEDED);
    assertThat(run.state().outcomeReason()).isEqualTo("cancellation requested");
    assertThat(run.state().allowedOutcomes()).isEmpty();
    assertThat(activities.emailTemplates()).containsExactly("expansion/usage");
    assertThat(activities.lastSnapshot().outcome()).isEqualTo("SUPERSEDED");
  }

  // ---- the customer answers ---------------------------------------------------------------------

  @Test
  void customerRespondsWhileTheOfferIsOpen_theOffersWaitIsOnTheCsmFromThen() {
    PlaybookWorkflow run = start();
    testEnv.sleep(Duration.ofDays(15)); // day 16: the offer is open, until day 21
    PlaybookState open = awaitState(run, waitingFor("offer-expiry"));
    assertThat(open.waitingOn()).isEqualTo(WaitingOn.CUSTOMER);

    run.customerResponded(new CustomerResponse("inbound-email"));

    PlaybookState handedOver = awaitState(run, s -> "CSM_FOLLOW_UP".equals(s.stage()));
    assertThat(handedOver.nextStep().step()).isEqualTo("offer-expiry");
    assertThat(handedOver.waitingOn()).isEqualTo(WaitingOn.CSM);
    // The projection hears it with the hand-over's task.
    assertThat(
            awaitValue(
                () -> {
                  RunSnapshot last = activities.lastSnapshot();
                  return last != null && "CSM".equals(last.waitingOn()) ? last : null;
                }))
        .extracting(RunSnapshot::nextStep)
        .isEqualTo("offer-expiry");
  }

  @Test
  void customerResponds_createsInterestedTask_stopsEmails_andStillExpiresOnDay21() {
    PlaybookWorkflow run = start();

    testEnv.sleep(Duration.ofDays(3)); // day 4
    run.customerResponded(new CustomerResponse("inbound-email"));

    PlaybookState handedOver = awaitState(run, waitingFor("offer-expiry"));
    Instant start = handedOver.startedAt();
    assertThat(handedOver.stage()).isEqualTo("CSM_FOLLOW_UP");
    assertThat(handedOver.customerResponded()).isTrue();
    assertThat(handedOver.allowedOutcomes()).containsExactly(OutcomeType.DECLINED);
    assertThat(handedOver.nextStep().at()).isEqualTo(start.plus(Duration.ofDays(20)));

    assertThat(activities.taskSteps()).containsExactly("customer-interested-task");
    Call<CrmTask> task = activities.tasks().getFirst();
    assertThat(task.request().assignee()).isEqualTo(TaskAssignee.CSM);
    assertThat(task.request().priority()).isEqualTo(TaskPriority.HIGH);
    assertThat(task.request().title()).containsIgnoringCase("customer interested");
    assertRanAt(task.at(), start, Duration.ofDays(3));

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.EXPIRED);
    assertRanAt(result.steps().getLast().ranAt(), start, Duration.ofDays(20));
    assertThat(activities.emailTemplates()).containsExactly("expansion/usage");
    assertThat(result.steps())
        .extracting(StepRecord::step)
        .containsExactly("day-1-usage-email", "customer-interested-task", "offer-expiry");
  }

  @Test
  void customerRespondsThroughTheCsm_thenUpgrades_endsUpgraded() {
    PlaybookWorkflow run = start();

    testEnv.sleep(Duration.ofDays(9)); // day 10, after the case study
    PlaybookState after =
        run.recordOutcome(new CsmOutcome(OutcomeType.CUSTOMER_RESPONDED, "call booked", CSM));
    assertThat(after.customerResponded()).isTrue();
    assertThat(after.stage()).isEqualTo("CSM_FOLLOW_UP");
    // Responding twice makes no sense.
    assertThatThrownBy(
            () -> run.recordOutcome(new CsmOutcome(OutcomeType.CUSTOMER_RESPONDED, null, CSM)))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("CUSTOMER_RESPONDED is not valid for expansion");

    testEnv.sleep(Duration.ofDays(5)); // day 15: no offer email went out
    run.upgraded(new Upgraded("pro"));

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.UPGRADED);
    assertThat(result.stage()).isEqualTo(PlaybookRun.CLOSED);
    assertThat(activities.taskSteps()).containsExactly("customer-interested-task");
    assertThat(activities.emailTemplates())
        .containsExactly("expansion/usage", "expansion/case-study");
  }

  @Test
  void responseAndUpgradeArrivingTogether_closeUpgraded_inStageClosed() throws Exception {
    // Both events reach the run while its day-1 email is in flight, so it acts on them at once.
    RecordingActivities.Gate sending = activities.holdNextEmail();
    PlaybookWorkflow run = start();
    sending.awaitEntered();
    run.customerResponded(new CustomerResponse("inbound-email"));
    run.upgraded(new Upgraded("pro"));
    awaitSignalsHandled(client, WORKFLOW_ID, 2);
    sending.open();

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.UPGRADED);
    assertThat(result.stage()).isEqualTo(PlaybookRun.CLOSED);
    assertThat(activities.lastSnapshot().stage()).isEqualTo(PlaybookRun.CLOSED);
    assertThat(
            WorkflowStub.fromTyped(run)
                .describe()
                .getTypedSearchAttributes()
                .get(RunSearchAttributes.STAGE))
        .isEqualTo(PlaybookRun.CLOSED);
    assertThat(activities.taskSteps()).containsExactly("customer-interested-task");
  }

  // ---- the CSM's outcomes -----------------------------------------------------------------------

  @Test
  void rejectedOutcome_leavesNoTraceInHistory() {
    PlaybookWorkflow run = start();
    testEnv.sleep(Duration.ofHours(2));
    awaitState(run, s -> s.waitingFor() != null);

    assertThatThrownBy(() -> run.recordOutcome(new CsmOutcome(OutcomeType.SAVED, null, CSM)))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("SAVED is not valid for expansion in stage USAGE_NOTIFIED");
    assertThatThrownBy(() -> run.recordOutcome(new CsmOutcome(null, null, CSM)))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("type is required");

    assertThat(updateEvents(client, WORKFLOW_ID)).isEmpty();
    PlaybookState state = run.state();
    assertThat(state.outcome()).isNull();
    assertThat(state.stage()).isEqualTo("USAGE_NOTIFIED");
    assertThat(stepNames(state.steps())).containsExactly("day-1-usage-email");
    assertThat(activities.notes()).isEmpty();
    assertThat(hasStep("declined").test(state)).isFalse();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /**
   * Whether the runs start on the engine with the shipped definition ({@link ExpansionEngineTest}).
   */
  boolean onEngine() {
    return false;
  }

  private PlaybookWorkflow start() {
    WorkflowOptions options =
        PlaybookTestSupport.options(worker, Playbook.EXPANSION, CUSTOMER, CSM);
    var input = new ExpansionInput(new PlaybookContext(CUSTOMER, CSM, Cadence.REAL_DAYS), 86, 0.85);
    if (onEngine()) {
      return started(
          client, PlaybookTestSupport.startOnEngine(client, options, input, "expansion"));
    }
    ExpansionPlaybook run = client.newWorkflowStub(ExpansionPlaybook.class, options);
    WorkflowClient.start(run::run, input);
    return started(client, run);
  }
}
