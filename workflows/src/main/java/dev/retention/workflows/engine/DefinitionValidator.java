package dev.retention.workflows.engine;

import dev.retention.workflows.contract.Milestone;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.StepResult;
import dev.retention.workflows.contract.WaitingOn;
import dev.retention.workflows.engine.Expressions.Binary;
import dev.retention.workflows.engine.Expressions.Call;
import dev.retention.workflows.engine.Expressions.Expr;
import dev.retention.workflows.engine.Expressions.Literal;
import dev.retention.workflows.engine.Expressions.Name;
import dev.retention.workflows.engine.Expressions.Negate;
import dev.retention.workflows.engine.Expressions.Not;
import dev.retention.workflows.engine.Expressions.Ternary;
import dev.retention.workflows.ports.TaskAssignee;
import dev.retention.workflows.ports.TaskEnding;
import dev.retention.workflows.ports.TaskPriority;
import dev.retention.workflows.ports.TemplateText;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a definition before it is stored, published or run, and names the place of each problem
 * with a JSON Pointer into its JSON form: an unknown step kind, a field a kind needs or does not
 * use, a value that is not one of its kind's (assignee, priority, outcome, stage, ...), an
 * expression that does not parse or reads a name the playbook does not have, a step nothing
 * reaches, an email without a template for one of the playbook's locales, a wait with no time, a
 * loop with no wait, more steps than the limit, a hand-over outside a handler. Pure: the templates
 * are looked up through {@link Templates}, so the engine's tests and the API share it.
 *
 * <p>The rules are described for CS leads in docs/playbook-definitions.md.
 */
public final class DefinitionValidator {

  /** How big a definition may be. */
  public record Limits(int maxSteps) {
    /** 200 steps, every nested step counted. */
    public static final Limits DEFAULT = new Limits(200);

    public Limits {
      if (maxSteps < 1) {
        throw new IllegalArgumentException("maxSteps must be at least 1");
      }
    }
  }

  /** Whether an email template exists: {@code exists("nl", "at-risk/day-3")}. */
  @FunctionalInterface
  public interface Templates {
    /** Every template exists: for checks where no template store is at hand. */
    Templates UNCHECKED = (locale, name) -> true;

    boolean exists(String locale, String name);
  }

  /** Names every scope knows: the run's own state ({@link EngineNames#BUILTINS}). */
  static final Set<String> BUILTINS = EngineNames.BUILTINS;

  /** What a run's variables and first stage may read ({@link EngineNames#AT_START}). */
  static final Set<String> START_NAMES = EngineNames.AT_START;

  /** The names a compute step sets ({@link EngineNames#COMPUTED}). */
  static final Map<String, List<String>> COMPUTED = EngineNames.COMPUTED;

  /** The health bands (the scoring module's, which this module cannot see). */
  static final List<String> HEALTH_BANDS = List.of("HEALTHY", "NEUTRAL", "AT_RISK", "CRITICAL");

  /** The event's fields each handler gives its steps ({@code event.score}). */
  static final Map<String, List<String>> EVENT_FIELDS =
      Map.of(
          "outcome", List.of("event.type", "event.note", "event.csmId"),
          "responded", List.of("event.source"),
          "health", List.of("event.score", "event.band"),
          "superseded", List.of("event.reason"),
          "milestone", List.of("event.milestone"),
          "upgraded", List.of("event.plan"));

  /** Functions over the run itself, which it answers only once it exists. */
  static final Set<String> RUN_FUNCTIONS =
      Set.of("after", "since", "reached", "reachedCount", "reachedList", "missing", "reachedAt");

  static final List<String> TRIGGER_KINDS = List.of("manual", "health-band", "event", "condition");
  static final List<String> INPUT_TYPES = List.of("number", "text", "time", "boolean");
  static final List<String> ALERT_RECIPIENTS = List.of("CSM", "MANAGER");

  private static final Pattern SLUG = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern VARIANT_NAME = Pattern.compile("[A-Za-z0-9_-]{1,40}");

  /** The most a split's weights may add up to (100 per cent in basis points). */
  static final int MAX_WEIGHT = 10_000;

  private static final Pattern TEMPLATE_NAME = Pattern.compile("[a-z0-9-]+/[a-z0-9-]+");
  private static final Pattern LOCALE_TAG = Pattern.compile("[a-z]{2,3}(-[A-Z]{2})?");
  private static final Pattern PART = Pattern.compile("\\{\\{(.*?)}}", Pattern.DOTALL);

  /** Template names worked out from a text's expressions, at most this many. */
  private static final int MAX_VALUES = 64;

  /** What a step field holds. */
  private enum Form {
    CONDITION("condition"),
    EXPRESSION("expression"),
    TEMPLATE("text"),
    TIME("time");

    private final String words;

    Form(String words) {
      this.words = words;
    }
  }

  /** Each kind's fields: those it needs, then those it may have ({@code when} is everyone's). */
  private static final Map<StepKind, List<String>> REQUIRED = new HashMap<>();

  private static final Map<StepKind, List<String>> OPTIONAL = new HashMap<>();

  static {
    fields(StepKind.EMAIL, List.of("id", "template"), List.of("at", "vars", "onCsmRequest"));
    fields(
        StepKind.TASK,
        List.of("id", "assignee", "title", "due", "priority"),
        List.of("body", "endsOn"));
    fields(StepKind.ALERT, List.of("id", "recipient", "template"), List.of("vars"));
    fields(StepKind.NOTE, List.of("id", "body"), List.of());
    fields(StepKind.TAG, List.of("tag"), List.of());
    fields(StepKind.RECORD, List.of("id", "result"), List.of("at", "detail"));
    fields(StepKind.NOTIFY, List.of("id", "event"), List.of("data"));
    fields(StepKind.COMPUTE, List.of("id", "function"), List.of());
    fields(
        StepKind.WAIT,
        List.of("id", "until"),
        List.of("on", "waitingFor", "while", "then", "else", "idle"));
    fields(StepKind.IF, List.of("when"), List.of("then", "else"));
    fields(StepKind.SET, List.of("set"), List.of());
    fields(StepKind.FACT, List.of("fact"), List.of());
    fields(StepKind.STAGE, List.of("stage"), List.of());
    for (StepKind settles : List.of(StepKind.DECIDE, StepKind.CLOSE, StepKind.EXIT)) {
      fields(settles, List.of("outcome", "reason"), List.of());
    }
    for (StepKind bare :
        List.of(
            StepKind.FINISH,
            StepKind.END,
            StepKind.MARK_RESPONDED,
            StepKind.CONVERSATION_ENDED,
            StepKind.CLEAR_WAIT,
            StepKind.FIRST_VALUE)) {
      fields(bare, List.of(), List.of());
    }
    fields(StepKind.CALL, List.of("call"), List.of("with"));
    fields(
        StepKind.HAND_OVER,
        List.of("id", "title", "source", "dueIn", "priority"),
        List.of("stopped", "endsOn"));
    fields(StepKind.WAITING_ON, List.of("on"), List.of());
    fields(StepKind.REACH, List.of("milestone"), List.of());
    fields(StepKind.QUEUE, List.of("steps"), List.of());
    fields(StepKind.SPLIT, List.of("id", "experiment", "variants"), List.of());
  }

  private static void fields(StepKind kind, List<String> required, List<String> optional) {
    REQUIRED.put(kind, required);
    OPTIONAL.put(kind, optional);
  }

  private final Templates templates;

  /**
   * A validator that looks email templates up in {@code templates}; {@link Templates#UNCHECKED}
   * skips that check.
   */
  public DefinitionValidator(Templates templates) {
    this.templates = templates == null ? Templates.UNCHECKED : templates;
  }

  /** Every problem of {@code definition}, in the order of the definition; empty when it is fine. */
  public List<DefinitionProblem> validate(PlaybookDefinition definition, Limits limits) {
    Check check = new Check(definition, limits == null ? Limits.DEFAULT : limits);
    check.run();
    return List.copyOf(check.problems);
  }

  /**
   * The email templates the definition's steps use, each with the variables its emails are given
   * (as the template editor offers them); names worked out from expressions where they can be.
   */
  public Map<String, Set<String>> templatesUsed(PlaybookDefinition definition) {
    Check check = new Check(definition, Limits.DEFAULT);
    check.run();
    Map<String, Set<String>> out = new TreeMap<>();
    check.used.forEach((name, vars) -> out.put(name, new TreeSet<>(vars)));
    return out;
  }

  /** A JSON Pointer: {@code base} and one more token, escaped (RFC 6901). */
  static String pointer(String base, Object token) {
    return base + "/" + String.valueOf(token).replace("~", "~0").replace("/", "~1");
  }

  private static String oneOf(Collection<?> values) {
    List<String> list = values.stream().map(String::valueOf).toList();
    if (list.size() <= 1) {
      return String.join("", list);
    }
    return String.join(", ", list.subList(0, list.size() - 1)) + " or " + list.get(list.size() - 1);
  }

  private static <E extends Enum<E>> List<String> constants(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
  }

  private static boolean blank(String text) {
    return text == null || text.isBlank();
  }

  /**
   * Where a step runs: the names it gets from its caller (an event's fields, a procedure's
   * arguments), each with the values it can have when those can be worked out (else null); whether
   * it runs in a handler; and the call that brought it there.
   */
  private record Context(Map<String, Set<String>> locals, boolean handler, String caller) {}

  /** A procedure's call of another, and whether a wait surely came first. */
  private record Edge(String target, String pointer, boolean waited) {}

  /** One run of the checks over one definition. */
  private final class Check {
    private final PlaybookDefinition d;
    private final Limits limits;
    private final Set<DefinitionProblem> problems = new LinkedHashSet<>();

    private final Set<String> stages = new HashSet<>();
    private final Set<String> inputs = new HashSet<>();
    private final Set<String> vars = new HashSet<>();
    private final Set<String> facts = new HashSet<>();
    private final Map<String, List<String>> assignments = new HashMap<>();
    private final Set<String> called = new HashSet<>();
    private final Set<String> watched = new HashSet<>();
    private final Map<String, List<Edge>> edges = new TreeMap<>();
    private final Set<String> visited = new HashSet<>();
    private final Set<String> experiments = new HashSet<>();
    private boolean emails;

    /** The template names the email steps use, each with the variables its emails are given. */
    private final Map<String, Set<String>> used = new TreeMap<>();

    /** The step variables of the email steps whose template name cannot be worked out. */
    private final Set<String> unknownNameVars = new TreeSet<>();

    private boolean unknownNames;
    private boolean watchedWaits;
    private int steps;

    Check(PlaybookDefinition d, Limits limits) {
      this.d = d;
      this.limits = limits;
    }

    void problem(String pointer, String message) {
      problems.add(new DefinitionProblem(pointer, message));
    }

    void run() {
      header();
      declarations();
      // First the shape of every step list, which also gathers the names set along the way.
      structure(d.steps(), "/steps", null, false);
      PlaybookDefinition.Handlers on = d.on();
      on.outcome()
          .forEach((type, list) -> structure(list, pointer("/on/outcome", type), null, false));
      structure(on.responded(), "/on/responded", null, false);
      structure(on.health(), "/on/health", null, false);
      structure(on.superseded(), "/on/superseded", null, false);
      structure(on.milestone(), "/on/milestone", null, false);
      structure(on.upgraded(), "/on/upgraded", null, false);
      d.procedures()
          .forEach(
              (name, list) -> {
                if (!IDENTIFIER.matcher(name).matches()) {
                  problem(
                      pointer("/procedures", name),
                      "a procedure's name is letters and digits, such as customerResponded");
                }
                edges.putIfAbsent(name, new ArrayList<>());
                structure(list, pointer("/procedures", name), name, false);
              });
      d.watches().forEach((name, watch) -> watchStructure(name, watch));
      // Then what each step reads, where it runs.
      topLevelNames();
      Context main = new Context(Map.of(), false, null);
      flow(d.steps(), "/steps", main);
      on.outcome()
          .forEach((type, list) -> flow(list, pointer("/on/outcome", type), handler("outcome")));
      flow(on.responded(), "/on/responded", handler("responded"));
      flow(on.health(), "/on/health", handler("health"));
      flow(on.superseded(), "/on/superseded", handler("superseded"));
      flow(on.milestone(), "/on/milestone", handler("milestone"));
      flow(on.upgraded(), "/on/upgraded", handler("upgraded"));
      unused();
      loops();
      TemplateOverrides.check(d, used, unknownNames, unknownNameVars, this::problem);
    }

    private Context handler(String event) {
      Map<String, Set<String>> locals = new HashMap<>();
      for (String field : EVENT_FIELDS.get(event)) {
        locals.put(field, null);
      }
      return new Context(locals, true, null);
    }

    // ---- the definition's own fields ----------------------------------------------------------

    private void header() {
      if (d.format() == null || d.format() != PlaybookDefinition.FORMAT) {
        problem(
            "/format",
            "the format must be "
                + PlaybookDefinition.FORMAT
                + (d.format() == null ? " (it is missing)" : ", not " + d.format()));
      }
      if (d.id() == null || !SLUG.matcher(d.id()).matches()) {
        problem(
            "/id",
            "the id must be a lowercase slug of letters, digits and dashes, such as at-risk"
                + (d.id() == null ? " (it is missing)" : ", not '" + d.id() + "'"));
      }
      if (d.version() != null && d.version() < 1) {
        problem("/version", "the version must be 1 or more");
      }
      trigger();
      entry();
      if (d.locales().isEmpty()) {
        problem("/locales", "a playbook needs at least one locale, such as en");
      }
      Set<String> locales = new HashSet<>();
      for (int i = 0; i < d.locales().size(); i++) {
        String locale = d.locales().get(i);
        if (locale == null || !LOCALE_TAG.matcher(locale).matches()) {
          problem(pointer("/locales", i), "'" + locale + "' is not a locale such as en or nl-BE");
        } else if (!locales.add(locale)) {
          problem(pointer("/locales", i), "the locale " + locale + " is listed twice");
        }
      }
    }

    private void trigger() {
      PlaybookDefinition.Trigger trigger = d.trigger();
      if (trigger == null) {
        problem("", "a playbook needs a trigger: what starts it");
        return;
      }
      if (trigger.kind() == null || !TRIGGER_KINDS.contains(trigger.kind())) {
        problem(
            "/trigger/kind",
            "'" + trigger.kind() + "' is not a trigger; use " + oneOf(TRIGGER_KINDS));
        return;
      }
      switch (trigger.kind()) {
        case "health-band" -> {
          if (trigger.band() == null || !HEALTH_BANDS.contains(trigger.band())) {
            problem(
                "/trigger/band",
                "a health-band trigger needs the band, one of " + oneOf(HEALTH_BANDS));
          }
        }
        case "event" -> {
          if (blank(trigger.event())) {
            problem("/trigger", "an event trigger needs the event type that starts a run");
          }
        }
        case "condition" -> {
          if (blank(trigger.condition())) {
            problem("/trigger", "a condition trigger needs its condition");
          } else {
            Expr condition = parse(trigger.condition(), Form.CONDITION, "/trigger/condition");
            if (condition != null) {
              for (String name : condition.names()) {
                if (!EngineNames.TRIGGER_FACTS.contains(name)) {
                  problem(
                      "/trigger/condition",
                      "a trigger's condition reads the customer's facts "
                          + oneOf(EngineNames.TRIGGER_FACTS.stream().sorted().toList())
                          + ", not '"
                          + name
                          + "'");
                }
              }
            }
          }
        }
        default -> {}
      }
      if (trigger.band() != null && !trigger.kind().equals("health-band")) {
        problem("/trigger/band", "only a health-band trigger has a band");
      }
      if (trigger.event() != null && !trigger.kind().equals("event")) {
        problem("/trigger/event", "only an event trigger has an event");
      }
      if (trigger.condition() != null && !trigger.kind().equals("condition")) {
        problem("/trigger/condition", "only a condition trigger has a condition");
      }
    }

    private void entry() {
      PlaybookDefinition.Entry entry = d.entry();
      if (entry == null) {
        return;
      }
      if (entry.cooldown() != null) {
        duration(entry.cooldown(), "/entry/cooldown");
      }
      playbookList(entry.excludedWhileRunning(), "/entry/excludedWhileRunning");
      playbookList(entry.supersedes(), "/entry/supersedes");
    }

    private void playbookList(List<String> ids, String at) {
      if (ids == null) {
        return;
      }
      for (int i = 0; i < ids.size(); i++) {
        String id = ids.get(i);
        if (id == null || !SLUG.matcher(id).matches()) {
          problem(pointer(at, i), "'" + id + "' is not a playbook id such as at-risk");
        } else if (id.equals(d.id())) {
          problem(pointer(at, i), "a playbook cannot name itself here");
        }
      }
    }

    private void declarations() {
      inputDeclarations();
      d.vars()
          .forEach(
              (name, expr) -> {
                declared(name, pointer("/vars", name), "variable");
                vars.add(name);
                assignments.computeIfAbsent(name, n -> new ArrayList<>()).add(expr);
              });
      facts.addAll(d.facts().keySet());
      stagesAndMilestones();
      for (int i = 0; i < d.finalOutcomes().size(); i++) {
        String outcome = d.finalOutcomes().get(i);
        if (!constants(RunOutcome.class).contains(outcome)) {
          problem(
              pointer("/finalOutcomes", i),
              "'" + outcome + "' is not a run outcome; use " + oneOf(constants(RunOutcome.class)));
        }
      }
      outcomes();
    }

    private void inputDeclarations() {
      for (int i = 0; i < d.inputs().size(); i++) {
        PlaybookDefinition.Input input = d.inputs().get(i);
        String at = pointer("/inputs", i);
        if (input == null || input.name() == null || !IDENTIFIER.matcher(input.name()).matches()) {
          problem(at, "an input needs a name of letters and digits, such as healthScore");
          continue;
        }
        if (BUILTINS.contains(input.name())) {
          problem(
              pointer(at, "name"), "'" + input.name() + "' is the run's own; pick another name");
        }
        if (!inputs.add(input.name())) {
          problem(pointer(at, "name"), "the input " + input.name() + " is listed twice");
        }
        if (input.type() != null && !INPUT_TYPES.contains(input.type())) {
          problem(
              pointer(at, "type"),
              "'" + input.type() + "' is not an input type; use " + oneOf(INPUT_TYPES));
        }
      }
    }

    private void stagesAndMilestones() {
      if (d.stages().isEmpty()) {
        problem("/stages", "a playbook needs at least one stage");
      }
      for (int i = 0; i < d.stages().size(); i++) {
        String stage = d.stages().get(i);
        if (blank(stage)) {
          problem(pointer("/stages", i), "a stage needs a name");
        } else if (!stages.add(stage)) {
          problem(pointer("/stages", i), "the stage " + stage + " is listed twice");
        }
      }
      Set<String> milestones = new HashSet<>();
      for (int i = 0; i < d.milestones().size(); i++) {
        String milestone = d.milestones().get(i);
        if (!constants(Milestone.class).contains(milestone)) {
          problem(
              pointer("/milestones", i),
              "'" + milestone + "' is not a milestone; use " + oneOf(constants(Milestone.class)));
        } else if (!milestones.add(milestone)) {
          problem(pointer("/milestones", i), "the milestone " + milestone + " is listed twice");
        }
      }
    }

    private void declared(String name, String at, String what) {
      if (!IDENTIFIER.matcher(name).matches()) {
        problem(at, "a " + what + "'s name is letters and digits, such as handedOver");
      } else if (BUILTINS.contains(name)) {
        problem(at, "'" + name + "' is the run's own; pick another name for the " + what);
      }
    }

    private void outcomes() {
      Set<String> types = new HashSet<>();
      for (int i = 0; i < d.outcomes().size(); i++) {
        PlaybookDefinition.OutcomeRule rule = d.outcomes().get(i);
        String at = pointer("/outcomes", i);
        if (rule == null
            || rule.type() == null
            || !constants(OutcomeType.class).contains(rule.type())) {
          problem(
              pointer(at, "type"),
              "'"
                  + (rule == null ? null : rule.type())
                  + "' is not an outcome a CSM can record; use "
                  + oneOf(constants(OutcomeType.class)));
          continue;
        }
        if (!types.add(rule.type())) {
          problem(pointer(at, "type"), "the outcome " + rule.type() + " is listed twice");
        }
        if (!d.on().outcome().containsKey(rule.type())) {
          problem(
              pointer(at, "type"),
              "a CSM may record "
                  + rule.type()
                  + " but nothing handles it: add its steps under on/outcome/"
                  + rule.type());
        }
        if (rule.when() != null) {
          parse(rule.when(), Form.CONDITION, pointer(at, "when"));
        }
      }
      d.on()
          .outcome()
          .forEach(
              (type, list) -> {
                String at = pointer("/on/outcome", type);
                if (!constants(OutcomeType.class).contains(type)) {
                  problem(
                      at,
                      "'"
                          + type
                          + "' is not an outcome a CSM can record; use "
                          + oneOf(constants(OutcomeType.class)));
                } else if (!types.contains(type)) {
                  problem(
                      at,
                      "nothing reaches these steps: a CSM cannot record "
                          + type
                          + " in this playbook (it is not under outcomes)");
                }
              });
    }

    /** What the definition's own texts read, once every set and fact step is known. */
    private void topLevelNames() {
      Set<String> known = new HashSet<>(START_NAMES);
      known.addAll(inputs);
      d.vars()
          .forEach(
              (name, expr) -> {
                String at = pointer("/vars", name);
                for (String read : namesOf(expr, Form.EXPRESSION, at)) {
                  if (!known.contains(read)) {
                    problem(at, startName(read));
                  }
                }
                Expr parsed = quietly(expr, Form.EXPRESSION);
                if (parsed != null) {
                  runFunctions(parsed, at);
                }
                known.add(name);
              });
      Set<String> startScope = new HashSet<>(known);
      startScope.addAll(d.vars().keySet());
      if (d.initialStage() != null) {
        initialStage(startScope);
      }
      if (d.emailVarsFrom() != null
          && !vars.contains(d.emailVarsFrom())
          && !inputs.contains(d.emailVarsFrom())) {
        problem(
            "/emailVarsFrom",
            "'" + d.emailVarsFrom() + "' is not a variable or input of this playbook");
      }
      templateNames();
    }

    /** The initial stage reads only what is known at the start and names one of the stages. */
    private void initialStage(Set<String> startScope) {
      for (String read : namesOf(d.initialStage(), Form.TEMPLATE, "/initialStage")) {
        if (!startScope.contains(read)) {
          problem("/initialStage", startName(read));
        }
      }
      Matcher parts = PART.matcher(d.initialStage());
      while (parts.find()) {
        Expr part = quietly(parts.group(1), Form.EXPRESSION);
        if (part != null) {
          runFunctions(part, "/initialStage");
        }
      }
      oneOfValues(
          templateValues(d.initialStage(), new Context(Map.of(), false, null)),
          d.stages(),
          "/initialStage",
          "one of this playbook's stages");
    }

    /** The facts, first step, email variables and outcome rules: parsed, then their names. */
    private void templateNames() {
      Context root = new Context(Map.of(), false, null);
      d.facts().forEach((name, text) -> parse(text, Form.TEMPLATE, pointer("/facts", name)));
      if (d.firstStep() != null) {
        parse(d.firstStep(), Form.TEMPLATE, "/firstStep");
      }
      d.emailVars()
          .forEach((name, text) -> parse(text, Form.TEMPLATE, pointer("/emailVars", name)));
      d.facts().forEach((name, text) -> names(text, Form.TEMPLATE, pointer("/facts", name), root));
      if (d.firstStep() != null) {
        names(d.firstStep(), Form.TEMPLATE, "/firstStep", root);
      }
      d.emailVars()
          .forEach((name, text) -> names(text, Form.TEMPLATE, pointer("/emailVars", name), root));
      for (int i = 0; i < d.outcomes().size(); i++) {
        PlaybookDefinition.OutcomeRule rule = d.outcomes().get(i);
        if (rule != null && rule.when() != null) {
          names(rule.when(), Form.CONDITION, pointer(pointer("/outcomes", i), "when"), root);
        }
      }
    }

    /** The run's own functions: variables and the first stage are worked out before it exists. */
    private void runFunctions(Expr expr, String at) {
      switch (expr) {
        case Call(String function, List<Expr> args) -> {
          if (RUN_FUNCTIONS.contains(function)) {
            problem(
                at,
                function
                    + "() is not known when a run starts: use it in facts or steps, not in"
                    + " variables or the first stage");
          }
          args.forEach(arg -> runFunctions(arg, at));
        }
        case Binary(String op, Expr left, Expr right) -> {
          runFunctions(left, at);
          runFunctions(right, at);
        }
        case Ternary(Expr condition, Expr then, Expr otherwise) -> {
          runFunctions(condition, at);
          runFunctions(then, at);
          runFunctions(otherwise, at);
        }
        case Not(Expr operand) -> runFunctions(operand, at);
        case Negate(Expr operand) -> runFunctions(operand, at);
        case Literal literal -> {}
        case Name name -> {}
      }
    }

    private String startName(String read) {
      return "'"
          + read
          + "' is not known when a run starts: variables and the first stage may read only "
          + "inputs, earlier variables, start, now, customerId and csmId";
    }

    // ---- the shape of each step -----------------------------------------------------------------

    private void structure(List<Step> list, String at, String procedure, boolean waited) {
      boolean ended = false;
      boolean told = false;
      boolean waitedHere = waited;
      for (int i = 0; i < list.size(); i++) {
        Step step = list.get(i);
        String here = pointer(at, i);
        if (ended && !told) {
          problem(here, "nothing reaches this step: the steps before it always end this sequence");
          told = true;
        }
        step(step, here, procedure, waitedHere);
        if (step != null && ends(step)) {
          ended = true;
        }
        if (step != null && StepKind.WAIT.id().equals(step.kind()) && step.when() == null) {
          waitedHere = true;
        }
      }
    }

    /** Whether a step always leaves its sequence (an end, an exit, or branches that all do). */
    private boolean ends(Step step) {
      StepKind kind = StepKind.of(step.kind()).orElse(null);
      if (kind == null) {
        return false;
      }
      return switch (kind) {
        case END, EXIT -> step.when() == null;
        case IF -> ends(step.then()) && ends(step.otherwise());
        case SPLIT ->
            step.when() == null
                && !step.variants().isEmpty()
                && step.variants().stream().allMatch(v -> v != null && ends(v.steps()));
        case WAIT -> step.when() == null && ends(step.then()) && ends(step.otherwise());
        default -> false;
      };
    }

    private boolean ends(List<Step> list) {
      return list.stream().anyMatch(s -> s != null && ends(s));
    }

    private void step(Step step, String at, String procedure, boolean waited) {
      steps++;
      if (steps == limits.maxSteps() + 1) {
        problem(
            at,
            "this is step "
                + steps
                + ": a playbook may have at most "
                + limits.maxSteps()
                + " steps, nested ones counted");
      }
      if (step == null) {
        problem(at, "an empty step");
        return;
      }
      StepKind kind = kindOf(step, at);
      if (kind == null) {
        return;
      }
      fieldsOf(step, kind, at);
      parseFields(step, kind, at);
      kindStructure(step, kind, at, procedure, waited);
      structure(step.then(), pointer(at, "then"), procedure, waited || kind == StepKind.WAIT);
      structure(step.otherwise(), pointer(at, "else"), procedure, waited || kind == StepKind.WAIT);
      // Queued steps run at the main thread's next wake, never at once.
      structure(step.steps(), pointer(at, "steps"), procedure, true);
    }

    /** The step's kind, or null (and a problem) when it has none or an unknown one. */
    private StepKind kindOf(Step step, String at) {
      if (blank(step.kind())) {
        problem(at, "a step needs a kind");
        return null;
      }
      StepKind kind = StepKind.of(step.kind()).orElse(null);
      if (kind == null) {
        problem(
            pointer(at, "kind"),
            Arrays.stream(StepKind.values())
                .filter(k -> k.id().equalsIgnoreCase(step.kind()))
                .findFirst()
                .map(k -> "write the kind as '" + k.id() + "'")
                .orElse(
                    "'"
                        + step.kind()
                        + "' is not a step kind; the kinds are "
                        + oneOf(Arrays.stream(StepKind.values()).map(StepKind::id).toList())));
      }
      return kind;
    }

    /** The fields a step of its kind needs, and none it does not use. */
    private void fieldsOf(Step step, StepKind kind, String at) {
      Map<String, Object> fields = fields(step);
      for (String needed : REQUIRED.get(kind)) {
        if (kind == StepKind.WAIT && needed.equals("until") && !fields.containsKey(needed)) {
          problem(
              at,
              "a wait needs 'until', the time it ends: a wait for an event with no timeout could"
                  + " wait forever");
        } else if (!fields.containsKey(needed)) {
          problem(at, article(kind) + " step needs '" + needed + "'");
        }
      }
      for (String field : fields.keySet()) {
        if (!field.equals("kind")
            && !field.equals("when")
            && !REQUIRED.get(kind).contains(field)
            && !OPTIONAL.get(kind).contains(field)) {
          problem(pointer(at, field), article(kind) + " step does not use '" + field + "'");
        }
      }
      if (kind == StepKind.IF && step.then().isEmpty() && step.otherwise().isEmpty()) {
        problem(at, "an if step needs 'then' or 'else': steps to take");
      }
    }

    /** What a step of its kind declares or calls: variables, facts, procedures, a split. */
    private void kindStructure(
        Step step, StepKind kind, String at, String procedure, boolean waited) {
      switch (kind) {
        case EMAIL -> emails = true;
        case WAIT -> waitStructure(step, at);
        case SET ->
            step.set()
                .forEach(
                    (name, expr) -> {
                      declared(name, pointer(pointer(at, "set"), name), "variable");
                      vars.add(name);
                      assignments.computeIfAbsent(name, n -> new ArrayList<>()).add(expr);
                    });
        case FACT -> facts.addAll(step.fact().keySet());
        case COMPUTE -> {
          if (step.function() != null && !COMPUTED.containsKey(step.function())) {
            problem(
                pointer(at, "function"),
                "'" + step.function() + "' is not a function; use " + oneOf(COMPUTED.keySet()));
          } else if (step.function() != null) {
            vars.addAll(COMPUTED.get(step.function()));
          }
        }
        case CALL -> {
          if (step.call() != null) {
            called.add(step.call());
            if (!d.procedures().containsKey(step.call())) {
              problem(pointer(at, "call"), "there is no procedure '" + step.call() + "'");
            } else if (procedure != null) {
              edges
                  .computeIfAbsent(procedure, p -> new ArrayList<>())
                  .add(new Edge(step.call(), pointer(at, "call"), waited));
            }
          }
        }
        case HAND_OVER -> {
          if (step.dueIn() != null) {
            duration(step.dueIn(), pointer(at, "dueIn"));
          }
        }
        case SPLIT -> splitStructure(step, at, procedure, waited);
        default -> {}
      }
    }

    /**
     * A split: an experiment named once in the definition, at least two variants, each with a
     * unique name, a weight above 0 and steps.
     */
    private void splitStructure(Step step, String at, String procedure, boolean waited) {
      if (step.experiment() != null) {
        if (!SLUG.matcher(step.experiment()).matches()) {
          problem(
              pointer(at, "experiment"),
              "an experiment's name is a lowercase slug of letters, digits and dashes, such as"
                  + " day-1-subject");
        } else if (!experiments.add(step.experiment())) {
          problem(
              pointer(at, "experiment"),
              "the experiment "
                  + step.experiment()
                  + " is already split earlier in this playbook; give each split its own"
                  + " experiment");
        }
      }
      String list = pointer(at, "variants");
      if (!step.variants().isEmpty() && step.variants().size() < 2) {
        problem(list, "a split needs at least two variants to compare");
      }
      Set<String> names = new HashSet<>();
      for (int i = 0; i < step.variants().size(); i++) {
        Step.Variant variant = step.variants().get(i);
        String here = pointer(list, i);
        if (variant == null) {
          problem(here, "an empty variant");
          continue;
        }
        if (blank(variant.name())) {
          problem(here, "a variant needs a name, such as A or B");
        } else if (!VARIANT_NAME.matcher(variant.name()).matches()) {
          problem(
              pointer(here, "name"),
              "a variant's name is up to 40 letters, digits, dashes or underscores, such as A or"
                  + " short-subject");
        } else if (!names.add(variant.name())) {
          problem(pointer(here, "name"), "the variant " + variant.name() + " is listed twice");
        }
        if (variant.weight() == null) {
          problem(here, "a variant needs a weight, a whole number above 0 such as 50");
        } else if (variant.weight() <= 0) {
          problem(
              pointer(here, "weight"),
              "a variant's weight must be above 0 (was "
                  + variant.weight()
                  + "); remove the variant to stop it");
        }
        if (variant.steps().isEmpty()) {
          problem(here, "a variant needs steps: what a run assigned to it does");
        }
        structure(variant.steps(), pointer(here, "steps"), procedure, waited);
      }
      if (step.variants().stream().filter(v -> v != null && v.weight() != null).count()
          == step.variants().size()) {
        long total = step.variants().stream().mapToLong(v -> v.weight()).sum();
        if (total > MAX_WEIGHT) {
          problem(list, "the weights add up to " + total + "; keep them at most " + MAX_WEIGHT);
        }
      }
    }

    private String article(StepKind kind) {
      String id = kind.id();
      return ("aeiou".indexOf(id.charAt(0)) >= 0 ? "an " : "a ") + id;
    }

    private void waitStructure(Step step, String at) {
      if (step.until() != null) {
        Expr until = parse(step.until(), Form.TIME, pointer(at, "until"));
        if (until instanceof Literal(Object value)) {
          if (value == null) {
            problem(
                pointer(at, "until"),
                "a wait until null never ends: give it a time such as start + P2D");
          } else if (!(value instanceof String text)) {
            problem(pointer(at, "until"), "'" + value + "' is not a time");
          } else {
            try {
              Instant.parse(text);
            } catch (DateTimeParseException e) {
              problem(pointer(at, "until"), "'" + value + "' is not a time");
            }
          }
        }
        if (until instanceof Call(String function, List<Expr> args)
            && function.equals("after")
            && args.get(1) instanceof Literal(Object after)
            && after instanceof String iso) {
          try {
            if (!Duration.parse(iso).isPositive()) {
              problem(
                  pointer(at, "until"),
                  "this wait is over before it starts: its time must come after "
                      + String.join(", ", args.get(0).names()));
            }
          } catch (DateTimeParseException e) {
            // Reported with the expression.
          }
        }
      }
      if (step.idle() != null) {
        watchedWaits = true;
        watched.add(step.idle());
        if (!d.watches().containsKey(step.idle())) {
          problem(pointer(at, "idle"), "there is no watch '" + step.idle() + "'");
        }
      }
    }

    private void watchStructure(String name, Step.Idle watch) {
      String at = pointer("/watches", name);
      if (watch == null) {
        problem(at, "an empty watch");
        return;
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("id", watch.id());
      fields.put("since", watch.since());
      fields.put("after", watch.after());
      fields.put("when", watch.when());
      fields.put("on", watch.on());
      fields.put("waitingFor", watch.waitingFor());
      fields.forEach(
          (field, value) -> {
            if (value == null) {
              problem(at, "a watch needs '" + field + "'");
            }
          });
      if (watch.id() != null) {
        parse(watch.id(), Form.TEMPLATE, pointer(at, "id"));
      }
      if (watch.since() != null) {
        parse(watch.since(), Form.EXPRESSION, pointer(at, "since"));
      }
      if (watch.after() != null) {
        duration(watch.after(), pointer(at, "after"));
      }
      if (watch.when() != null) {
        parse(watch.when(), Form.CONDITION, pointer(at, "when"));
      }
      if (watch.on() != null) {
        parse(watch.on(), Form.TEMPLATE, pointer(at, "on"));
      }
      if (watch.waitingFor() != null) {
        parse(watch.waitingFor(), Form.TEMPLATE, pointer(at, "waitingFor"));
      }
      structure(watch.then(), pointer(at, "then"), null, true);
    }

    private void parseFields(Step step, StepKind kind, String at) {
      forEachText(step, kind, at, (text, form, here) -> parse(text, form, here));
    }

    /** Each text field of a step the kind uses, with its form and place. */
    private void forEachText(Step step, StepKind kind, String at, TextVisitor visitor) {
      Map<String, Object> fields = fields(step);
      List<String> used = new ArrayList<>(REQUIRED.get(kind));
      used.addAll(OPTIONAL.get(kind));
      used.add("when");
      for (String field : used) {
        Object value = fields.get(field);
        if (value == null) {
          continue;
        }
        Form form = form(field);
        String here = pointer(at, field);
        if (value instanceof String text && form != null) {
          visitor.visit(text, form, here);
        } else if (value instanceof Map<?, ?> map) {
          Form entries =
              field.equals("set") || field.equals("with") ? Form.EXPRESSION : Form.TEMPLATE;
          for (Map.Entry<?, ?> entry : map.entrySet()) {
            visitor.visit(String.valueOf(entry.getValue()), entries, pointer(here, entry.getKey()));
          }
        }
      }
    }

    private Form form(String field) {
      return switch (field) {
        case "when", "while", "onCsmRequest" -> Form.CONDITION;
        case "source", "milestone" -> Form.EXPRESSION;
        case "at", "due", "until" -> Form.TIME;
        case "dueIn", "call", "idle", "function", "kind", "experiment" -> null;
        default -> Form.TEMPLATE;
      };
    }

    // ---- what each step reads, where it runs ----------------------------------------------------

    private void flow(List<Step> list, String at, Context context) {
      for (int i = 0; i < list.size(); i++) {
        Step step = list.get(i);
        if (step != null) {
          flowStep(step, pointer(at, i), context);
        }
      }
    }

    private void flowStep(Step step, String at, Context context) {
      StepKind kind = StepKind.of(step.kind()).orElse(null);
      if (kind == null) {
        return;
      }
      forEachText(step, kind, at, (text, form, here) -> names(text, form, here, context));
      String callNote =
          context.caller() == null ? "" : " (the call at " + context.caller() + " is not in one)";
      switch (kind) {
        case EMAIL -> template(step, pointer(at, "template"), context);
        case ALERT -> alertFlow(step, at, context);
        case TASK -> taskFlow(step, at, context);
        case RECORD ->
            oneOfValues(
                templateValues(step.result(), context),
                constants(StepResult.class),
                pointer(at, "result"),
                "a step result");
        case STAGE ->
            oneOfValues(
                templateValues(step.stage(), context),
                d.stages(),
                pointer(at, "stage"),
                "one of this playbook's stages");
        case DECIDE, CLOSE, EXIT -> outcomeFlow(step, at, context);
        case WAIT -> waitFlow(step, at, context, callNote);
        case WAITING_ON ->
            oneOfValues(
                templateValues(step.on(), context),
                constants(WaitingOn.class),
                pointer(at, "on"),
                "who a wait is on");
        case HAND_OVER -> handOverFlow(step, at, context, callNote);
        case QUEUE -> queueFlow(at, context, callNote);
        case REACH -> reachFlow(step, at, context);
        case COMPUTE -> {
          if ("expansionFigures".equals(step.function()) && !known("planUsage", context)) {
            problem(
                pointer(at, "function"),
                "expansionFigures reads planUsage, which this playbook does not have (add it as"
                    + " an input)");
          }
        }
        case CALL -> callFlow(step, at, context);
        case SPLIT -> splitFlow(step, at, context);
        default -> {}
      }
      flow(step.then(), pointer(at, "then"), context);
      flow(step.otherwise(), pointer(at, "else"), context);
      flow(
          step.steps(),
          pointer(at, "steps"),
          new Context(context.locals(), false, context.caller()));
    }

    private void alertFlow(Step step, String at, Context context) {
      template(step, pointer(at, "template"), context);
      oneOfValues(
          templateValues(step.recipient(), context),
          ALERT_RECIPIENTS,
          pointer(at, "recipient"),
          "an alert's recipient");
    }

    private void taskFlow(Step step, String at, Context context) {
      endsOn(step, at, d);
      oneOfValues(
          templateValues(step.assignee(), context),
          constants(TaskAssignee.class),
          pointer(at, "assignee"),
          "an assignee");
      oneOfValues(
          templateValues(step.priority(), context),
          constants(TaskPriority.class),
          pointer(at, "priority"),
          "a priority");
    }

    private void reachFlow(Step step, String at, Context context) {
      Expr milestone = quietly(step.milestone(), Form.EXPRESSION);
      if (milestone != null) {
        oneOfValues(
            values(milestone, context, new HashSet<>()),
            d.milestones(),
            pointer(at, "milestone"),
            "one of this playbook's milestones");
      }
    }

    private void splitFlow(Step step, String at, Context context) {
      for (int i = 0; i < step.variants().size(); i++) {
        Step.Variant variant = step.variants().get(i);
        if (variant != null) {
          flow(variant.steps(), pointer(pointer(pointer(at, "variants"), i), "steps"), context);
        }
      }
    }

    private void outcomeFlow(Step step, String at, Context context) {
      Set<String> values = templateValues(step.outcome(), context);
      if (oneOfValues(values, constants(RunOutcome.class), pointer(at, "outcome"), "a run outcome")
          && values != null
          && !d.finalOutcomes().isEmpty()) {
        oneOfValues(
            values,
            d.finalOutcomes(),
            pointer(at, "outcome"),
            "one of this playbook's final outcomes");
      }
    }

    private void waitFlow(Step step, String at, Context context, String callNote) {
      if (context.handler()) {
        problem(
            at,
            "a handler cannot wait: it answers an event at once; put waits in the main steps"
                + callNote);
      }
      if (step.on() != null) {
        oneOfValues(
            templateValues(step.on(), context),
            constants(WaitingOn.class),
            pointer(at, "on"),
            "who a wait is on");
      }
      if (step.idle() != null && d.watches().get(step.idle()) != null) {
        watchFlow(step.idle(), context);
      }
    }

    private void handOverFlow(Step step, String at, Context context, String callNote) {
      endsOn(step, at, d);
      if (!context.handler()) {
        problem(
            at,
            "a handOver step belongs in a handler (under on:), where the customer's answer"
                + " arrives"
                + callNote);
      }
      oneOfValues(
          templateValues(step.priority(), context),
          constants(TaskPriority.class),
          pointer(at, "priority"),
          "a priority");
    }

    private void queueFlow(String at, Context context, String callNote) {
      if (!context.handler()) {
        problem(
            at,
            "a queue step belongs in a handler (under on:): it hands steps to the main"
                + " steps"
                + callNote);
      } else if (!watchedWaits) {
        // The engine takes queued steps at the wakes of waits that keep a watch.
        problem(
            at,
            "queued steps are taken only while the main steps wait with a watch (idle:);"
                + " this playbook has no such wait, so they would never run");
      }
    }

    private void callFlow(Step step, String at, Context context) {
      List<Step> procedure = d.procedures().get(step.call());
      if (procedure == null) {
        return;
      }
      Map<String, Set<String>> locals = new HashMap<>(context.locals());
      if (step.with() != null) {
        step.with()
            .forEach(
                (name, text) -> {
                  Expr expr = quietly(text, Form.EXPRESSION);
                  locals.put(name, expr == null ? null : values(expr, context, new HashSet<>()));
                });
      }
      String key = "procedure " + step.call() + context.handler() + new TreeMap<>(locals);
      if (visited.add(key)) {
        flow(
            procedure,
            pointer("/procedures", step.call()),
            new Context(locals, context.handler(), pointer(at, "call")));
      }
    }

    private void watchFlow(String name, Context context) {
      Step.Idle watch = d.watches().get(name);
      String key = "watch " + name + context.handler() + new TreeMap<>(context.locals());
      if (!visited.add(key)) {
        return;
      }
      String at = pointer("/watches", name);
      if (watch.id() != null) {
        names(watch.id(), Form.TEMPLATE, pointer(at, "id"), context);
      }
      if (watch.since() != null) {
        names(watch.since(), Form.EXPRESSION, pointer(at, "since"), context);
      }
      if (watch.when() != null) {
        names(watch.when(), Form.CONDITION, pointer(at, "when"), context);
      }
      if (watch.on() != null) {
        names(watch.on(), Form.TEMPLATE, pointer(at, "on"), context);
        oneOfValues(
            templateValues(watch.on(), context),
            constants(WaitingOn.class),
            pointer(at, "on"),
            "who a wait is on");
      }
      if (watch.waitingFor() != null) {
        names(watch.waitingFor(), Form.TEMPLATE, pointer(at, "waitingFor"), context);
      }
      flow(watch.then(), pointer(at, "then"), context);
    }

    /** An email's or alert's template: a file for every locale, where its name can be known. */
    private void template(Step step, String at, Context context) {
      String text = step.template();
      if (text == null) {
        return;
      }
      Set<String> stepVars = step.vars() == null ? Set.of() : step.vars().keySet();
      // A name with expressions whose values cannot be worked out is checked when it is sent.
      Set<String> values = templateValues(text, context);
      if (values == null) {
        unknownNames = true;
        unknownNameVars.addAll(stepVars);
        return;
      }
      for (String name : new TreeSet<>(values)) {
        if (!TEMPLATE_NAME.matcher(name).matches()) {
          problem(at, "'" + name + "' is not a template name such as at-risk/day-3");
          continue;
        }
        used.computeIfAbsent(name, n -> TemplateOverrides.offered(d, Set.of())).addAll(stepVars);
        Map<String, TemplateText> override = d.templateOverride(name);
        for (String locale : d.locales()) {
          if (locale != null
              && (override == null || override.get(locale) == null)
              && !templates.exists(locale, name)) {
            problem(
                at,
                "there is no "
                    + locale
                    + " template '"
                    + name
                    + "', and "
                    + locale
                    + " is one of this playbook's locales");
          }
        }
      }
    }

    /** True unless a value that can be worked out is not one of {@code allowed}. */
    private boolean oneOfValues(
        Set<String> values, Collection<String> allowed, String at, String what) {
      if (values == null) {
        return true;
      }
      boolean fine = true;
      for (String value : new TreeSet<>(values)) {
        if (!allowed.contains(value)) {
          problem(at, "'" + value + "' is not " + what + "; use " + oneOf(allowed));
          fine = false;
        }
      }
      return fine;
    }

    // ---- names ---------------------------------------------------------------------------------

    private void names(String text, Form form, String at, Context context) {
      for (String name : namesOf(text, form, null)) {
        if (!known(name, context)) {
          problem(at, unknown(name, context));
        }
      }
    }

    private boolean known(String name, Context context) {
      return context.locals().containsKey(name)
          || BUILTINS.contains(name)
          || vars.contains(name)
          || inputs.contains(name)
          || facts.contains(name)
          || (name.equals("result") && emails);
    }

    private String unknown(String name, Context context) {
      if (context.caller() != null) {
        return "'"
            + name
            + "' is not an input, variable or fact of this playbook, and the call at "
            + context.caller()
            + " does not pass it";
      }
      if (name.startsWith("event.")) {
        List<String> fields =
            context.locals().keySet().stream()
                .filter(n -> n.startsWith("event."))
                .sorted()
                .toList();
        return fields.isEmpty()
            ? "'" + name + "' is known only in a handler (under on:), about its event"
            : "'" + name + "' is not part of this event; this handler has " + oneOf(fields);
      }
      return "'" + name + "' is not an input, variable or fact of this playbook";
    }

    /** The names a text reads; none when it does not parse (that is reported once, elsewhere). */
    private Set<String> namesOf(String text, Form form, String at) {
      if (form == Form.TEMPLATE) {
        try {
          return Template.parse(text).names();
        } catch (Expressions.SyntaxError e) {
          if (at != null) {
            problem(at, "this " + form.words + " does not parse: " + e.getMessage());
          }
          return Set.of();
        }
      }
      Expr expr = at == null ? quietly(text, form) : parse(text, form, at);
      return expr == null ? Set.of() : expr.names();
    }

    // ---- parsing
    // ---------------------------------------------------------------------------------

    /** Parses a text and checks its literals; reports a syntax error at {@code at}. */
    private Expr parse(String text, Form form, String at) {
      try {
        if (form == Form.TEMPLATE) {
          Matcher m = PART.matcher(text);
          while (m.find()) {
            literals(Expressions.parse(m.group(1)), at);
          }
          Template.parse(text);
          return null;
        }
        if (blank(text)) {
          problem(at, "this " + form.words + " is empty");
          return null;
        }
        Expr expr = form == Form.TIME ? Template.time(text) : Expressions.parse(text);
        literals(expr, at);
        return expr;
      } catch (Expressions.SyntaxError e) {
        problem(at, "this " + form.words + " does not parse: " + e.getMessage());
        return null;
      }
    }

    private Expr quietly(String text, Form form) {
      try {
        return form == Form.TIME ? Template.time(text) : Expressions.parse(text);
      } catch (Expressions.SyntaxError e) {
        return null;
      }
    }

    private void duration(String iso, String at) {
      try {
        if (!Duration.parse(iso).isPositive()) {
          problem(at, "'" + iso + "' must be longer than nothing");
        }
      } catch (DateTimeParseException e) {
        problem(at, "'" + iso + "' is not a duration such as P2D (2 days) or PT4H (4 hours)");
      }
    }

    /** Literals an expression compares names with, and the durations it adds. */
    private void literals(Expr expr, String at) {
      switch (expr) {
        case Binary(String op, Expr left, Expr right) -> {
          if (op.equals("==") || op.equals("!=")) {
            compared(left, right, at);
            compared(right, left, at);
          }
          literals(left, at);
          literals(right, at);
        }
        case Call(String function, List<Expr> args) -> {
          if ((function.equals("reached") || function.equals("reachedAt"))
              && args.get(0) instanceof Literal(Object value)
              && value instanceof String milestone
              && !d.milestones().contains(milestone)) {
            problem(
                at,
                "'"
                    + milestone
                    + "' is not one of this playbook's milestones; use "
                    + oneOf(d.milestones()));
          }
          if (function.equals("after")
              && args.get(1) instanceof Literal(Object value)
              && value instanceof String iso) {
            try {
              Duration.parse(iso);
            } catch (DateTimeParseException e) {
              problem(at, "'" + iso + "' is not a duration such as P2D (2 days) or PT4H (4 hours)");
            }
          }
          args.forEach(arg -> literals(arg, at));
        }
        case Ternary(Expr condition, Expr then, Expr otherwise) -> {
          literals(condition, at);
          literals(then, at);
          literals(otherwise, at);
        }
        case Not(Expr operand) -> literals(operand, at);
        case Negate(Expr operand) -> literals(operand, at);
        case Literal literal -> {}
        case Name name -> {}
      }
    }

    private void compared(Expr one, Expr other, String at) {
      if (!(one instanceof Name(String name))
          || !(other instanceof Literal(Object value))
          || !(value instanceof String text)) {
        return;
      }
      switch (name) {
        case "stage" -> {
          if (!stages.contains(text)) {
            problem(
                at,
                "'" + text + "' is not one of this playbook's stages; use " + oneOf(d.stages()));
          }
        }
        case "outcome" -> known(text, constants(RunOutcome.class), at, "a run outcome");
        case "result" -> known(text, constants(StepResult.class), at, "a step result");
        case "event.type" -> known(text, constants(OutcomeType.class), at, "an outcome type");
        case "event.band" -> known(text, HEALTH_BANDS, at, "a health band");
        case "event.milestone" ->
            known(text, d.milestones(), at, "one of this playbook's milestones");
        default -> {}
      }
    }

    private void known(String value, Collection<String> allowed, String at, String what) {
      if (!allowed.contains(value)) {
        problem(at, "'" + value + "' is not " + what + "; use " + oneOf(allowed));
      }
    }

    // ---- values that can be worked out -------------------------------------------------------

    /** Every text a template can give, or null when that cannot be worked out. */
    private Set<String> templateValues(String text, Context context) {
      if (text == null) {
        return null;
      }
      Set<String> out = new LinkedHashSet<>(List.of(""));
      Matcher m = PART.matcher(text);
      int last = 0;
      try {
        while (m.find()) {
          out = append(out, Set.of(text.substring(last, m.start())));
          Set<String> values = values(Expressions.parse(m.group(1)), context, new HashSet<>());
          if (values == null) {
            return null;
          }
          out = append(out, values);
          if (out.size() > MAX_VALUES) {
            return null;
          }
          last = m.end();
        }
      } catch (Expressions.SyntaxError e) {
        return null;
      }
      return append(out, Set.of(text.substring(last)));
    }

    private Set<String> append(Set<String> heads, Set<String> tails) {
      Set<String> out = new LinkedHashSet<>();
      for (String head : heads) {
        for (String tail : tails) {
          out.add(head + tail);
        }
      }
      return out;
    }

    /** Every text an expression can give, or null when that cannot be worked out. */
    private Set<String> values(Expr expr, Context context, Set<String> seen) {
      return switch (expr) {
        case Literal(Object value) -> value instanceof String text ? Set.of(text) : null;
        case Ternary(Expr condition, Expr then, Expr otherwise) ->
            either(values(then, context, seen), values(otherwise, context, seen));
        case Call(String function, List<Expr> args)
            when function.equals("lower") || function.equals("upper") || function.equals("kebab") ->
            cased(function, values(args.get(0), context, seen));
        case Name(String name) -> named(name, context, seen);
        default -> null;
      };
    }

    private Set<String> either(Set<String> a, Set<String> b) {
      if (a == null || b == null) {
        return null;
      }
      Set<String> both = new LinkedHashSet<>(a);
      both.addAll(b);
      return both;
    }

    private Set<String> cased(String function, Set<String> inner) {
      if (inner == null) {
        return null;
      }
      Set<String> out = new LinkedHashSet<>();
      for (String value : inner) {
        String lower = value.toLowerCase(Locale.ROOT);
        out.add(
            switch (function) {
              case "lower" -> lower;
              case "upper" -> value.toUpperCase(Locale.ROOT);
              default -> lower.replace('_', '-');
            });
      }
      return out;
    }

    /** A local's values, or those of every value a variable is given (set steps included). */
    private Set<String> named(String name, Context context, Set<String> seen) {
      if (context.locals().containsKey(name)) {
        return context.locals().get(name);
      }
      if (BUILTINS.contains(name)
          || inputs.contains(name)
          || !assignments.containsKey(name)
          || !seen.add(name)) {
        return null;
      }
      Set<String> out = new LinkedHashSet<>();
      Context empty = new Context(Map.of(), false, null);
      for (String assigned : assignments.get(name)) {
        Expr value = quietly(assigned, Form.EXPRESSION);
        Set<String> some = value == null ? null : values(value, empty, seen);
        if (some == null) {
          return null;
        }
        out.addAll(some);
      }
      return out;
    }

    // ---- what nothing reaches, and loops -------------------------------------------------------

    private void unused() {
      for (String name : d.procedures().keySet()) {
        if (!called.contains(name)) {
          problem(pointer("/procedures", name), "nothing calls the procedure '" + name + "'");
        }
      }
      for (String name : d.watches().keySet()) {
        if (!watched.contains(name)) {
          problem(
              pointer("/watches", name),
              "no wait keeps the watch '" + name + "' (a wait names it with idle: " + name + ")");
        }
      }
    }

    /** A procedure that calls itself, directly or through others, with no wait in between. */
    private void loops() {
      Set<String> done = new HashSet<>();
      for (String start : edges.keySet()) {
        loops(start, new ArrayList<>(), done);
      }
    }

    private void loops(String procedure, List<String> path, Set<String> done) {
      if (done.contains(procedure)) {
        return;
      }
      path.add(procedure);
      for (Edge edge : edges.getOrDefault(procedure, List.of())) {
        if (edge.waited()) {
          continue;
        }
        int at = path.indexOf(edge.target());
        if (at >= 0) {
          List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
          cycle.add(edge.target());
          problem(
              edge.pointer(),
              "a loop with no wait: "
                  + String.join(" → ", cycle)
                  + " calls itself at once, so the run would never stop; put a wait before this"
                  + " call");
        } else {
          loops(edge.target(), path, done);
        }
      }
      path.remove(path.size() - 1);
      done.add(procedure);
    }

    /**
     * A task's ending names outcomes this playbook can end with, and says something: an empty one
     * would leave the task open as if it were not there.
     */
    private void endsOn(Step step, String at, PlaybookDefinition d) {
      TaskEnding ending = step.endsOn();
      if (ending == null) {
        return;
      }
      if (ending.steps().isEmpty() && ending.outcomes().isEmpty() && !ending.moot()) {
        problem(
            pointer(at, "endsOn"),
            "endsOn needs steps, outcomes or obsoleteWhenDecided: true; leave it out when a person"
                + " closes the task");
      }
      for (int i = 0; i < ending.outcomes().size(); i++) {
        String outcome = ending.outcomes().get(i);
        if (!d.finalOutcomes().contains(outcome)) {
          problem(
              pointer(pointer(pointer(at, "endsOn"), "outcomes"), Integer.toString(i)),
              "'"
                  + outcome
                  + "' is not one of this playbook's final outcomes "
                  + d.finalOutcomes());
        }
      }
    }
  }

  @FunctionalInterface
  private interface TextVisitor {
    void visit(String text, Form form, String pointer);
  }

  /** A step's fields that are set, by their names in a definition. */
  private static Map<String, Object> fields(Step step) {
    Map<String, Object> fields = new LinkedHashMap<>();
    put(fields, "kind", step.kind());
    put(fields, "id", step.id());
    put(fields, "when", step.when());
    put(fields, "template", step.template());
    put(fields, "vars", step.vars());
    put(fields, "at", step.at());
    put(fields, "title", step.title());
    put(fields, "body", step.body());
    put(fields, "assignee", step.assignee());
    put(fields, "priority", step.priority());
    put(fields, "due", step.due());
    put(fields, "dueIn", step.dueIn());
    put(fields, "recipient", step.recipient());
    put(fields, "tag", step.tag());
    put(fields, "result", step.result());
    put(fields, "detail", step.detail());
    put(fields, "until", step.until());
    put(fields, "on", step.on());
    put(fields, "waitingFor", step.waitingFor());
    put(fields, "while", step.keepOn());
    put(fields, "then", step.then());
    put(fields, "else", step.otherwise());
    put(fields, "stage", step.stage());
    put(fields, "outcome", step.outcome());
    put(fields, "reason", step.reason());
    put(fields, "set", step.set());
    put(fields, "fact", step.fact());
    put(fields, "call", step.call());
    put(fields, "with", step.with());
    put(fields, "source", step.source());
    put(fields, "stopped", step.stopped());
    put(fields, "onCsmRequest", step.onCsmRequest());
    put(fields, "event", step.event());
    put(fields, "data", step.data());
    put(fields, "function", step.function());
    put(fields, "idle", step.idle());
    put(fields, "milestone", step.milestone());
    put(fields, "steps", step.steps());
    put(fields, "endsOn", step.endsOn());
    put(fields, "experiment", step.experiment());
    put(fields, "variants", step.variants());
    return fields;
  }

  private static void put(Map<String, Object> fields, String name, Object value) {
    boolean empty =
        value == null
            || (value instanceof Collection<?> c && c.isEmpty())
            || (value instanceof Map<?, ?> m && m.isEmpty());
    if (!empty) {
      fields.put(name, value);
    }
  }
}
