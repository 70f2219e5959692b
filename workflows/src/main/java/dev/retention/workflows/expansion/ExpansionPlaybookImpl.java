package dev.retention.workflows.expansion;

import static dev.retention.workflows.contract.OutcomeType.CUSTOMER_RESPONDED;
import static dev.retention.workflows.contract.OutcomeType.DECLINED;

import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.StepResult;
import dev.retention.workflows.contract.WaitingOn;
import dev.retention.workflows.frame.PlaybookRun;
import dev.retention.workflows.frame.RunEvent;
import dev.retention.workflows.ports.ExpansionFigures;
import dev.retention.workflows.ports.ExpansionFiguresRequest;
import dev.retention.workflows.ports.TaskPriority;
import io.temporal.workflow.WorkflowInit;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The expansion playbook as docs/playbooks.md (expansion) gives it. */
public class ExpansionPlaybookImpl extends PlaybookRun implements ExpansionPlaybook {

  static final int HEALTH_DROPPED_BELOW = 60;
  static final int OFFER_DAY = 13;
  static final int OFFER_VALID_DAYS = 7;

  enum Stage {
    /** Day 1–6: usage note sent. */
    USAGE_NOTIFIED,
    /** Day 7–13: case study and ROI sent. */
    CASE_STUDY,
    /** Day 14–20: the discounted offer is open. */
    OFFER_OPEN,
    /** The customer answered: the CSM follows up until the offer's end. */
    CSM_FOLLOW_UP
  }

  private final ExpansionInput input;
  private boolean handedOver;

  @WorkflowInit
  public ExpansionPlaybookImpl(ExpansionInput input) {
    super(Playbook.EXPANSION, input.context(), input.firstStage());
    this.input = input;
    run.fact("healthScore", Integer.toString(input.healthScore()));
    run.fact("planUsage", Long.toString(Math.round(input.planUsage() * 100)) + "%");
    run.stepUnderWay("day-1-usage-email", startedAt);
  }

  @Override
  public PlaybookResult run(ExpansionInput ignored) {
    return execute(this::play);
  }

  private void play() {
    ExpansionFigures figures =
        steps
            .offers("expansion-figures")
            .expansionFigures(new ExpansionFiguresRequest(context.customerId(), input.planUsage()));
    run.fact("nextPlan", figures.nextPlan());
    Instant offerEnds = day(OFFER_DAY + OFFER_VALID_DAYS);
    Map<String, String> vars = new HashMap<>(figures.variables());
    vars.put("offer.validUntil", offerEnds.toString());
    vars.put("usagePercent", Long.toString(Math.round(input.planUsage() * 100)));

    steps.sendCustomerEmail("day-1-usage-email", day(0), "expansion/usage", vars);
    if (scheduledStep(day(6), "day-7-case-study-email")) {
      run.setStage(Stage.CASE_STUDY.name());
      steps.sendCustomerEmail("day-7-case-study-email", day(6), "expansion/case-study", vars);
    }
    if (scheduledStep(day(OFFER_DAY), "day-14-offer-email")) {
      run.setStage(Stage.OFFER_OPEN.name());
      run.fact("offerValidUntil", offerEnds.toString());
      steps.sendCustomerEmail("day-14-offer-email", day(OFFER_DAY), "expansion/offer", vars);
    }
    // The customer's upgrade, or once they answered, the CSM's follow-up (DECLINED).
    if (waitUntil(
        offerEnds,
        "offer-expiry",
        handedOver ? WaitingOn.CSM : WaitingOn.CUSTOMER,
        "UPGRADED or DECLINED",
        () -> true)) {
      run.decide(RunOutcome.EXPIRED, "no upgrade by the end of the offer");
      steps.record("offer-expiry", offerEnds, StepResult.RECORDED, "the offer lapsed");
      run.finish();
    }
  }

  private boolean scheduledStep(Instant at, String step) {
    return waitUntil(
        at, step, WaitingOn.AUTOMATED_STEP, "the scheduled step " + step, () -> !handedOver);
  }

  @Override
  protected Set<OutcomeType> allowedOutcomes() {
    return run.customerResponded()
        ? EnumSet.of(DECLINED)
        : EnumSet.of(CUSTOMER_RESPONDED, DECLINED);
  }

  @Override
  protected void onEvent(RunEvent event) {
    switch (event) {
      case RunEvent.Outcome(CsmOutcome outcome) -> {
        if (outcome.type() == DECLINED) {
          later(
              () -> {
                steps.addNote(
                    "declined",
                    "Expansion declined. " + (outcome.note() == null ? "" : outcome.note()));
                steps.record("declined", now(), StepResult.NOTE_ADDED, "recorded by the CSM");
              });
          run.close(RunOutcome.DECLINED, "recorded by the CSM");
        } else {
          onCustomerResponded("csm");
        }
      }
      case RunEvent.Responded responded -> onCustomerResponded(responded.response().source());
      case RunEvent.Upgrade upgrade -> {
        later(
            () ->
                steps.record(
                    "upgraded",
                    now(),
                    StepResult.RECORDED,
                    "upgraded to " + upgrade.upgrade().plan()));
        run.close(RunOutcome.UPGRADED, "upgraded to " + upgrade.upgrade().plan());
      }
      case RunEvent.Health health -> {
        if (health.change().score() < HEALTH_DROPPED_BELOW) {
          later(
              () ->
                  steps.record(
                      "health-dropped",
                      now(),
                      StepResult.RECORDED,
                      "health " + health.change().score()));
          run.close(RunOutcome.HEALTH_DROPPED, "health fell to " + health.change().score());
        }
      }
      case RunEvent.Superseded superseded ->
          run.close(RunOutcome.SUPERSEDED, superseded.request().reason());
      case RunEvent.Milestone ignored -> {}
    }
  }

  private void onCustomerResponded(String source) {
    if (run.customerResponded()) {
      return;
    }
    handedOver = true;
    run.setStage(Stage.CSM_FOLLOW_UP.name());
    // An open offer's wait goes on to its end, on the CSM's follow-up from now.
    run.nowWaitingOn(WaitingOn.CSM);
    steps.handOverToCsm(
        "customer-interested-task",
        "Customer interested in expanding: follow up personally",
        source,
        cadence.days(1),
        TaskPriority.HIGH);
  }
}
