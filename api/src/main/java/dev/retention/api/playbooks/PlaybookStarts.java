package dev.retention.api.playbooks;

import dev.retention.activities.sendingrules.SendingRules;
import dev.retention.api.customers.Customers;
import dev.retention.api.input.OneOf;
import dev.retention.api.input.SingleLine;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.runtime.PlaybookSettings;
import dev.retention.data.customers.Customer;
import dev.retention.data.definitions.PlaybookDefinitions;
import dev.retention.data.feedback.NpsResponses;
import dev.retention.data.ledger.RunProjection;
import dev.retention.data.ledger.RunRecords;
import dev.retention.data.ledger.Timeline;
import dev.retention.data.scoring.HealthScoring;
import dev.retention.data.scoring.ScoredHealth;
import dev.retention.workflows.atrisk.AtRiskInput;
import dev.retention.workflows.cancellationsave.CancellationReason;
import dev.retention.workflows.cancellationsave.CancellationSaveInput;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookIds;
import dev.retention.workflows.contract.PlaybookState;
import dev.retention.workflows.contract.RunInput;
import dev.retention.workflows.contract.RunView;
import dev.retention.workflows.contract.Supersede;
import dev.retention.workflows.engine.DefinedInput;
import dev.retention.workflows.engine.PlaybookDefinition;
import dev.retention.workflows.expansion.ExpansionInput;
import dev.retention.workflows.npsfollowup.NpsFollowUpInput;
import dev.retention.workflows.onboarding.OnboardingInput;
import dev.retention.workflows.ports.TimelineEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** Builds each playbook's input from what we know of the customer, and starts the run. */
@Service
public class PlaybookStarts {

  private final PlaybookClient runs;
  private final Customers customers;
  private final HealthScoring scoring;
  private final NpsResponses nps;
  private final PlaybookSettings settings;
  private final SendingRules sendingRules;
  private final RunProjection projection;
  private final RunRecords records;
  private final Timeline timeline;
  private final PlaybookDefinitions definitions;
  private final Clock clock;

  PlaybookStarts(
      PlaybookClient runs,
      PlaybookDefinitions definitions,
      Customers customers,
      HealthScoring scoring,
      NpsResponses nps,
      PlaybookSettings settings,
      SendingRules sendingRules,
      RunProjection projection,
      RunRecords records,
      Timeline timeline,
      Clock clock) {
    this.projection = projection;
    this.records = records;
    this.timeline = timeline;
    this.definitions = definitions;
    this.runs = runs;
    this.customers = customers;
    this.scoring = scoring;
    this.nps = nps;
    this.settings = settings;
    this.sendingRules = sendingRules;
    this.clock = clock;
  }

  /** A cancellation-save run and the moment its held cancellation is decided. */
  public record CancellationStarted(PlaybookClient.Started started, Instant decisionDeadline) {}

  /** How long the reason a run was started by hand may be: one line. */
  public static final int REASON_MAX = 500;

  /**
   * {@code POST /api/playbooks}: any playbook by hand, from the customer's latest data. The reason
   * is one line of at most {@value #REASON_MAX} characters, for the API and the console alike.
   */
  public PlaybookClient.Started byHand(String playbookName, String customerId, String reason) {
    SingleLine.Validator.check("reason", reason, REASON_MAX);
    String playbook = playbook(playbookName);
    Customer customer = customers.get(customerId);
    RunInput input = input(playbook, published(playbook), customer, reason, clock.instant());
    try {
      return switch (input) {
        case DefinedInput defined -> defined(playbook, customer, defined);
        case AtRiskInput atRisk -> recorded(customer, runs.start(customer, atRisk));
        case ExpansionInput expansion -> recorded(customer, runs.start(customer, expansion));
        case OnboardingInput onboarding -> recorded(customer, runs.start(customer, onboarding));
        case NpsFollowUpInput nps -> recorded(customer, runs.start(customer, nps));
        case CancellationSaveInput cancellation ->
            cancellation(customer, cancellation.reason()).started();
        default -> throw new IllegalStateException("no start for " + input.getClass());
      };
    } catch (AlreadyRunning running) {
      throw running.problem(playbook, customer.id());
    }
  }

  /**
   * The input a run of the playbook {@code playbook}, following {@code definition}, started by hand
   * at {@code now} gets: a built-in playbook's typed input, or, for a playbook that exists only as
   * a definition, the values its definition's inputs name that we know of the customer ({@code
   * healthScore} and {@code planUsage} from their latest health, {@code reason} as given).
   */
  public RunInput input(
      String playbook,
      PlaybookDefinition definition,
      Customer customer,
      String reason,
      Instant now) {
    Optional<Playbook> builtIn = Playbook.fromId(playbook);
    if (builtIn.isPresent()) {
      return input(builtIn.get(), customer, reason, now);
    }
    return definedInput(definition, customer, reason, "by hand");
  }

  /** The input of a run of a playbook that exists only as a definition; see {@link #input}. */
  public DefinedInput definedInput(
      PlaybookDefinition definition, Customer customer, String reason, String trigger) {
    Optional<ScoredHealth> health = scoring.latest(customer.id());
    Map<String, String> values = new LinkedHashMap<>();
    for (PlaybookDefinition.Input wanted : definition.inputs()) {
      String value =
          switch (wanted.name()) {
            case "healthScore" -> health.map(h -> Integer.toString(h.score())).orElse(null);
            case "planUsage" -> health.map(h -> Double.toString(h.planUsage())).orElse(null);
            case "reason" -> reason == null || reason.isBlank() ? null : reason;
            default -> null;
          };
      if (value != null) {
        values.put(wanted.name(), value);
      } else if (Boolean.TRUE.equals(wanted.required())) {
        throw ApiProblem.invalid(
            wanted.name().equals("reason") ? "reason" : "playbook",
            definition.id()
                + " needs "
                + wanted.name()
                + (wanted.name().equals("reason")
                    ? ": give a reason"
                    : ", which customer " + customer.id() + " does not have yet"));
      }
    }
    return new DefinedInput(context(customer), values, trigger);
  }

  /**
   * Starts a run of a playbook that exists only as a definition, keeping its entry rules: not while
   * a playbook its {@code excludedWhileRunning} names runs for the customer (409), and the
   * customer's runs of the playbooks it {@code supersedes} end {@code SUPERSEDED} first.
   */
  public PlaybookClient.Started defined(String playbook, Customer customer, DefinedInput input) {
    PlaybookDefinition definition = published(playbook);
    PlaybookDefinition.Entry entry = definition.entry();
    if (entry != null && entry.excludedWhileRunning() != null) {
      for (String excluded : entry.excludedWhileRunning()) {
        if (runs.isRunning(excluded, customer.id())) {
          throw ApiProblem.conflict(
              "Excluded while another playbook runs",
              playbook
                  + " does not start while "
                  + excluded
                  + " runs for customer "
                  + customer.id(),
              Map.of("workflowId", PlaybookIds.workflowId(excluded, customer.id())));
        }
      }
    }
    if (entry != null && entry.cooldown() != null) {
      coolingDown(playbook, customer, entry.cooldown());
    }
    if (entry != null && entry.supersedes() != null) {
      for (String superseded : entry.supersedes()) {
        runs.signalRunning(
            customer.id(), superseded, run -> run.supersede(new Supersede(playbook + " started")));
      }
    }
    return recorded(customer, runs.start(playbook, customer, input));
  }

  /**
   * Starts a run of a playbook a team defined because its trigger fired ({@code trigger}: the
   * event's name, or the score that crossed), keeping its entry rules: see {@link #defined}.
   */
  public PlaybookClient.Started triggered(
      PlaybookDefinition definition, Customer customer, String trigger) {
    return defined(definition.id(), customer, definedInput(definition, customer, null, trigger));
  }

  /**
   * A 409 while the customer's last run of {@code playbook} closed less than {@code cooldown}
   * (playbook time, scaled by the playbook day) ago: the re-entry cool-down of its definition.
   */
  private void coolingDown(String playbook, Customer customer, String cooldown) {
    String workflowId = PlaybookIds.workflowId(playbook, customer.id());
    Duration playbookTime = Duration.parse(cooldown);
    Duration scaled =
        settings
            .dayLength()
            .multipliedBy(playbookTime.toSeconds())
            .dividedBy(Duration.ofDays(1).toSeconds());
    projection
        .latest(workflowId)
        .map(RunView::closedAt)
        .map(closedAt -> closedAt.plus(scaled))
        .filter(until -> until.isAfter(clock.instant()))
        .ifPresent(
            until -> {
              throw ApiProblem.conflict(
                  "Cooling down",
                  playbook
                      + " ran for customer "
                      + customer.id()
                      + " lately; its definition lets it start again from "
                      + until
                      + " (cool-down "
                      + cooldown
                      + ")",
                  Map.of("workflowId", workflowId, "startsAgainFrom", until.toString()));
            });
  }

  /** The version new runs of {@code playbook} follow. */
  private PlaybookDefinition published(String playbook) {
    return definitions
        .published(playbook)
        .orElseThrow(
            () ->
                ApiProblem.invalid(
                    "playbook", "playbook " + playbook + " has no published version"));
  }

  /**
   * The input a run of {@code playbook} started by hand at {@code now} gets, from the customer's
   * latest data (read only): what {@link #byHand} starts, and what a dry-run plays.
   */
  public RunInput input(Playbook playbook, Customer customer, String reason, Instant now) {
    Optional<ScoredHealth> health = scoring.latest(customer.id());
    return switch (playbook) {
      case AT_RISK ->
          new AtRiskInput(
              context(customer), health.map(ScoredHealth::score).orElse(null), orManual(reason));
      case EXPANSION ->
          new ExpansionInput(
              context(customer),
              health.map(ScoredHealth::score).orElse(0),
              health.map(ScoredHealth::planUsage).orElse(0.0));
      case ONBOARDING -> new OnboardingInput(context(customer));
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
        yield new NpsFollowUpInput(context(customer), answer.score(), answer.comment());
      }
      case CANCELLATION_SAVE ->
          new CancellationSaveInput(context(customer), reason(reason), decisionDeadline(now));
    };
  }

  public PlaybookClient.Started atRisk(Customer customer, Integer score, String reason) {
    return recorded(
        customer, runs.start(customer, new AtRiskInput(context(customer), score, reason)));
  }

  public PlaybookClient.Started expansion(Customer customer, int score, double planUsage) {
    return recorded(
        customer, runs.start(customer, new ExpansionInput(context(customer), score, planUsage)));
  }

  public PlaybookClient.Started onboarding(Customer customer) {
    return recorded(customer, runs.start(customer, new OnboardingInput(context(customer))));
  }

  public PlaybookClient.Started npsFollowUp(Customer customer, int score, String comment) {
    return recorded(
        customer, runs.start(customer, new NpsFollowUpInput(context(customer), score, comment)));
  }

  /**
   * Starts a cancellation-save run. Cancellation wins: the customer's running at-risk and expansion
   * runs end {@code SUPERSEDED} first (nobody is upsold while cancelling).
   */
  public CancellationStarted cancellation(Customer customer, CancellationReason reason) {
    if (runs.isRunning(Playbook.CANCELLATION_SAVE, customer.id())) {
      PlaybookState running = runs.state(Playbook.CANCELLATION_SAVE.workflowId(customer.id()));
      throw new AlreadyRunning(running.workflowId(), null);
    }
    for (Playbook superseded : List.of(Playbook.AT_RISK, Playbook.EXPANSION)) {
      runs.signalRunning(
          customer.id(), superseded, run -> run.supersede(new Supersede("cancellation requested")));
    }
    Instant deadline = decisionDeadline(clock.instant());
    PlaybookClient.Started started =
        recorded(
            customer,
            runs.start(customer, new CancellationSaveInput(context(customer), reason, deadline)));
    return new CancellationStarted(started, deadline);
  }

  /** When a cancellation held from {@code now} is decided. */
  private Instant decisionDeadline(Instant now) {
    return now.plus(settings.dayLength().multipliedBy(settings.cancellationDecisionDays()));
  }

  /** A cancellation reason from the API, or a 400 naming the valid ones. */
  public static CancellationReason reason(String reason) {
    if (reason == null || reason.isBlank()) {
      return CancellationReason.OTHER;
    }
    return OneOf.parse(
        "reason", reason, "cancellation reason", "reasons", CancellationReason.values());
  }

  /**
   * A playbook a run can start on, by its id: a built-in one or one with a published definition, or
   * a 400 naming those.
   */
  public String playbook(String id) {
    if (id != null && (Playbook.fromId(id).isPresent() || definitions.published(id).isPresent())) {
      return id;
    }
    return OneOf.parse(
        "playbook", id, "playbook", "playbooks", startable().toArray(String[]::new), p -> p);
  }

  /** Every playbook a run can start on: the built-in ones and those with a published version. */
  public List<String> startable() {
    return definitions.ids().stream()
        .filter(p -> Playbook.fromId(p).isPresent() || definitions.publishedVersion(p).isPresent())
        .toList();
  }

  /** The context every run starts with: the customer, their CSM, today's cadence. */
  PlaybookContext context(Customer customer) {
    return new PlaybookContext(
        customer.id(), customer.csmId(), new Cadence(settings.dayLength()), sendingRulesOn());
  }

  /**
   * The sending rules are defined in real days: on by default when a playbook day is a real day,
   * off for short demo days, unless {@code retention.sending-rules.enabled} says otherwise.
   */
  boolean sendingRulesOn() {
    return sendingRules.enabled() != null
        ? sendingRules.enabled()
        : settings.dayLength().compareTo(Duration.ofDays(1)) >= 0;
  }

  private static String orManual(String reason) {
    return reason == null || reason.isBlank() ? "manual" : reason;
  }

  /**
   * Records a run in the projection the moment it is started here, so the projection never lags a
   * start made through the API (the workflow's own first write, moments later, fills in stage and
   * next step): which runs a new score must reach is read from it (see CustomerEvents). Its start
   * goes on the customer's timeline at once too, under the key and in the words the run gives it:
   * the run writes its own with its first step (or its closing write), which may be a long while
   * when the first email keeps failing, and the first of the two stays.
   */
  private PlaybookClient.Started recorded(Customer customer, PlaybookClient.Started started) {
    Instant at = clock.instant();
    records.recordStarted(
        started.runId(),
        started.workflowId(),
        started.playbook(),
        customer.id(),
        customer.csmId(),
        at,
        started.version());
    timeline.addAboutRun(
        customer.id(),
        started.workflowId(),
        started.runId(),
        TimelineEntry.STARTED_KEY,
        at,
        TimelineEntry.PLAYBOOK,
        TimelineEntry.startedSummary(started.playbook()));
    return started;
  }
}
