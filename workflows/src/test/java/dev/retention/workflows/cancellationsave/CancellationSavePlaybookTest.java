package dev.retention.workflows.cancellationsave;

import static dev.retention.workflows.PlaybookTestSupport.T0;
import static dev.retention.workflows.PlaybookTestSupport.assertRanAt;
import static dev.retention.workflows.PlaybookTestSupport.awaitState;
import static dev.retention.workflows.PlaybookTestSupport.hasStep;
import static dev.retention.workflows.PlaybookTestSupport.resultOf;
import static dev.retention.workflows.PlaybookTestSupport.started;
import static dev.retention.workflows.PlaybookTestSupport.updateEvents;
import static dev.retention.workflows.PlaybookTestSupport.waitingFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.retention.workflows.PlaybookTestBase;
import dev.retention.workflows.PlaybookTestExtension;
import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.RecordingActivities.Call;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.CustomerResponse;
import dev.retention.workflows.contract.OutcomeRejection;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.PlaybookState;
import dev.retention.workflows.contract.PlaybookWorkflow;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.StepRecord;
import dev.retention.workflows.contract.StepResult;
import dev.retention.workflows.contract.Upgraded;
import dev.retention.workflows.frame.PlaybookRun;
import dev.retention.workflows.ports.BackendNotification;
import dev.retention.workflows.ports.CrmTask;
import dev.retention.workflows.ports.CsmAlert;
import dev.retention.workflows.ports.CustomerEmail;
import dev.retention.workflows.ports.TaskAssignee;
import dev.retention.workflows.ports.TaskPriority;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The cancellation-save playbook on the time-skipping test server at one day per day: a save call
 * within 2 hours, the offer by email after 4 hours, the decision by the deadline, and after a churn
 * an exit survey and win-back emails on days 30 and 90.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CancellationSavePlaybookTest extends PlaybookTestBase {

  static final String CUSTOMER = "c-13";
  static final String CSM = "csm-4";
  static final String WORKFLOW_ID = Playbook.CANCELLATION_SAVE.workflowId(CUSTOMER);

  /** The cancellation is held for 3 days from the request (the API's default). */
  static final Instant DEADLINE = T0.plus(Duration.ofDays(3));

  @RegisterExtension
  static final PlaybookTestExtension temporal =
      PlaybookTestSupport.extension(CancellationSavePlaybookImpl.class);

  // ---- at once ----------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "TOO_EXPENSIVE,   DISCOUNT_OR_DOWNGRADE",
    "NOT_USING,       PAUSE_BILLING",
    "MISSING_FEATURE, DEDICATED_SUPPORT",
    "PRODUCT_ISSUE,   DEDICATED_SUPPORT",
    "OTHER,           PAUSE_BILLING",
  })
  void atOnce_urgentSaveCallTaskAndCsmAlert_withTheOfferChosenFromTheReason(
      CancellationReason reason, SaveOffer expected) {
    assertThat(reason.offer()).isEqualTo(expected);
    PlaybookWorkflow run = start(reason);

    PlaybookState atOnce = awaitState(run, waitingFor("save-call-sla"));
    Instant start = atOnce.startedAt();
    assertThat(atOnce.stage()).isEqualTo("AWAITING_SAVE_CALL");
    assertThat(atOnce.nextStep().at()).isEqualTo(start.plus(Duration.ofHours(2)));
    assertThat(atOnce.facts())
        .containsEntry("reason", reason.name())
        .containsEntry("offer", expected.name())
        .containsEntry("decisionDeadline", DEADLINE.toString());

    assertThat(activities.taskSteps()).containsExactly("save-call-task");
    Call<CrmTask> task = activities.tasks().getFirst();
    assertRanAt(task.at(), start, Duration.ZERO);
    assertThat(task.request().priority()).isEqualTo(TaskPriority.URGENT);
    assertThat(task.request().assignee()).isEqualTo(TaskAssignee.CSM);
    assertThat(task.request().title()).contains("save call within 2 hours");
    assertThat(task.request().dueAt()).isEqualTo(start.plus(Duration.ofHours(2)));
    assertThat(task.request().body()).contains(reason.name()).contains(expected.description());

    assertThat(activities.alerts()).hasSize(1);
    Call<CsmAlert> alert = activities.alerts().getFirst();
    assertRanAt(alert.at(), start, Duration.ZERO);
    assertThat(alert.request().recipient()).isEqualTo(TaskAssignee.CSM);
    assertThat(alert.request().variables())
        .containsEntry("reason", reason.name())
        .containsEntry("offer", expected.name())
        .containsEntry("decisionDeadline", DEADLINE.toString());
    assertThat(activities.emails()).isEmpty();
  }

  // ---- no save call -----------------------------------------------------------------------------

  @Test
  void noSaveCall_escalatesAt2h_emailsOfferAt4h_churnsAtDeadline_thenExitSurveyAndWinBack() {
    PlaybookWorkflow run = start(CancellationReason.TOO_EXPENSIVE);

    testEnv.sleep(Duration.ofHours(5));
    PlaybookState offerOpen = awaitState(run, waitingFor("decision-deadline"));
    Instant start = offerOpen.startedAt();
    assertThat(offerOpen.stage()).isEqualTo("OFFER_OPEN");
    assertThat(offerOpen.nextStep().at()).isEqualTo(DEADLINE);
    assertThat(offerOpen.allowedOutcomes())
        .contains(OutcomeType.OFFER_ACCEPTED, OutcomeType.OFFER_REJECTED, OutcomeType.CHURNED)
        .doesNotContain(OutcomeType.OFFER_PRESENTED);

    PlaybookResult result = resultOf(run);

    assertThat(result.outcome()).isEqualTo(RunOutcome.CHURNED);
    assertThat(result.stage()).isEqualTo(PlaybookRun.CLOSED);

    assertThat(activities.taskSteps())
        .containsExactly("save-call-task", "save-call-sla-escalation");
    Call<CrmTask> escalation = activities.tasks().get(1);
    assertRanAt(escalation.at(), start, Duration.ofHours(2));
    assertThat(escalation.request().assignee()).isEqualTo(TaskAssignee.MANAGER);
    assertThat(escalation.request().priority()).isEqualTo(TaskPriority.URGENT);

    assertThat(activities.emailSteps())
        .containsExactly("offer-email", "exit-survey", "win-back-day-30", "win-back-day-90");
    List<Call<CustomerEmail>> emails = activities.emails();
    assertRanAt(emails.get(0).at(), start, Duration.ofHours(4));
    assertThat(emails.get(0).request().template()).isEqualTo("cancellation-save/offer");
    assertThat(emails.get(0).request().variables())
        .containsEntry("offer", SaveOffer.DISCOUNT_OR_DOWNGRADE.name());
    assertRanAt(emails.get(1).at(), DEADLINE, Duration.ofDays(1));
    assertRanAt(emails.get(2).at(), DEADLINE, Duration.ofDays(30));
    assertRanAt(emails.get(3).at(), DEADLINE, Duration.ofDays(90));
    assertThat(activities.emailTemplates())
        .containsExactly(
            "cancellation-save/offer",
            "cancellation-save/exit-survey",
            "cancellation-save/win-back-30",
            "cancellation-save/win-back-90");

    assertThat(result.steps())
        .extracting(StepRecord::step, StepRecord::result)
        .containsExactly(
            tuple("save-call-task", StepResult.TASK_CREATED),
            tuple("csm-alert", StepResult.SENT),
            tuple("save-call-sla-escalation", StepResult.ESCALATED),
            tuple("offer-email", StepResult.SENT),
            tuple("decision-deadline", StepResult.RECORDED),
            tuple("exit-survey", StepResult.SENT),
            tuple("win-back-day-30", StepResult.SENT),
            tuple("win-back-day-90", StepResult.SENT));
    StepRecord deadline = PlaybookTestSupport.step(result, "decision-deadline").orElseThrow();
    assertThat(deadline.plannedAt()).isEqualTo(DEADLINE);
    assertRanAt(deadline.ranAt(), DEADLINE, Duration.ZERO);
    assertThat(activities.backendNotifications()).isEmpty();
    assertThat(activities.lastSnapshot().outcome()).isEqualTo("CHURNED");
    assertRanAt(activities.lastSnapshot().closedAt(), DEADLINE, Duration.ofDays(90));
  }

  @Test
  void afterTheDecision_recordOutcomeIsRejected_whileTheRunStillRuns() {
    PlaybookWorkflow run = start(CancellationReason.NOT_USING);

    testEnv.sleep(Duration.ofDays(3).plusHours(1)); // past the deadline: churned
    PlaybookState winBack = awaitState(run, waitingFor("exit-survey"));
    assertThat(winBack.outcome()).isEqualTo(RunOutcome.CHURNED);
    assertThat(winBack.stage()).isEqualTo("WIN_BACK");
    assertThat(winBack.allowedOutcomes()).isEmpty();
    assertThat(winBack.facts()).containsKey("churnedAt");

    assertThatThrownBy(
            () -> run.recordOutcome(new CsmOutcome(OutcomeType.OFFER_ACCEPTED, "too late", CSM)))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .isInstanceOf(ApplicationFailure.class)
        .hasMessageContaining("the run's outcome is already CHURNED")
        .satisfies(
            f ->
                assertThat(((ApplicationFailure) f).getType())
                    .isEqualTo(OutcomeRejection.OUTCOME_DECIDED.name()));

    assertThat(updateEvents(client, WORKFLOW_ID)).isEmpty();
    assertThat(WorkflowStub.fromTyped(run).describe().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    PlaybookState still = run.state();
    assertThat(still.outcome()).isEqualTo(RunOutcome.CHURNED);
    assertThat(still.stage()).isEqualTo("WIN_BACK");
    assertThat(activities.notes()).isEmpty();
  }

  // ---- the save call happens --------------------------------------------------------------------

  @Test
  void saveCallInTime_noEscalationNorAutomaticOffer_offerPresentedSendsItAtOnce() {
    PlaybookWorkflow run = start(CancellationReason.NOT_USING);

    testEnv.sleep(Duration.ofHours(1));
    PlaybookState called =
        run.recordOutcome(new CsmOutcome(OutcomeType.SAVE_CALL_DONE, "Open to a pause", CSM));
    assertThat(called.stage()).isEqualTo("OFFER_OPEN");
    assertThat(called.allowedOutcomes())
        .contains(OutcomeType.OFFER_PRESENTED, OutcomeType.OFFER_REJECTED)
        .doesNotContain(OutcomeType.SAVE_CALL_DONE);

    testEnv.sleep(Duration.ofHours(5)); // 6 hours in: past the 2h and 4h marks
    PlaybookState day1 = awaitState(run, waitingFor("decision-deadline"));
    Instant start = day1.startedAt();
    assertThat(activities.taskSteps()).containsExactly("save-call-task");
    assertThat(activities.emails()).isEmpty();

    PlaybookState presented =
        run.recordOutcome(new CsmOutcome(OutcomeType.OFFER_PRESENTED, null, CSM));
    // Answered from the new state at once; the email follows on the run's main thread.
    assertThat(presented.stage()).isEqualTo("OFFER_OPEN");
    assertThat(presented.allowedOutcomes()).doesNotContain(OutcomeType.OFFER_PRESENTED);
    PlaybookState sent = awaitState(run, hasStep("offer-email"));
    assertThat(activities.emailSteps()).containsExactly("offer-email");
    Call<CustomerEmail> offer = activities.emails().getFirst();
    assertRanAt(offer.at(), start, Duration.ofHours(6));
    assertThat(offer.request().variables()).containsEntry("offer", SaveOffer.PAUSE_BILLING.name());
    assertThat(sent.steps())
        .extracting(StepRecord::step)
        .containsExactly("save-call-task", "csm-alert", "save-call-done", "offer-email");
    assertThat(activities.notes()).hasSize(1);
    assertThat(activities.notes().getFirst().request().body()).contains("Open to a pause");
  }

  @Test
  void offerRejected_givesAnExecutiveADay_thenOfferAccepted_savesAndWithdrawsTheCancellation() {
    PlaybookWorkflow run = start(CancellationReason.PRODUCT_ISSUE);

    testEnv.sleep(Duration.ofHours(1));
    run.recordOutcome(new CsmOutcome(OutcomeType.SAVE_CALL_DONE, null, CSM));
    PlaybookState rejected =
        run.recordOutcome(
            new CsmOutcome(OutcomeType.OFFER_REJECTED, "Wants the bug fixed first", CSM));
    Instant start = rejected.startedAt();
    assertThat(rejected.stage()).isEqualTo("EXECUTIVE_REVIEW");
    assertThat(rejected.allowedOutcomes()).doesNotContain(OutcomeType.OFFER_REJECTED);
    PlaybookState escalated = awaitState(run, hasStep("executive-task"));
    Call<CrmTask> executive = activities.tasks().getLast();
    assertThat(executive.request().step()).isEqualTo("executive-task");
    assertThat(executive.request().assignee()).isEqualTo(TaskAssignee.EXECUTIVE);
    assertThat(executive.request().priority()).isEqualTo(TaskPriority.URGENT);
    assertThat(executive.request().body()).contains("Wants the bug fixed first");
    assertRanAt(executive.at(), start, Duration.ofHours(1));
    assertRanAt(executive.request().dueAt(), start, Duration.ofDays(1).plusHours(1));
    assertThat(executive.request().dueAt()).isBefore(DEADLINE);
    assertThat(escalated.steps())
        .filteredOn(s -> s.step().equals("executive-task"))
        .extracting(StepRecord::result)
        .containsExactly(StepResult.ESCALATED);

    testEnv.sleep(Duration.ofHours(20));
    run.recordOutcome(new CsmOutcome(OutcomeType.OFFER_ACCEPTED, "Exec call went well", CSM));

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.SAVED);
    assertThat(result.stage()).isEqualTo(PlaybookRun.CLOSED);
    assertThat(activities.backendNotifications()).hasSize(1);
    Call<BackendNotification> withdrawn = activities.backendNotifications().getFirst();
    assertThat(withdrawn.request().type()).isEqualTo("CANCELLATION_WITHDRAWN");
    assertThat(withdrawn.request().customerId()).isEqualTo(CUSTOMER);
    assertThat(withdrawn.request().workflowId()).isEqualTo(WORKFLOW_ID);
    assertThat(withdrawn.request().data()).containsEntry("offer", "DEDICATED_SUPPORT");
    assertRanAt(withdrawn.at(), start, Duration.ofHours(21));
    assertThat(result.steps())
        .extracting(StepRecord::step)
        .endsWith("offer-accepted", "cancellation-withdrawn");
    // Saved: no deadline, no exit survey, no win-back.
    assertThat(activities.emails()).isEmpty();
    assertThat(activities.lastSnapshot().status()).isEqualTo("COMPLETED");
    assertRanAt(activities.lastSnapshot().closedAt(), start, Duration.ofHours(21));
  }

  @Test
  void upgradedBeforeTheDecision_saves() {
    PlaybookWorkflow run = start(CancellationReason.TOO_EXPENSIVE);

    testEnv.sleep(Duration.ofDays(1));
    run.upgraded(new Upgraded("team"));

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.SAVED);
    assertThat(run.state().outcomeReason()).contains("team");
    assertThat(activities.backendNotifications())
        .extracting(n -> n.request().type())
        .containsExactly("CANCELLATION_WITHDRAWN");
    assertThat(result.steps())
        .extracting(StepRecord::step)
        .endsWith("upgraded", "cancellation-withdrawn")
        .doesNotContain("decision-deadline", "exit-survey");
    assertThat(activities.emailSteps()).containsExactly("offer-email");
  }

  // ---- churned ----------------------------------------------------------------------------------

  @Test
  void churnedByTheCsm_getsTheSameExitSurveyAndWinBack() {
    PlaybookWorkflow run = start(CancellationReason.MISSING_FEATURE);

    testEnv.sleep(Duration.ofDays(1));
    PlaybookState churned =
        run.recordOutcome(new CsmOutcome(OutcomeType.CHURNED, "Moving to a competitor", CSM));
    assertThat(churned.outcome()).isEqualTo(RunOutcome.CHURNED);
    Instant start = churned.startedAt();
    Instant churnedAt =
        Instant.parse(awaitState(run, waitingFor("exit-survey")).facts().get("churnedAt"));
    assertRanAt(churnedAt, start, Duration.ofDays(1));

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.CHURNED);
    assertThat(run.state().outcomeReason()).isEqualTo("recorded by the CSM");
    assertThat(activities.emailSteps())
        .containsExactly("offer-email", "exit-survey", "win-back-day-30", "win-back-day-90");
    List<Call<CustomerEmail>> emails = activities.emails();
    assertRanAt(emails.get(1).at(), churnedAt, Duration.ofDays(1));
    assertRanAt(emails.get(2).at(), churnedAt, Duration.ofDays(30));
    assertRanAt(emails.get(3).at(), churnedAt, Duration.ofDays(90));
    assertThat(result.steps())
        .extracting(StepRecord::step)
        .contains("churned")
        .doesNotContain("decision-deadline");
    assertThat(activities.backendNotifications()).isEmpty();
  }

  @Test
  void customerComesBackAfterChurn_noFurtherWinBackEmails() {
    PlaybookWorkflow run = start(CancellationReason.OTHER);

    testEnv.sleep(Duration.ofDays(4).plusHours(2)); // churned at the deadline, survey sent
    awaitState(run, waitingFor("win-back-day-30"));
    testEnv.sleep(Duration.ofDays(10));
    run.upgraded(new Upgraded("starter"));

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.CHURNED);
    assertThat(result.stage()).isEqualTo(PlaybookRun.CLOSED);
    assertThat(activities.emailSteps()).containsExactly("offer-email", "exit-survey");
    StepRecord back = result.steps().getLast();
    assertThat(back.step()).isEqualTo("came-back");
    assertThat(back.detail()).contains("starter");
    assertRanAt(activities.lastSnapshot().closedAt(), DEADLINE, Duration.ofDays(11).plusHours(2));
  }

  @Test
  void suppressedCustomer_exitSurveySkipped_andNoWinBackEmails() {
    activities.suppressSteps("exit-survey", "win-back-day-30", "win-back-day-90");
    PlaybookWorkflow run = start(CancellationReason.TOO_EXPENSIVE);

    PlaybookResult result = resultOf(run);

    assertThat(result.outcome()).isEqualTo(RunOutcome.CHURNED);
    assertThat(activities.emailSteps()).containsExactly("offer-email");
    assertThat(result.steps())
        .extracting(StepRecord::step, StepRecord::result)
        .endsWith(
            tuple("decision-deadline", StepResult.RECORDED),
            tuple("exit-survey", StepResult.SKIPPED_SUPPRESSED),
            tuple("exit-survey-suppressed", StepResult.TASK_CREATED));
    // The run ends with the skipped survey, a day after the churn.
    assertRanAt(activities.lastSnapshot().closedAt(), DEADLINE, Duration.ofDays(1));
    assertThat(activities.taskSteps()).endsWith("exit-survey-suppressed");
  }

  // ---- the customer answers ---------------------------------------------------------------------

  @Test
  void customerResponds_csmOwnsTheConversation_noAutomaticOfferEmail() {
    PlaybookWorkflow run = start(CancellationReason.NOT_USING);

    testEnv.sleep(Duration.ofMinutes(30));
    run.customerResponded(new CustomerResponse("inbound-email"));
    awaitState(run, hasStep("customer-responded-task"));
    Call<CrmTask> task = activities.tasks().getLast();
    assertThat(task.request().priority()).isEqualTo(TaskPriority.URGENT);
    assertThat(task.request().assignee()).isEqualTo(TaskAssignee.CSM);

    testEnv.sleep(Duration.ofHours(4));
    PlaybookState state = awaitState(run, hasStep("offer-email"));
    assertThat(state.steps())
        .filteredOn(s -> s.step().equals("offer-email"))
        .extracting(StepRecord::result)
        .containsExactly(StepResult.SKIPPED_CUSTOMER_RESPONDED);
    assertThat(state.customerResponded()).isTrue();
    assertThat(activities.emails()).isEmpty();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /**
   * Whether the runs start on the engine with the shipped definition ({@link
   * CancellationSaveEngineTest}).
   */
  boolean onEngine() {
    return false;
  }

  @Test
  void afterTheCustomerResponded_offerPresentedByTheCsm_isStillSent() {
    PlaybookWorkflow run = start(CancellationReason.TOO_EXPENSIVE);

    run.customerResponded(new CustomerResponse("inbound-email"));
    awaitState(run, hasStep("customer-responded-task"));
    run.recordOutcome(new CsmOutcome(OutcomeType.SAVE_CALL_DONE, "call went well", CSM));
    run.recordOutcome(new CsmOutcome(OutcomeType.OFFER_PRESENTED, null, CSM));

    PlaybookState presented = awaitState(run, hasStep("offer-email"));
    assertThat(presented.steps())
        .filteredOn(s -> s.step().equals("offer-email"))
        .extracting(StepRecord::result)
        .containsExactly(StepResult.SENT);
    assertThat(activities.emailSteps()).containsExactly("offer-email");
  }

  @Test
  void churnedCustomerReplies_winBackEmailsStop_andTheCsmGetsATask() {
    PlaybookWorkflow run = start(CancellationReason.NOT_USING);
    run.customerResponded(new CustomerResponse("inbound-email"));
    awaitState(run, hasStep("customer-responded-task"));
    run.recordOutcome(new CsmOutcome(OutcomeType.CHURNED, null, CSM));

    // The save conversation is over: the exit survey goes out, then the customer replies to it.
    testEnv.sleep(Duration.ofDays(2));
    awaitState(run, hasStep("exit-survey"));
    run.customerResponded(new CustomerResponse("inbound-email"));
    awaitState(run, hasStep("churned-customer-replied-task"));

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.CHURNED);
    assertThat(activities.emailSteps()).containsExactly("exit-survey");
    assertThat(result.steps()).extracting(StepRecord::step).doesNotContain("win-back-day-30");
  }

  private PlaybookWorkflow start(CancellationReason reason) {
    WorkflowOptions options =
        PlaybookTestSupport.options(worker, Playbook.CANCELLATION_SAVE, CUSTOMER, CSM);
    var input =
        new CancellationSaveInput(
            new PlaybookContext(CUSTOMER, CSM, Cadence.REAL_DAYS), reason, DEADLINE);
    if (onEngine()) {
      return started(
          client, PlaybookTestSupport.startOnEngine(client, options, input, "cancellation-save"));
    }
    CancellationSavePlaybook run = client.newWorkflowStub(CancellationSavePlaybook.class, options);
    WorkflowClient.start(run::run, input);
    return started(client, run);
  }
}
