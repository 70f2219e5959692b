package dev.retention.api.playbooks;

import dev.retention.activities.customers.Customer;
import dev.retention.activities.feedback.NpsResponses;
import dev.retention.activities.scoring.HealthScoring;
import dev.retention.activities.scoring.ScoredHealth;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.runtime.PlaybookSettings;
import dev.retention.workflows.atrisk.AtRiskInput;
import dev.retention.workflows.cancellationsave.CancellationReason;
import dev.retention.workflows.cancellationsave.CancellationSaveInput;
import dev.retention.workflows.common.Playbook;
import dev.retention.workflows.common.PlaybookState;
import dev.retention.workflows.common.Supersede;
import dev.retention.workflows.expansion.ExpansionInput;
import dev.retention.workflows.npsfollowup.NpsFollowUpInput;
import dev.retention.workflows.onboarding.OnboardingInput;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** Builds each playbook's input from what we know of the customer, and starts the run. */
@Service
public class PlaybookStarts {

  private final PlaybookRuns runs;
  private final HealthScoring scoring;
  private final NpsResponses nps;
  private final PlaybookSettings settings;
  private final Clock clock;

  PlaybookStarts(
      PlaybookRuns runs,
      HealthScoring scoring,
      NpsResponses nps,
      PlaybookSettings settings,
      Clock clock) {
    this.runs = runs;
    this.scoring = scoring;
    this.nps = nps;
    this.settings = settings;
    this.clock = clock;
  }

  /** A cancellation-save run and the moment its held cancellation is decided. */
  public record CancellationStarted(PlaybookRuns.Started started, Instant decisionDeadline) {}

  /** {@code POST /api/playbooks}: any playbook by hand, from the customer's latest data. */
  public PlaybookRuns.Started byHand(String playbookName, String customerId, String reason) {
    Playbook playbook =
        Playbook.fromId(playbookName)
            .orElseThrow(
                () ->
                    ApiProblem.invalid(
                        "playbook",
                        "unknown playbook "
                            + playbookName
                            + "; playbooks are "
                            + Arrays.stream(Playbook.values()).map(Playbook::id).toList()));
    Customer customer = runs.customer(customerId);
    Optional<ScoredHealth> health = scoring.latest(customer.id());
    try {
      return switch (playbook) {
        case AT_RISK ->
            atRisk(customer, health.map(ScoredHealth::score).orElse(null), orManual(reason));
        case EXPANSION ->
            expansion(
                customer,
                health.map(ScoredHealth::score).orElse(0),
                health.map(ScoredHealth::planUsage).orElse(0.0));
        case ONBOARDING -> onboarding(customer);
        case NPS_FOLLOW_UP -> {
          NpsResponses.NpsResponse answer =
              nps.latest(customer.id())
                  .orElseThrow(
                      () ->
                          ApiProblem.invalid(
                              "playbook",
                              "customer "
                                  + customer.id()
                                  + " has no NPS answer to follow up; send it with POST"
                                  + " /api/events/nps"));
          yield npsFollowUp(customer, answer.score(), answer.comment());
        }
        case CANCELLATION_SAVE -> cancellation(customer, reason(reason)).started();
      };
    } catch (PlaybookRuns.AlreadyRunning running) {
      throw running.problem(playbook, customer.id());
    }
  }

  public PlaybookRuns.Started atRisk(Customer customer, Integer score, String reason) {
    return runs.start(
        Playbook.AT_RISK, customer, new AtRiskInput(runs.context(customer), score, reason));
  }

  public PlaybookRuns.Started expansion(Customer customer, int score, double planUsage) {
    return runs.start(
        Playbook.EXPANSION, customer, new ExpansionInput(runs.context(customer), score, planUsage));
  }

  public PlaybookRuns.Started onboarding(Customer customer) {
    return runs.start(Playbook.ONBOARDING, customer, new OnboardingInput(runs.context(customer)));
  }

  public PlaybookRuns.Started npsFollowUp(Customer customer, int score, String comment) {
    return runs.start(
        Playbook.NPS_FOLLOW_UP,
        customer,
        new NpsFollowUpInput(runs.context(customer), score, comment));
  }

  /**
   * Starts a cancellation-save run. Cancellation wins: the customer's running at-risk and expansion
   * runs end {@code SUPERSEDED} first (nobody is upsold while cancelling).
   */
  public CancellationStarted cancellation(Customer customer, CancellationReason reason) {
    if (runs.isRunning(Playbook.CANCELLATION_SAVE, customer.id())) {
      PlaybookState running = runs.state(Playbook.CANCELLATION_SAVE.workflowId(customer.id()));
      throw new PlaybookRuns.AlreadyRunning(running.workflowId(), null);
    }
    for (Playbook superseded : List.of(Playbook.AT_RISK, Playbook.EXPANSION)) {
      runs.signalRunning(
          customer.id(), superseded, run -> run.supersede(new Supersede("cancellation requested")));
    }
    Instant deadline =
        clock
            .instant()
            .plus(settings.dayLength().multipliedBy(settings.cancellationDecisionDays()));
    PlaybookRuns.Started started =
        runs.start(
            Playbook.CANCELLATION_SAVE,
            customer,
            new CancellationSaveInput(runs.context(customer), reason, deadline));
    return new CancellationStarted(started, deadline);
  }

  /** A cancellation reason from the API, or a 400 naming the valid ones. */
  public static CancellationReason reason(String reason) {
    if (reason == null || reason.isBlank()) {
      return CancellationReason.OTHER;
    }
    try {
      return CancellationReason.valueOf(reason);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.invalid(
          "reason",
          "unknown cancellation reason "
              + reason
              + "; reasons are "
              + Arrays.stream(CancellationReason.values()).map(Enum::name).toList());
    }
  }

  private static String orManual(String reason) {
    return reason == null || reason.isBlank() ? "manual" : reason;
  }
}
