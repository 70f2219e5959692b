package dev.retention.workflows.engine;

import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.OutcomeRejection;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.StepResult;
import dev.retention.workflows.contract.WaitingOn;
import dev.retention.workflows.engine.PlaybookDefinition.OutcomeRule;
import dev.retention.workflows.frame.PlaybookRun;
import dev.retention.workflows.frame.RunEvent;
import dev.retention.workflows.ports.BackendNotification;
import dev.retention.workflows.ports.ExpansionFigures;
import dev.retention.workflows.ports.ExpansionFiguresRequest;
import dev.retention.workflows.ports.TaskAssignee;
import dev.retention.workflows.ports.TaskPriority;
import dev.retention.workflows.ports.UsageFigures;
import dev.retention.workflows.ports.UsageFiguresRequest;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The playbook engine: runs the definition version pinned in its input, step by step, in the frame
 * every playbook run plays in ({@link PlaybookRun}: state, waits, emails, tasks, ledger, stop). The
 * steps it takes are the same calls today's hand-written playbooks make, so a definition of one of
 * them costs the same Temporal events.
 */
public class PlaybookEngineImpl extends PlaybookRun implements PlaybookEngine {

  private final PlaybookDefinition definition;
  private final SharedDefinitions.Compiled compiled;
  private final Map<String, Object> inputs;
  private final Map<String, Object> vars;
  private final Map<String, String> facts = new HashMap<>();
  private final Map<String, Instant> reached = new HashMap<>();
  private final Deque<Queued> pending = new ArrayDeque<>();
  private final Scope root;

  @WorkflowInit
  public PlaybookEngineImpl(EngineInput input) {
    this(input, Start.of(input));
  }

  @SuppressWarnings("this-escape") // the scope reads the frame's state only once the run runs
  private PlaybookEngineImpl(EngineInput input, Start start) {
    super(
        input.definition().id(),
        input.context(),
        start.initialStage(),
        Boolean.TRUE.equals(input.definition().exemptFromSendingRules()));
    this.compiled = start.compiled();
    this.definition = compiled.definition();
    this.inputs = start.inputs();
    this.vars = start.vars();
    this.root = new Scope(Map.of(), false, null);
    run.playbookVersion(definition.versionOrFirst());
    definition.facts().forEach((name, text) -> fact(name, compiled.template(text).render(root)));
    String first = definition.firstStep();
    if (first != null) {
      // Shown as the next step from the run's first moment (a read right after the start).
      run.stepUnderWay(compiled.template(first).render(root), startedAt);
    }
  }

  @Override
  public PlaybookResult run(EngineInput ignored) {
    return execute(() -> sequence(definition.steps(), root));
  }

  // ---- outcomes a CSM may record -------------------------------------------------------------

  @Override
  protected Set<OutcomeType> allowedOutcomes() {
    Set<OutcomeType> allowed = EnumSet.noneOf(OutcomeType.class);
    for (OutcomeRule rule : definition.outcomes()) {
      if (rule.when() == null || holds(rule.when(), root)) {
        allowed.add(OutcomeType.valueOf(rule.type()));
      }
    }
    return allowed;
  }

  @Override
  public void validateOutcome(CsmOutcome request) {
    super.validateOutcome(request);
    for (OutcomeRule rule : definition.outcomes()) {
      if (rule.noteRequired() != null
          && request.type().name().equals(rule.type())
          && (request.note() == null || request.note().isBlank())) {
        throw OutcomeRejection.NOTE_REQUIRED.rejection(rule.noteRequired());
      }
    }
  }

  // ---- events ----------------------------------------------------------------------------------

  @Override
  protected void onEvent(RunEvent event) {
    PlaybookDefinition.Handlers on = definition.on();
    switch (event) {
      case RunEvent.Outcome(CsmOutcome outcome) -> {
        List<Step> handler = on.outcome().get(outcome.type().name());
        if (handler == null) {
          throw new IllegalStateException("validator let through " + outcome.type());
        }
        Map<String, Object> locals = new HashMap<>();
        locals.put("event.type", outcome.type().name());
        locals.put("event.note", outcome.note());
        locals.put("event.csmId", outcome.csmId());
        handle(handler, locals);
      }
      case RunEvent.Responded responded ->
          handle(on.responded(), Map.of("event.source", responded.response().source()));
      case RunEvent.Health health ->
          handle(
              on.health(),
              Map.of(
                  "event.score",
                  (long) health.change().score(),
                  "event.band",
                  String.valueOf(health.change().band())));
      case RunEvent.Superseded superseded ->
          handle(on.superseded(), Map.of("event.reason", superseded.request().reason()));
      case RunEvent.Milestone milestone ->
          handle(
              on.milestone(), Map.of("event.milestone", milestone.milestone().milestone().name()));
      case RunEvent.Upgrade upgrade ->
          handle(on.upgraded(), Map.of("event.plan", upgrade.upgrade().plan()));
    }
  }

  private void handle(List<Step> handler, Map<String, Object> locals) {
    try {
      take(handler, new Scope(locals, true, null));
    } catch (End end) {
      // The handler is done.
    }
  }

  // ---- steps -----------------------------------------------------------------------------------

  private void sequence(List<Step> list, Scope scope) {
    try {
      take(list, scope);
    } catch (End end) {
      // The body is done.
    }
  }

  private void take(List<Step> list, Scope scope) {
    for (Step step : list) {
      take(step, scope);
    }
  }

  private void take(Step step, Scope scope) {
    StepKind kind =
        StepKind.of(step.kind())
            .orElseThrow(() -> new IllegalStateException("unknown step kind " + step.kind()));
    // An if's condition picks its branch; any other step is taken only while its own holds.
    if (kind != StepKind.IF && step.when() != null && !holds(step.when(), scope)) {
      return;
    }
    if (scope.handler() && kind.callsOut()) {
      // Calls out: on the main thread, right after the handler, with the handler's moment.
      Scope captured = new Scope(scope.locals(), false, now());
      later(() -> takeNow(step, kind, captured));
      return;
    }
    takeNow(step, kind, scope);
  }

  private void takeNow(Step step, StepKind kind, Scope scope) {
    switch (kind) {
      case EMAIL -> email(step, scope);
      case TASK -> task(step, scope);
      case ALERT -> alert(step, scope);
      case NOTE -> steps.addNote(text(step.id(), scope), text(step.body(), scope));
      case TAG -> steps.addTag(text(step.tag(), scope));
      case RECORD ->
          steps.record(
              text(step.id(), scope),
              step.at() == null ? now() : time(step.at(), scope),
              StepResult.valueOf(text(step.result(), scope)),
              step.detail() == null ? null : text(step.detail(), scope));
      case NOTIFY -> notifyBackend(step, scope);
      case COMPUTE -> compute(step, scope);
      case WAIT -> waitStep(step, scope);
      case IF -> take(holds(step.when(), scope) ? step.then() : step.otherwise(), scope);
      case SET -> step.set().forEach((name, expr) -> vars.put(name, value(expr, scope)));
      case FACT -> step.fact().forEach((name, text) -> fact(name, text(text, scope)));
      case STAGE -> run.setStage(text(step.stage(), scope));
      case DECIDE -> run.decide(outcome(step, scope), text(step.reason(), scope));
      case CLOSE -> run.close(outcome(step, scope), text(step.reason(), scope));
      case FINISH -> run.finish();
      case END -> throw new End();
      case EXIT -> {
        run.close(outcome(step, scope), text(step.reason(), scope));
        throw new End();
      }
      case CALL -> call(step, scope);
      case HAND_OVER -> handOver(step, scope);
      case MARK_RESPONDED -> run.markCustomerResponded();
      case CONVERSATION_ENDED -> run.conversationEnded();
      case CLEAR_WAIT -> run.clearWait();
      case WAITING_ON -> run.nowWaitingOn(WaitingOn.valueOf(text(step.on(), scope)));
      case REACH -> reached.putIfAbsent(Expressions.text(value(step.milestone(), scope)), now());
      case FIRST_VALUE -> run.recordFirstValue(now());
      case QUEUE -> pending.add(new Queued(step.steps(), new Scope(scope.locals(), false, now())));
      case SPLIT -> split(step, scope);
    }
  }

  private void email(Step step, Scope scope) {
    String template = text(step.template(), scope);
    StepResult result =
        steps.sendCustomerEmail(
            text(step.id(), scope),
            step.at() == null ? scope.moment() : time(step.at(), scope),
            template,
            definition.templateOverride(template),
            emailVars(step, scope),
            step.onCsmRequest() != null && holds(step.onCsmRequest(), scope));
    vars.put("result", result.name());
  }

  private void task(Step step, Scope scope) {
    steps.createTask(
        text(step.id(), scope),
        TaskAssignee.valueOf(text(step.assignee(), scope)),
        text(step.title(), scope),
        text(step.body(), scope),
        time(step.due(), scope),
        TaskPriority.valueOf(text(step.priority(), scope)),
        step.endsOn());
  }

  private void alert(Step step, Scope scope) {
    String template = text(step.template(), scope);
    steps.sendCsmAlert(
        text(step.id(), scope),
        TaskAssignee.valueOf(text(step.recipient(), scope)),
        template,
        definition.templateOverride(template),
        emailVars(step, scope));
  }

  private void notifyBackend(Step step, Scope scope) {
    String id = text(step.id(), scope);
    Map<String, String> data = new LinkedHashMap<>();
    if (step.data() != null) {
      step.data().forEach((k, v) -> data.put(k, text(v, scope)));
    }
    steps
        .backend(id)
        .notifyBackend(
            new BackendNotification(
                workflowId, id, context.customerId(), text(step.event(), scope), data));
  }

  private void handOver(Step step, Scope scope) {
    steps.handOverToCsm(
        text(step.id(), scope),
        text(step.title(), scope),
        Expressions.text(value(step.source(), scope)),
        step.stopped() == null ? "Automated emails have stopped." : text(step.stopped(), scope),
        scaled(step.dueIn()),
        TaskPriority.valueOf(text(step.priority(), scope)),
        step.endsOn());
  }

  /**
   * Takes the steps of the variant this customer gets in the split's experiment: a pure function of
   * customer and experiment ({@link Variants#assign}), so a replay takes the same, and no activity
   * is needed to choose. The first time the run meets the experiment it records the variant (state,
   * step log, timeline; the ledger's next write carries it).
   */
  private void split(Step step, Scope scope) {
    String experiment = step.experiment();
    String chosen = run.variantOf(experiment);
    if (chosen == null) {
      chosen = Variants.assign(context.customerId(), experiment, step.variants());
      steps.assigned(text(step.id(), scope), experiment, chosen);
    }
    for (Step.Variant variant : step.variants()) {
      if (variant.name().equals(chosen)) {
        take(variant.steps(), scope);
        return;
      }
    }
    throw new IllegalStateException("no variant " + chosen + " in experiment " + experiment);
  }

  private RunOutcome outcome(Step step, Scope scope) {
    return RunOutcome.valueOf(text(step.outcome(), scope));
  }

  private void call(Step step, Scope scope) {
    List<Step> procedure = definition.procedures().get(step.call());
    if (procedure == null) {
      throw new IllegalStateException("unknown procedure " + step.call());
    }
    Map<String, Object> locals = new HashMap<>(scope.locals());
    if (step.with() != null) {
      step.with().forEach((name, expr) -> locals.put(name, value(expr, scope)));
    }
    try {
      take(procedure, new Scope(locals, scope.handler(), scope.captured()));
    } catch (End end) {
      // The procedure is done; its caller goes on.
    }
  }

  private void compute(Step step, Scope scope) {
    switch (step.function()) {
      case "expansionFigures" -> {
        double usage = ((Number) scope.lookup("planUsage")).doubleValue();
        ExpansionFigures figures =
            steps
                .offers(text(step.id(), scope))
                .expansionFigures(new ExpansionFiguresRequest(context.customerId(), usage));
        vars.put("figures", Map.copyOf(figures.variables()));
        vars.put("nextPlan", figures.nextPlan());
        vars.put("currentPlan", figures.currentPlan());
      }
      case "usageFigures" -> {
        UsageFigures usage =
            steps
                .offers(text(step.id(), scope))
                .usageFigures(new UsageFiguresRequest(context.customerId()));
        vars.put("usageMeasured", usage.measured());
        vars.put("loginsPerWeek", (long) usage.loginsPerWeek());
        vars.put("queriesPerWeek", (long) usage.queriesPerWeek());
        vars.put("featuresUsed", (long) usage.featuresUsed());
      }
      default -> throw new IllegalStateException("unknown function " + step.function());
    }
  }

  private Map<String, String> emailVars(Step step, Scope scope) {
    Map<String, String> out = new HashMap<>();
    if (definition.emailVarsFrom() != null
        && scope.lookup(definition.emailVarsFrom()) instanceof Map<?, ?> spread) {
      spread.forEach((k, v) -> out.put(String.valueOf(k), Expressions.text(v)));
    }
    putRendered(out, definition.emailVars(), scope);
    if (step.vars() != null) {
      putRendered(out, step.vars(), scope);
    }
    return out;
  }

  private void putRendered(Map<String, String> out, Map<String, String> templates, Scope scope) {
    templates.forEach(
        (name, text) -> {
          String value = compiled.template(text).renderOrNull(scope);
          if (value != null) {
            out.put(name, value);
          }
        });
  }

  // ---- waits -----------------------------------------------------------------------------------

  private void waitStep(Step step, Scope scope) {
    Instant until = time(step.until(), scope);
    String name = text(step.id(), scope);
    WaitingOn on =
        step.on() == null ? WaitingOn.AUTOMATED_STEP : WaitingOn.valueOf(text(step.on(), scope));
    String waitingFor =
        step.waitingFor() == null ? "the scheduled step " + name : text(step.waitingFor(), scope);
    BooleanSupplier keepOn = step.keepOn() == null ? () -> true : () -> holds(step.keepOn(), scope);
    boolean due =
        step.idle() == null
            ? waitUntil(until, name, on, waitingFor, keepOn)
            : watchedWait(watch(step.idle()), until, name, on, waitingFor, keepOn, scope);
    take(due ? step.then() : step.otherwise(), scope);
  }

  /**
   * Waits for a scheduled step while watching for no progress ({@link Step.Idle}): each time the
   * watch's time comes first, the run takes the watch's steps and waits on. Steps queued by
   * handlers are taken at each wake. False once the run closed.
   */
  private boolean watchedWait(
      Step.Idle idle,
      Instant at,
      String name,
      WaitingOn on,
      String waitingFor,
      BooleanSupplier keepOn,
      Scope scope) {
    while (true) {
      Instant idleAt = holds(idle.when(), scope) ? idleAt(idle, scope) : null;
      boolean scheduled = idleAt == null || !idleAt.isBefore(at);
      String stageWhenWaiting = run.stage();
      boolean due =
          waitUntil(
              scheduled ? at : idleAt,
              scheduled ? name : text(idle.id(), scope),
              scheduled ? on : WaitingOn.valueOf(text(idle.on(), scope)),
              scheduled ? waitingFor : text(idle.waitingFor(), scope),
              () ->
                  run.stage().equals(stageWhenWaiting)
                      && pending.isEmpty()
                      && keepOn.getAsBoolean());
      if (run.isClosed()) {
        return false;
      }
      while (!pending.isEmpty() && !run.isClosed()) {
        Queued queued = pending.removeFirst();
        sequence(queued.steps(), queued.scope());
      }
      if (run.isClosed()) {
        return false;
      }
      if (due && scheduled) {
        return true;
      }
      if (due && holds(idle.when(), scope) && !now().isBefore(idleAt(idle, scope))) {
        take(idle.then(), scope);
      }
    }
  }

  private Step.Idle watch(String name) {
    Step.Idle watch = definition.watches().get(name);
    if (watch == null) {
      throw new IllegalStateException("unknown watch " + name);
    }
    return watch;
  }

  private Instant idleAt(Step.Idle idle, Scope scope) {
    return Expressions.instant(value(idle.since(), scope)).plus(scaled(idle.after()));
  }

  // ---- values ----------------------------------------------------------------------------------

  private void fact(String name, String value) {
    facts.put(name, value);
    run.fact(name, value);
  }

  private boolean holds(String condition, Scope scope) {
    return Expressions.truth(compiled.expr(condition).eval(scope), condition);
  }

  private Object value(String expression, Scope scope) {
    return compiled.expr(expression).eval(scope);
  }

  private String text(String template, Scope scope) {
    return template == null ? null : compiled.template(template).render(scope);
  }

  private Instant time(String time, Scope scope) {
    return Expressions.instant(compiled.time(time).eval(scope));
  }

  /** A playbook duration ({@code P2D}, {@code PT4H}) at the run's cadence. */
  private Duration scaled(String iso) {
    return scaled(cadence.dayLength(), Duration.parse(iso));
  }

  static Duration scaled(Duration dayLength, Duration playbookDuration) {
    return dayLength.multipliedBy(playbookDuration.toSeconds()).dividedBy(86_400);
  }

  private List<String> reachedList() {
    List<String> list = new ArrayList<>();
    for (String milestone : definition.milestones()) {
      if (reached.containsKey(milestone)) {
        list.add(milestone);
      }
    }
    return list;
  }

  /** Leaves the current sequence. */
  private static final class End extends RuntimeException {
    private static final long serialVersionUID = 1L;

    End() {
      super("end", null, false, false);
    }
  }

  private record Queued(List<Step> steps, Scope scope) {}

  /**
   * Where a step's expressions find their names: its locals (the event's fields, a procedure's
   * arguments), the run's state, variables, inputs and facts. {@code handler} says the step runs in
   * an event handler; {@code captured} is the handler's moment, for steps it handed on.
   */
  private final class Scope implements Expressions.Scope {
    private final Map<String, Object> locals;
    private final boolean handler;
    private final Instant captured;

    Scope(Map<String, Object> locals, boolean handler, Instant captured) {
      this.locals = locals;
      this.handler = handler;
      this.captured = captured;
    }

    Map<String, Object> locals() {
      return locals;
    }

    boolean handler() {
      return handler;
    }

    Instant captured() {
      return captured;
    }

    /** Now, or the handler's moment for a step it handed on. */
    Instant moment() {
      return captured != null ? captured : now();
    }

    @Override
    public Object lookup(String name) {
      if (locals.containsKey(name)) {
        return locals.get(name);
      }
      switch (name) {
        case "now" -> {
          return moment();
        }
        case "start" -> {
          return startedAt;
        }
        case "stage" -> {
          return run.stage();
        }
        case "outcome" -> {
          return run.outcome() == null ? null : run.outcome().name();
        }
        case "closed" -> {
          return run.isClosed();
        }
        case "customerResponded" -> {
          return run.customerResponded();
        }
        case "customerId" -> {
          return context.customerId();
        }
        case "csmId" -> {
          return context.csmId();
        }
        case "milestones" -> {
          return definition.milestones();
        }
        default -> {}
      }
      if (vars.containsKey(name)) {
        return vars.get(name);
      }
      if (inputs.containsKey(name)) {
        return inputs.get(name);
      }
      if (facts.containsKey(name)) {
        return facts.get(name);
      }
      return Expressions.UNDEFINED;
    }

    @Override
    public Object call(String function, List<Object> args) {
      return switch (function) {
        case "after" ->
            Expressions.instant(args.get(0)).plus(scaled(Expressions.text(args.get(1))));
        case "since" -> Duration.between(Expressions.instant(args.get(0)), moment()).toString();
        case "reached" -> reached.containsKey(Expressions.text(args.get(0)));
        case "reachedCount" -> (long) reached.size();
        case "reachedList" -> reachedList();
        case "missing" ->
            definition.milestones().stream().filter(m -> !reached.containsKey(m)).toList();
        case "reachedAt" -> reached.get(Expressions.text(args.get(0)));
        default -> Expressions.UNDEFINED;
      };
    }
  }

  /**
   * What a run starts from, computed before the frame exists (its first stage may depend on it):
   * the inputs, typed; the variables, in order.
   */
  private record Start(
      SharedDefinitions.Compiled compiled,
      Map<String, Object> inputs,
      Map<String, Object> vars,
      String initialStage) {

    static Start of(EngineInput input) {
      SharedDefinitions.Compiled compiled = SharedDefinitions.of(input.definition());
      PlaybookDefinition definition = compiled.definition();
      Map<String, Object> inputs = new HashMap<>();
      for (PlaybookDefinition.Input spec : definition.inputs()) {
        inputs.put(spec.name(), typed(spec, input.inputs().get(spec.name())));
      }
      Map<String, Object> vars = new LinkedHashMap<>();
      Instant start = Instant.ofEpochMilli(Workflow.currentTimeMillis());
      Expressions.Scope scope =
          new Expressions.Scope() {
            @Override
            public Object lookup(String name) {
              if (name.equals("start") || name.equals("now")) {
                return start;
              }
              if (name.equals("customerId")) {
                return input.context().customerId();
              }
              if (name.equals("csmId")) {
                return input.context().csmId();
              }
              if (vars.containsKey(name)) {
                return vars.get(name);
              }
              return inputs.containsKey(name) ? inputs.get(name) : Expressions.UNDEFINED;
            }

            @Override
            public Object call(String function, List<Object> args) {
              return Expressions.UNDEFINED;
            }
          };
      definition.vars().forEach((name, expr) -> vars.put(name, compiled.expr(expr).eval(scope)));
      String stage =
          definition.initialStage() == null
              ? definition.stages().get(0)
              : compiled.template(definition.initialStage()).render(scope);
      return new Start(compiled, inputs, vars, stage);
    }

    private static Object typed(PlaybookDefinition.Input spec, String value) {
      if (value == null) {
        if (Boolean.TRUE.equals(spec.required())) {
          throw new IllegalArgumentException("input " + spec.name() + " is required");
        }
        return null;
      }
      return switch (spec.type() == null ? "text" : spec.type()) {
        case "number" ->
            value.contains(".") ? (Object) Double.parseDouble(value) : Long.parseLong(value);
        case "time" -> Instant.parse(value);
        case "boolean" -> Boolean.parseBoolean(value);
        default -> value;
      };
    }
  }
}
