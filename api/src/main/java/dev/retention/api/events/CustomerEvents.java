package dev.retention.api.events;

import dev.retention.api.playbooks.AlreadyRunning;
import dev.retention.api.playbooks.PlaybookClient;
import dev.retention.api.playbooks.PlaybookStarts;
import dev.retention.api.problems.ApiProblem;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.definitions.PlaybookDefinitions;
import dev.retention.data.feedback.NpsResponses;
import dev.retention.data.ledger.MeetingBookings;
import dev.retention.data.ledger.Timeline;
import dev.retention.data.scoring.HealthModel;
import dev.retention.data.scoring.HealthModels;
import dev.retention.data.scoring.ScoredHealth;
import dev.retention.workflows.cancellationsave.CancellationReason;
import dev.retention.workflows.contract.HealthChange;
import dev.retention.workflows.contract.Milestone;
import dev.retention.workflows.contract.MilestoneReached;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookState;
import dev.retention.workflows.contract.Upgraded;
import dev.retention.workflows.engine.Expressions;
import dev.retention.workflows.engine.PlaybookDefinition;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * What the backend's events mean for the playbooks: which runs start, which hear about it, and the
 * rules between playbooks (cancellation wins; an upgrade ends expansion and saves a cancellation;
 * health starts at-risk and expansion, and ends expansion when it drops).
 */
@Service
public class CustomerEvents {

  private static final Logger log = LoggerFactory.getLogger(CustomerEvents.class);

  static final int EXPANSION_ABOVE = 80;
  static final double EXPANSION_USAGE = 0.8;

  /** The timeline kind of a booked meeting (as of a meeting noted by the CSM). */
  static final String MEETING = "MEETING";

  /** The source of a booked meeting when the backend names none. */
  public static final String MEETING_DEFAULT_SOURCE = "meeting";

  private final PlaybookClient runs;
  private final PlaybookStarts starts;
  private final CustomerDirectory directory;
  private final NpsResponses nps;
  private final Timeline timeline;
  private final Clock clock;
  private final HealthModels models;
  private final PlaybookDefinitions definitions;
  private final MeetingBookings bookings;

  CustomerEvents(
      PlaybookDefinitions definitions,
      MeetingBookings bookings,
      PlaybookClient runs,
      PlaybookStarts starts,
      CustomerDirectory directory,
      NpsResponses nps,
      Timeline timeline,
      Clock clock,
      HealthModels models) {
    this.definitions = definitions;
    this.bookings = bookings;
    this.runs = runs;
    this.starts = starts;
    this.directory = directory;
    this.nps = nps;
    this.timeline = timeline;
    this.clock = clock;
    this.models = models;
  }

  /** The runs an event touched, those it started, and (for a cancellation) the deadline. */
  public record Touched(List<String> workflowIds, List<String> started, Instant decisionDeadline) {
    public static Touched of(List<String> informed) {
      return new Touched(informed, List.of(), null);
    }
  }

  public Touched signup(Customer customer) {
    return startOrJoin(() -> starts.onboarding(customer));
  }

  public Touched milestone(Customer customer, Milestone milestone) {
    timeline.add(customer.id(), clock.instant(), "MILESTONE", "Milestone " + milestone);
    return Touched.of(
        runs.signalRunning(
            customer.id(),
            Playbook.ONBOARDING,
            run -> run.milestone(new MilestoneReached(milestone))));
  }

  public Touched nps(Customer customer, int score, String comment) {
    Touched touched = startOrJoin(() -> starts.npsFollowUp(customer, score, comment));
    nps.record(customer.id(), score, comment, touched.workflowIds().getFirst(), clock.instant());
    timeline.add(
        customer.id(),
        clock.instant(),
        "NPS",
        "NPS " + score + " (" + NpsResponses.category(score) + ")");
    return touched;
  }

  public Touched cancellationRequested(Customer customer, CancellationReason reason) {
    List<String> superseded = new ArrayList<>();
    superseded.addAll(runningIds(customer, Playbook.AT_RISK));
    superseded.addAll(runningIds(customer, Playbook.EXPANSION));
    try {
      PlaybookStarts.CancellationStarted started = starts.cancellation(customer, reason);
      List<String> ids = new ArrayList<>(superseded);
      ids.add(started.started().workflowId());
      return new Touched(ids, List.of(started.started().workflowId()), started.decisionDeadline());
    } catch (AlreadyRunning running) {
      PlaybookState state = runs.state(running.workflowId());
      String deadline = state.facts().get("decisionDeadline");
      return new Touched(
          List.of(running.workflowId()),
          List.of(),
          deadline == null ? null : Instant.parse(deadline));
    }
  }

  public Touched upgraded(Customer customer, String plan) {
    directory.upsertCustomer(
        new Customer(
            customer.id(),
            customer.name(),
            customer.email(),
            customer.csmId(),
            plan,
            customer.mrr(),
            customer.planUsageLimit(),
            customer.timezone(),
            customer.locale()));
    timeline.add(customer.id(), clock.instant(), "PLAN", "Upgraded to " + plan);
    return Touched.of(
        runs.signalRunning(customer.id(), (String) null, run -> run.upgraded(new Upgraded(plan))));
  }

  /**
   * An event the backend names itself ({@code POST /api/events/{event}}, e.g. {@code
   * trial-started}): starts every playbook defined by a team (not a built-in one, whose events have
   * their own endpoints) whose published definition's trigger is that event, keeping its entry
   * rules; one running already is answered, not started again. A 400 when no playbook starts on it,
   * naming the events that do.
   */
  public Touched event(Customer customer, String event) {
    List<PlaybookDefinition> triggered = triggeredBy(event);
    if (triggered.isEmpty()) {
      throw ApiProblem.invalid(
          "event",
          "no published playbook starts on event "
              + event
              + "; events that start one: "
              + definedEvents());
    }
    Set<String> touched = new LinkedHashSet<>();
    List<String> started = new ArrayList<>();
    for (PlaybookDefinition definition : triggered) {
      add(startOrJoin(() -> starts.triggered(definition, customer, event)), touched, started);
    }
    return new Touched(List.copyOf(touched), started, null);
  }

  /** The team-defined playbooks whose published trigger is {@code event}. */
  private List<PlaybookDefinition> triggeredBy(String event) {
    return definedPublished().stream()
        .filter(d -> d.trigger() != null && "event".equals(d.trigger().kind()))
        .filter(d -> event.equals(d.trigger().event()))
        .toList();
  }

  /** The events that start a team-defined playbook. */
  private List<String> definedEvents() {
    return definedPublished().stream()
        .filter(d -> d.trigger() != null && "event".equals(d.trigger().kind()))
        .map(d -> d.trigger().event())
        .distinct()
        .sorted()
        .toList();
  }

  /** The published definitions of the playbooks a team defined (not the built-in five). */
  private List<PlaybookDefinition> definedPublished() {
    return definitions.publishedAll().stream()
        .filter(d -> Playbook.fromId(d.id()).isEmpty())
        .toList();
  }

  /**
   * The playbooks a team defined whose trigger a new health score meets: a {@code health-band}
   * trigger when the score enters that band, a {@code condition} trigger when its condition over
   * the customer's facts ({@code score}, {@code band}, {@code planUsage}, {@code plan}, {@code
   * mrr}) comes to hold. Only the crossing starts a run, as for the built-in ones, so a weekly
   * sweep does not restart a playbook that just ended.
   */
  private List<Crossing> definedCrossings(
      Customer customer, ScoredHealth health, ScoreRules rules) {
    List<Crossing> crossings = new ArrayList<>();
    Integer before = health.previousScore();
    String bandNow = health.band().name();
    String bandBefore = before == null ? null : rules.model().get().band(before).name();
    for (PlaybookDefinition definition : rules.defined().get()) {
      PlaybookDefinition.Trigger trigger = definition.trigger();
      if (trigger == null) {
        continue;
      }
      boolean crossed =
          switch (trigger.kind()) {
            case "health-band" ->
                bandNow.equals(trigger.band()) && !trigger.band().equals(bandBefore);
            case "condition" ->
                holds(
                        trigger.condition(),
                        facts(customer, health.score(), bandNow, health.planUsage()))
                    && (before == null
                        || !holds(
                            trigger.condition(),
                            facts(
                                customer,
                                before,
                                bandBefore,
                                health.previousPlanUsage() == null
                                    ? health.planUsage()
                                    : health.previousPlanUsage())));
            default -> false;
          };
      if (crossed) {
        crossings.add(new Crossing(definition.id(), health.score(), health.planUsage()));
      }
    }
    return crossings;
  }

  private static Map<String, Object> facts(
      Customer customer, int score, String band, double planUsage) {
    Map<String, Object> facts = new HashMap<>();
    facts.put("score", (long) score);
    facts.put("band", band);
    facts.put("planUsage", planUsage);
    facts.put("plan", customer.plan());
    facts.put("mrr", customer.mrr() == null ? null : customer.mrr().doubleValue());
    return facts;
  }

  private static boolean holds(String condition, Map<String, Object> facts) {
    Expressions.Expr expr = Expressions.parse(condition);
    Object value =
        expr.eval(
            new Expressions.Scope() {
              @Override
              public Object lookup(String name) {
                return facts.containsKey(name) ? facts.get(name) : Expressions.UNDEFINED;
              }

              @Override
              public Object call(String function, List<Object> args) {
                return Expressions.UNDEFINED;
              }
            });
    return Boolean.TRUE.equals(value);
  }

  public Touched customerReplied(Customer customer, String source) {
    return Touched.of(runs.customerResponded(customer.id(), source));
  }

  /**
   * A meeting the customer booked (reported by the backend, or a scheduling tool such as {@code
   * calendly}): like a reply, every running run hears {@code CUSTOMER_RESPONDED} (source {@code
   * meeting-booked:<source>}), which hands it to the CSM and stops its automated emails; the
   * timeline says so.
   */
  public Touched meetingBooked(Customer customer, String source) {
    List<String> informed = runs.customerResponded(customer.id(), meetingSource(source));
    timeline.add(customer.id(), clock.instant(), MEETING, meetingSummary(source, informed));
    return Touched.of(informed);
  }

  /**
   * The same for a webhook delivery a tool may retry, identified by its {@code deliveryKey}: a
   * delivery seen before touches nothing and answers null. The runs hear it first: if Temporal is
   * down this fails, the tool retries, and nothing is recorded; the delivery and its timeline entry
   * are then recorded together, once.
   */
  public Touched meetingBooked(Customer customer, String source, String deliveryKey, Instant at) {
    if (bookings.seen(source, deliveryKey)) {
      return null;
    }
    List<String> informed = runs.customerResponded(customer.id(), meetingSource(source));
    bookings.record(
        source, deliveryKey, customer.id(), at, MEETING, meetingSummary(source, informed));
    return Touched.of(informed);
  }

  private static String meetingSource(String source) {
    return "meeting-booked:" + source;
  }

  /**
   * "Meeting booked via calendly; automated emails stopped" (no "via" for the default source): the
   * console says it in the reader's language.
   */
  private static String meetingSummary(String source, List<String> informed) {
    return "Meeting booked"
        + (MEETING_DEFAULT_SOURCE.equals(source) ? "" : " via " + source)
        + (informed.isEmpty() ? "" : "; automated emails stopped");
  }

  /**
   * After a new health score (computed or the backend's own): running runs hear it (at-risk
   * recovers at 60+, expansion ends below 60); a score whose band falls into at risk or critical
   * (below 60 with the default model; the published model's bands decide) starts at-risk, and one
   * that rises above 80 with plan usage at 80% or more starts expansion, unless that playbook runs
   * already or the customer's cancellation is being handled. Only the crossing starts a run, so a
   * weekly sweep does not restart a playbook that just ended. Only the runs the projection knows as
   * running are signalled (runs started here are in it from their start).
   */
  public Touched healthScored(Customer customer, ScoredHealth health) {
    return healthScored(
        customer,
        health,
        runs.runningPlaybooks(customer.id()),
        new ScoreRules(() -> models.published().model(), this::definedPublished));
  }

  /**
   * What a new score is judged by: the published health model (the band a previous score is in) and
   * the published definitions of the playbooks a team defined (their triggers). A single post reads
   * each only when it needs it; a batch reads both once for all its customers ({@link
   * #scoreRules}).
   */
  public record ScoreRules(
      Supplier<HealthModel> model, Supplier<List<PlaybookDefinition>> defined) {}

  /** The rules as published now, read once: for every customer of a batch. */
  public ScoreRules scoreRules() {
    HealthModel model = models.published().model();
    List<PlaybookDefinition> defined = definedPublished();
    return new ScoreRules(() -> model, () -> defined);
  }

  /**
   * The same with the customer's running playbooks (ids such as {@code at-risk}) and the rules
   * known already (a batch reads them for all its customers at once): the running runs hear it,
   * then each crossing's run starts.
   */
  public Touched healthScored(
      Customer customer,
      ScoredHealth health,
      Collection<String> runningPlaybooks,
      ScoreRules rules) {
    Set<String> touched = new LinkedHashSet<>(inform(customer, health, runningPlaybooks));
    List<String> started = new ArrayList<>();
    for (Crossing crossing : crossings(customer, health, rules)) {
      add(start(customer, crossing, rules), touched, started);
    }
    return new Touched(List.copyOf(touched), started, null);
  }

  /** The customer's running runs of {@code runningPlaybooks} hear the new health: their ids. */
  public List<String> inform(
      Customer customer, ScoredHealth health, Collection<String> runningPlaybooks) {
    Set<String> touched = new LinkedHashSet<>();
    HealthChange change = new HealthChange(health.score(), health.band().name());
    for (String running : runningPlaybooks) {
      touched.addAll(runs.signalRunning(customer.id(), running, run -> run.healthChanged(change)));
    }
    return List.copyOf(touched);
  }

  /**
   * A playbook a new score starts, with the score (and plan usage) that crossed into it: decided
   * from the score and the rules alone, with no call out ({@link #crossings}); {@link #start} makes
   * it a run, at once or later from the batch's queue.
   */
  public record Crossing(String playbook, int score, double planUsage) {}

  /**
   * The playbooks a new score starts: at-risk when its band falls into at risk or critical (the
   * band the previous score is in under the same published model, so a change of model alone starts
   * nothing), expansion when it rises above 80 with plan usage at 80% or more, and the team-defined
   * playbooks whose trigger it meets.
   */
  public List<Crossing> crossings(Customer customer, ScoredHealth health, ScoreRules rules) {
    List<Crossing> crossings = new ArrayList<>();
    Integer before = health.previousScore();
    boolean fellBelow =
        health.band().atRiskOrWorse()
            && (before == null || !rules.model().get().band(before).atRiskOrWorse());
    boolean qualifies = qualifiesForExpansion(health.score(), health.planUsage());
    boolean qualifiedBefore =
        before != null
            && health.previousPlanUsage() != null
            && qualifiesForExpansion(before, health.previousPlanUsage());
    if (fellBelow) {
      crossings.add(new Crossing(Playbook.AT_RISK.id(), health.score(), health.planUsage()));
    }
    if (qualifies && !qualifiedBefore) {
      crossings.add(new Crossing(Playbook.EXPANSION.id(), health.score(), health.planUsage()));
    }
    crossings.addAll(definedCrossings(customer, health, rules));
    return crossings;
  }

  /**
   * Makes a crossing's run: starts it, or answers the run of that playbook running already. It
   * starts nothing while the customer's cancellation is being handled (at-risk, expansion), while a
   * team-defined playbook's entry rules keep the customer out, or once that playbook is no longer
   * published; such a crossing touches no run.
   */
  public Touched start(Customer customer, Crossing crossing, ScoreRules rules) {
    Optional<Playbook> builtIn = Playbook.fromId(crossing.playbook());
    if (builtIn.isPresent()) {
      // Temporal itself says whether a cancellation is being handled, only when it matters.
      if (runs.isRunning(Playbook.CANCELLATION_SAVE, customer.id())) {
        log.info(
            "{} not started for {}: its cancellation is being handled",
            crossing.playbook(),
            customer.id());
        return Touched.of(List.of());
      }
      return switch (builtIn.get()) {
        case AT_RISK ->
            startOrJoin(
                () ->
                    starts.atRisk(
                        customer, crossing.score(), "health fell to " + crossing.score()));
        case EXPANSION ->
            startOrJoin(() -> starts.expansion(customer, crossing.score(), crossing.planUsage()));
        default ->
            throw new IllegalArgumentException(
                "a health score does not start " + crossing.playbook());
      };
    }
    Optional<PlaybookDefinition> definition =
        rules.defined().get().stream().filter(d -> d.id().equals(crossing.playbook())).findFirst();
    if (definition.isEmpty()) {
      log.info("{} not started for {}: no longer published", crossing.playbook(), customer.id());
      return Touched.of(List.of());
    }
    try {
      return startOrJoin(
          () -> starts.triggered(definition.get(), customer, "health " + crossing.score()));
    } catch (ApiProblem kept) {
      // Its entry rules keep it out now (e.g. a cancellation is being handled).
      log.info("{} not started for {}: {}", crossing.playbook(), customer.id(), kept.getMessage());
      return Touched.of(List.of());
    }
  }

  static boolean qualifiesForExpansion(int score, double planUsage) {
    return score > EXPANSION_ABOVE && planUsage >= EXPANSION_USAGE;
  }

  /** Starts a run, or, when one is running already, answers with that one. */
  private static Touched startOrJoin(Supplier<PlaybookClient.Started> start) {
    try {
      String id = start.get().workflowId();
      return new Touched(List.of(id), List.of(id), null);
    } catch (AlreadyRunning running) {
      return new Touched(List.of(running.workflowId()), List.of(), null);
    }
  }

  private static void add(Touched more, Set<String> touched, List<String> started) {
    touched.addAll(more.workflowIds());
    started.addAll(more.started());
  }

  private List<String> runningIds(Customer customer, Playbook playbook) {
    return runs.isRunning(playbook, customer.id())
        ? List.of(playbook.workflowId(customer.id()))
        : List.of();
  }
}
