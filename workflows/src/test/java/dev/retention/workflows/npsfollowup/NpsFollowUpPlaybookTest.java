package dev.retention.workflows.npsfollowup;

import static dev.retention.workflows.PlaybookTestSupport.assertRanAt;
import static dev.retention.workflows.PlaybookTestSupport.awaitState;
import static dev.retention.workflows.PlaybookTestSupport.resultOf;
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
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.PlaybookState;
import dev.retention.workflows.contract.PlaybookWorkflow;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.StepRecord;
import dev.retention.workflows.contract.StepResult;
import dev.retention.workflows.frame.PlaybookRun;
import dev.retention.workflows.ports.CrmNote;
import dev.retention.workflows.ports.CrmTask;
import dev.retention.workflows.ports.CsmAlert;
import dev.retention.workflows.ports.CustomerEmail;
import dev.retention.workflows.ports.TaskAssignee;
import dev.retention.workflows.ports.TaskPriority;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The NPS follow-up on the time-skipping test server at one day per day: promoters are invited to
 * advocate, passives asked what would make it a 10, detractors get their CSM within 24 hours.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NpsFollowUpPlaybookTest extends PlaybookTestBase {

  static final String CUSTOMER = "c-5";
  static final String CSM = "csm-2";
  static final String WORKFLOW_ID = Playbook.NPS_FOLLOW_UP.workflowId(CUSTOMER);

  @RegisterExtension
  static final PlaybookTestExtension temporal =
      PlaybookTestSupport.extension(NpsFollowUpPlaybookImpl.class);

  // ---- promoters --------------------------------------------------------------------------------

  @ParameterizedTest(name = "score {0}")
  @ValueSource(ints = {9, 10})
  void promoter_thanksAtOnce_tagsAdvocate_asksReviewDay3_invitesReferralDay8(int score) {
    PlaybookWorkflow run = start(score, "Love it");

    PlaybookState day1 = awaitState(run, waitingFor("review-ask"));
    Instant start = day1.startedAt();
    assertThat(day1.stage()).isEqualTo("ADVOCACY");
    assertThat(day1.facts())
        .containsEntry("score", Integer.toString(score))
        .containsEntry("category", "PROMOTER");
    assertThat(activities.tagNames()).containsExactly("advocate");

    PlaybookResult result = resultOf(run);

    assertThat(result.outcome()).isEqualTo(RunOutcome.ADVOCACY_INVITED);
    assertThat(activities.emailTemplates())
        .containsExactly(
            "nps-follow-up/promoter-thank-you",
            "nps-follow-up/review-ask",
            "nps-follow-up/referral-invite");
    List<Call<CustomerEmail>> emails = activities.emails();
    assertRanAt(emails.get(0).at(), start, Duration.ZERO);
    assertRanAt(emails.get(1).at(), start, Duration.ofDays(2));
    assertRanAt(emails.get(2).at(), start, Duration.ofDays(7));
    assertThat(emails.getFirst().request().variables())
        .containsEntry("nps.score", Integer.toString(score))
        .containsEntry("nps.comment", "Love it");
    assertThat(result.steps())
        .extracting(StepRecord::step, StepRecord::result)
        .containsExactly(
            tuple("thank-you", StepResult.SENT),
            tuple("advocate-tag", StepResult.TAGGED),
            tuple("review-ask", StepResult.SENT),
            tuple("referral-invite", StepResult.SENT));
    assertThat(activities.tasks()).isEmpty();
    assertThat(activities.alerts()).isEmpty();
    assertRanAt(activities.lastSnapshot().closedAt(), start, Duration.ofDays(7));
  }

  // ---- passives ---------------------------------------------------------------------------------

  @ParameterizedTest(name = "score {0}")
  @ValueSource(ints = {7, 8})
  void passive_thanks_capturesCommentAsFeatureRequest_replyWithNoteEndsFeedbackCaptured(int score) {
    PlaybookWorkflow run = start(score, "Needs a Slack integration");

    PlaybookState day1 = awaitState(run, waitingFor("no-reply"));
    Instant start = day1.startedAt();
    assertThat(day1.stage()).isEqualTo("AWAITING_FEEDBACK");
    assertThat(day1.facts()).containsEntry("category", "PASSIVE");
    assertThat(day1.allowedOutcomes()).containsExactly(OutcomeType.CUSTOMER_RESPONDED);
    assertThat(activities.emailTemplates()).containsExactly("nps-follow-up/passive-thank-you");
    assertThat(activities.notes()).hasSize(1);
    CrmNote comment = activities.notes().getFirst().request();
    assertThat(comment.body()).contains("Feature request").contains("Needs a Slack integration");
    assertThat(activities.tagNames()).containsExactly("feature-request");

    testEnv.sleep(Duration.ofDays(2));
    run.recordOutcome(
        new CsmOutcome(OutcomeType.CUSTOMER_RESPONDED, "An audit log would make it a 10", CSM));

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.FEEDBACK_CAPTURED);
    assertThat(activities.notes())
        .extracting(n -> n.request().body())
        .hasSize(2)
        .last()
        .asString()
        .contains("Feature request")
        .contains("An audit log would make it a 10");
    assertThat(result.steps())
        .extracting(StepRecord::step, StepRecord::result)
        .containsExactly(
            tuple("thank-you", StepResult.SENT),
            tuple("comment-feature-request", StepResult.NOTE_ADDED),
            tuple("reply-feature-request", StepResult.NOTE_ADDED));
    assertRanAt(result.steps().getLast().ranAt(), start, Duration.ofDays(2));
    assertThat(activities.emailTemplates()).containsExactly("nps-follow-up/passive-thank-you");
  }

  @Test
  void passive_replyByEmail_endsFeedbackCaptured() {
    PlaybookWorkflow run = start(7, null);
    awaitState(run, waitingFor("no-reply"));
    assertThat(activities.notes()).isEmpty();

    testEnv.sleep(Duration.ofDays(1));
    run.customerResponded(new CustomerResponse("inbound-email"));

    assertThat(resultOf(run).outcome()).isEqualTo(RunOutcome.FEEDBACK_CAPTURED);
    assertThat(activities.notes()).hasSize(1);
    assertThat(activities.notes().getFirst().request().body()).contains("Feature request");
  }

  @Test
  void passive_noReply_endsNoReplyAfter7Days() {
    PlaybookWorkflow run = start(8, "");

    PlaybookResult result = resultOf(run);

    assertThat(result.outcome()).isEqualTo(RunOutcome.NO_REPLY);
    Instant start = run.state().startedAt();
    assertRanAt(activities.lastSnapshot().closedAt(), start, Duration.ofDays(7));
    assertThat(activities.emailTemplates()).containsExactly("nps-follow-up/passive-thank-you");
    assertThat(activities.notes()).isEmpty(); // a blank comment is no feature request
    assertThat(result.steps()).extracting(StepRecord::step).containsExactly("thank-you");
  }

  // ---- detractors -------------------------------------------------------------------------------

  @ParameterizedTest(name = "score {0}")
  @ValueSource(ints = {0, 6})
  void detractor_urgentTaskAndAlert_escalatedAfter24h_thenOutreachCallPlanResolved(int score) {
    PlaybookWorkflow run = start(score, "Too slow");

    PlaybookState atOnce = awaitState(run, waitingFor("outreach-sla"));
    Instant start = atOnce.startedAt();
    assertThat(atOnce.stage()).isEqualTo("AWAITING_OUTREACH");
    assertThat(atOnce.nextStep().at()).isEqualTo(start.plus(Duration.ofHours(24)));
    assertThat(atOnce.allowedOutcomes()).containsExactly(OutcomeType.OUTREACH_DONE);
    assertThat(activities.taskSteps()).containsExactly("detractor-task");
    Call<CrmTask> task = activities.tasks().getFirst();
    assertRanAt(task.at(), start, Duration.ZERO);
    assertThat(task.request().priority()).isEqualTo(TaskPriority.URGENT);
    assertThat(task.request().assignee()).isEqualTo(TaskAssignee.CSM);
    assertThat(task.request().dueAt()).isEqualTo(start.plus(Duration.ofHours(24)));
    assertThat(activities.alerts()).hasSize(1);
    Call<CsmAlert> alert = activities.alerts().getFirst();
    assertRanAt(alert.at(), start, Duration.ZERO);
    assertThat(alert.request().recipient()).isEqualTo(TaskAssignee.CSM);
    assertThat(alert.request().variables()).containsEntry("nps.comment", "Too slow");
    assertThat(activities.emails()).isEmpty(); // detractors get a person, not automation

    testEnv.sleep(Duration.ofHours(25));
    PlaybookState escalated = awaitState(run, waitingFor("resolution-deadline"));
    assertThat(escalated.facts()).containsEntry("escalated", "true");
    assertThat(escalated.stage()).isEqualTo("AWAITING_OUTREACH");
    assertThat(activities.taskSteps()).containsExactly("detractor-task", "outreach-sla-escalation");
    Call<CrmTask> managerTask = activities.tasks().get(1);
    assertRanAt(managerTask.at(), start, Duration.ofHours(24));
    assertThat(managerTask.request().assignee()).isEqualTo(TaskAssignee.MANAGER);
    assertThat(activities.alerts())
        .extracting(a -> a.request().step(), a -> a.request().recipient())
        .containsExactly(
            tuple("csm-alert", TaskAssignee.CSM), tuple("manager-alert", TaskAssignee.MANAGER));
    assertRanAt(activities.alerts().get(1).at(), start, Duration.ofHours(24));

    // The CSM catches up: outreach, call, recovery plan (which needs the plan), resolved.
    assertThat(run.recordOutcome(outcome(OutcomeType.OUTREACH_DONE, "Reached by phone")).stage())
        .isEqualTo("AWAITING_CALL");
    assertThat(run.recordOutcome(outcome(OutcomeType.CALL_COMPLETED, null)).stage())
        .isEqualTo("AWAITING_RECOVERY_PLAN");
    assertThatThrownBy(() -> run.recordOutcome(outcome(OutcomeType.RECOVERY_PLAN, " ")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("RECOVERY_PLAN needs the plan as its note");
    assertThat(
            run.recordOutcome(outcome(OutcomeType.RECOVERY_PLAN, "Dedicated index, weekly check"))
                .stage())
        .isEqualTo("RECOVERING");
    testEnv.sleep(Duration.ofDays(5));
    PlaybookState resolved = run.recordOutcome(outcome(OutcomeType.RESOLVED, "Happy again"));
    assertThat(resolved.outcome()).isEqualTo(RunOutcome.RESOLVED);

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.RESOLVED);
    assertThat(result.stage()).isEqualTo(PlaybookRun.CLOSED);
    assertThat(result.steps())
        .extracting(StepRecord::step, StepRecord::result)
        .containsExactly(
            tuple("detractor-task", StepResult.TASK_CREATED),
            tuple("csm-alert", StepResult.SENT),
            tuple("outreach-sla-escalation", StepResult.ESCALATED),
            tuple("manager-alert", StepResult.SENT),
            tuple("outreach-done", StepResult.NOTE_ADDED),
            tuple("call-completed", StepResult.NOTE_ADDED),
            tuple("recovery-plan", StepResult.NOTE_ADDED),
            tuple("resolved", StepResult.NOTE_ADDED));
    assertThat(activities.notes())
        .extracting(n -> n.request().body())
        .anySatisfy(b -> assertThat(b).contains("Service recovery plan: Dedicated index"));
    assertThat(activities.emails()).isEmpty();
  }

  @Test
  void detractor_outreachInTime_noEscalation_thenUnresolvedAfter30Days() {
    PlaybookWorkflow run = start(3, "Support never answers");
    awaitState(run, waitingFor("outreach-sla"));

    testEnv.sleep(Duration.ofHours(20));
    run.recordOutcome(outcome(OutcomeType.OUTREACH_DONE, "Called them"));
    PlaybookState reached = awaitState(run, waitingFor("resolution-deadline"));
    assertThat(reached.stage()).isEqualTo("AWAITING_CALL");
    assertThat(reached.allowedOutcomes()).containsExactly(OutcomeType.CALL_COMPLETED);

    PlaybookResult result = resultOf(run);
    assertThat(result.outcome()).isEqualTo(RunOutcome.UNRESOLVED);
    Instant start = run.state().startedAt();
    assertThat(activities.taskSteps()).containsExactly("detractor-task");
    assertThat(activities.alerts())
        .extracting(a -> a.request().step())
        .containsExactly("csm-alert");
    assertThat(run.state().facts()).doesNotContainKey("escalated");
    StepRecord deadline = result.steps().getLast();
    assertThat(deadline.step()).isEqualTo("resolution-deadline");
    assertRanAt(deadline.ranAt(), start, Duration.ofDays(30));
  }

  @Test
  void detractor_outcomesOutOfOrder_areRejectedWithoutTrace() {
    PlaybookWorkflow run = start(4, null);
    awaitState(run, waitingFor("outreach-sla"));

    for (OutcomeType early :
        List.of(
            OutcomeType.RESOLVED,
            OutcomeType.CALL_COMPLETED,
            OutcomeType.RECOVERY_PLAN,
            OutcomeType.CUSTOMER_RESPONDED)) {
      assertThatThrownBy(() -> run.recordOutcome(outcome(early, "a plan")))
          .as(early.name())
          .isInstanceOf(WorkflowUpdateException.class)
          .rootCause()
          .hasMessageContaining(
              early + " is not valid for nps-follow-up in stage AWAITING_OUTREACH");
    }
    run.recordOutcome(outcome(OutcomeType.OUTREACH_DONE, null));
    assertThatThrownBy(() -> run.recordOutcome(outcome(OutcomeType.RESOLVED, null)))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("valid now: [CALL_COMPLETED]");

    // Only the accepted OUTREACH_DONE reached history.
    assertThat(updateEvents(client, WORKFLOW_ID))
        .filteredOn(e -> e != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED)
        .containsExactly(
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
    PlaybookState state = run.state();
    assertThat(state.stage()).isEqualTo("AWAITING_CALL");
    assertThat(state.outcome()).isNull();
    assertThat(activities.notes()).hasSize(1);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /**
   * Whether the runs start on the engine with the shipped definition ({@link
   * NpsFollowUpEngineTest}).
   */
  boolean onEngine() {
    return false;
  }

  private PlaybookWorkflow start(int score, String comment) {
    WorkflowOptions options =
        PlaybookTestSupport.options(worker, Playbook.NPS_FOLLOW_UP, CUSTOMER, CSM);
    var input =
        new NpsFollowUpInput(new PlaybookContext(CUSTOMER, CSM, Cadence.REAL_DAYS), score, comment);
    if (onEngine()) {
      return PlaybookTestSupport.startOnEngine(client, options, input, "nps-follow-up");
    }
    NpsFollowUpPlaybook run = client.newWorkflowStub(NpsFollowUpPlaybook.class, options);
    WorkflowClient.start(run::run, input);
    return run;
  }

  private static CsmOutcome outcome(OutcomeType type, String note) {
    return new CsmOutcome(type, note, CSM);
  }
}
