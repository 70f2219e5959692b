package dev.retention.api.console;

import dev.retention.api.customers.Customers;
import dev.retention.api.events.CustomerEvents;
import dev.retention.api.input.Ids;
import dev.retention.api.playbooks.PlaybookClient;
import dev.retention.api.playbooks.PlaybookRuns;
import dev.retention.api.playbooks.PlaybookStarts;
import dev.retention.api.playbooks.RunOutcomes;
import dev.retention.api.playbooks.RunView;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Access;
import dev.retention.data.console.ConsoleReads;
import dev.retention.data.crm.CrmTasks;
import dev.retention.data.crm.TaskQueue;
import dev.retention.data.customers.Customer;
import dev.retention.data.ledger.RunProjection;
import dev.retention.data.scoring.HealthScoring;
import dev.retention.workflows.common.OutcomeType;
import dev.retention.workflows.common.WaitingOn;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The CSM's pages: My work, the customer list, a customer, a run. Every page reads through the same
 * services as the API and checks ownership through {@link Access} first, so a CSM sees and acts on
 * their own portfolio only. Outcomes are the run's validated Update; a rejection comes back into
 * the same place as the buttons.
 */
@Controller
@Hidden
@RequestMapping("/console")
class ConsoleController {

  /** How many running runs My work asks Temporal about (in parallel) for what they wait on. */
  static final int WAITING_RUNS = 12;

  static final int PAGE_SIZE = 50;

  static final int MY_TASKS = 50;

  private final PlaybookRuns runs;
  private final PlaybookClient client;
  private final RunOutcomes outcomes;
  private final Customers customers;
  private final PlaybookStarts starts;
  private final CustomerEvents events;
  private final Access access;
  private final ConsoleReads reads;
  private final HealthScoring scoring;
  private final RunProjection projection;
  private final CrmTasks tasks;
  private final TaskQueue queue;
  private final MessageSource messages;
  private final ConsoleWords words;
  private final Clock clock;
  private final ConsoleCustomerWork customerWork;
  private final dev.retention.data.customers.CustomerDirectory directory;

  ConsoleController(
      PlaybookRuns runs,
      PlaybookClient client,
      RunOutcomes outcomes,
      Customers customers,
      PlaybookStarts starts,
      CustomerEvents events,
      Access access,
      ConsoleReads reads,
      HealthScoring scoring,
      RunProjection projection,
      CrmTasks tasks,
      TaskQueue queue,
      MessageSource messages,
      ConsoleWords words,
      Clock clock,
      ConsoleCustomerWork customerWork,
      dev.retention.data.customers.CustomerDirectory directory) {
    this.words = words;
    this.customerWork = customerWork;
    this.directory = directory;
    this.runs = runs;
    this.client = client;
    this.outcomes = outcomes;
    this.customers = customers;
    this.starts = starts;
    this.events = events;
    this.access = access;
    this.reads = reads;
    this.scoring = scoring;
    this.projection = projection;
    this.tasks = tasks;
    this.queue = queue;
    this.messages = messages;
    this.clock = clock;
  }

  /** A run as a card: what it waits for and the outcomes it allows now; error when refused. */
  public record RunCard(
      String workflowId,
      String playbook,
      String customerId,
      String customerName,
      String status,
      String stage,
      String outcome,
      String waitingFor,
      WaitingOn waitingOn,
      List<OutcomeType> allowedOutcomes,
      String nextStep,
      java.time.Instant nextStepAt,
      String error,
      String notice) {

    public boolean running() {
      return "RUNNING".equals(status);
    }

    /**
     * Whether the next step's time is a person's deadline: only then is a countdown past it late.
     * The time of an automated step (or the customer's) passing means it is being taken now.
     */
    public boolean deadlineOfPerson() {
      return waitingOn == WaitingOn.CSM;
    }

    static RunCard of(RunView v, String customerName, String error, String notice) {
      return new RunCard(
          v.workflowId(),
          v.playbook(),
          v.customerId(),
          customerName,
          v.status(),
          v.stage(),
          v.outcome(),
          v.waitingFor(),
          v.waitingOn(),
          v.allowedOutcomes() == null ? List.of() : v.allowedOutcomes(),
          v.nextStep() == null ? null : v.nextStep().step(),
          v.nextStep() == null ? null : v.nextStep().at(),
          error,
          notice);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // My work
  // ---------------------------------------------------------------------------------------------

  @GetMapping
  String myWork(Model model) {
    List<String> visible = access.visibleCsmIds().orElse(null);
    model.addAttribute("tasks", myTasks(visible));
    model.addAttribute("snoozes", ConsoleTasksController.SNOOZE_ORDER);
    model.addAttribute("now", clock.instant());
    return "console/my-work";
  }

  /**
   * The runs that wait on me, loaded by My work once it has shown: asking Temporal for each run's
   * live state (a query may replay a run's history) must not hold up the tasks.
   */
  @GetMapping("/work/runs")
  String waitingRuns(Model model) {
    List<String> visible = access.visibleCsmIds().orElse(null);
    model.addAttribute(
        "waiting", waitingOnPeople(reads.runsWaitingOnPeople(visible, WAITING_RUNS)));
    model.addAttribute("now", clock.instant());
    return "console/fragments :: waiting";
  }

  /** My open tasks (assigned to my address), urgent first, then by due time: overdue on top. */
  private List<ConsoleTask> myTasks(List<String> visible) {
    String email = dev.retention.api.security.Callers.require().email();
    if (email == null) {
      return List.of();
    }
    List<TaskQueue.Task> open =
        queue
            .list(
                new TaskQueue.Query(email, null, TaskQueue.State.OPEN, null, visible, 0, MY_TASKS))
            .items();
    var names = reads.customerNames(open.stream().map(TaskQueue.Task::customerId).toList());
    return open.stream()
        .map(t -> ConsoleTask.of(t, names.getOrDefault(t.customerId(), t.customerId())))
        .toList();
  }

  /**
   * The live state of each running run (Temporal queries, in parallel): those whose current wait is
   * on the CSM. A run waiting for its next automated step, or for the customer, is not listed, even
   * when it would take an outcome now (its tasks are on the task list).
   */
  private List<RunCard> waitingOnPeople(List<ConsoleReads.RunLine> running) {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Optional<RunCard>>> cards =
          running.stream()
              .map(
                  line ->
                      pool.submit(
                          () -> {
                            try {
                              var state = client.state(line.workflowId());
                              if (state.waitingOn() != WaitingOn.CSM) {
                                return Optional.<RunCard>empty();
                              }
                              return Optional.of(
                                  new RunCard(
                                      state.workflowId(),
                                      state.playbook(),
                                      state.customerId(),
                                      line.customerName(),
                                      "RUNNING",
                                      state.stage(),
                                      null,
                                      state.waitingFor(),
                                      state.waitingOn(),
                                      state.allowedOutcomes(),
                                      state.nextStep() == null ? null : state.nextStep().step(),
                                      state.nextStep() == null ? null : state.nextStep().at(),
                                      null,
                                      null));
                            } catch (RuntimeException e) {
                              // Closed a moment ago, or unknown to this Temporal service.
                              return Optional.<RunCard>empty();
                            }
                          }))
              .toList();
      return cards.stream()
          .map(
              f -> {
                try {
                  return f.get();
                } catch (Exception e) {
                  return Optional.<RunCard>empty();
                }
              })
          .flatMap(Optional::stream)
          .toList();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Customers
  // ---------------------------------------------------------------------------------------------

  @GetMapping("/customers")
  String customers(
      @RequestParam(required = false) String band,
      @RequestParam(required = false) String csm,
      @RequestParam(required = false) String playbook,
      @RequestParam(defaultValue = "RISK") String sort,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(required = false) String q,
      @RequestParam(defaultValue = "false") boolean uncovered,
      @org.springframework.web.bind.annotation.RequestHeader(name = "HX-Request", required = false)
          String htmx,
      @org.springframework.web.bind.annotation.RequestHeader(name = "HX-Target", required = false)
          String target,
      Model model) {
    List<String> visible = access.visibleCsmIds().orElse(null);
    String bandFilter = oneOf(band, List.of("HEALTHY", "NEUTRAL", "AT_RISK", "CRITICAL"));
    String playbookFilter = oneOf(playbook, starts.startable());
    List<ConsoleReads.CsmLine> csms = reads.csms(visible);
    String csmFilter = oneOf(csm, csms.stream().map(ConsoleReads.CsmLine::id).toList());
    ConsoleReads.Sort order =
        Arrays.stream(ConsoleReads.Sort.values())
            .filter(s -> s.name().equals(sort))
            .findFirst()
            .orElse(ConsoleReads.Sort.RISK);
    int pageNumber = Math.max(0, Math.min(page, 10_000));
    // A search is one line of at most 200 characters: control characters become spaces.
    String cleaned = q == null ? "" : q.replaceAll("[\\p{Cntrl}\\u2028\\u2029]", " ").strip();
    String query = cleaned.isEmpty() ? null : cleaned.substring(0, Math.min(cleaned.length(), 200));
    ConsoleReads.CustomerPage result =
        reads.customers(
            new ConsoleReads.CustomerFilter(
                visible, bandFilter, csmFilter, playbookFilter, order, query, uncovered),
            pageNumber,
            PAGE_SIZE);
    model.addAttribute("result", result);
    model.addAttribute("csms", csms);
    model.addAttribute("band", bandFilter);
    model.addAttribute("csm", csmFilter);
    model.addAttribute("playbook", playbookFilter);
    model.addAttribute("sort", order.name());
    model.addAttribute("playbooks", starts.startable());
    model.addAttribute("lastPage", Math.max(0, (result.total() - 1) / PAGE_SIZE));
    model.addAttribute("q", query == null ? "" : query);
    model.addAttribute("uncovered", uncovered);
    model.addAttribute("admin", dev.retention.api.security.Callers.require().isAdmin());
    // The search box asks for the results only, as the person types.
    return htmx != null && "customer-results".equals(target)
        ? "console/customers :: results"
        : "console/customers";
  }

  @GetMapping("/customers/{customerId}")
  String customer(@PathVariable String customerId, Model model) {
    Customer customer = owned(customerId);
    var history = reads.healthHistory(customer.id(), 200);
    model.addAttribute("customer", customer);
    model.addAttribute("health", scoring.latest(customer.id()).orElse(null));
    model.addAttribute("history", history);
    model.addAttribute("healthChart", Charts.health(history, msg(), words));
    model.addAttribute("timeline", customerWork.timeline(customer.id(), 100));
    model.addAttribute("commercials", directory.commercials(customer.id()));
    customerWork.notesModel(customer, model);
    model.addAttribute("emails", reads.emails(customer.id(), 50));
    model.addAttribute("runs", projection.list(customer.id(), null, null, 50));
    model.addAttribute("tasks", tasks.forCustomer(customer.id()));
    model.addAttribute("playbooks", starts.startable());
    model.addAttribute("now", clock.instant());
    return "console/customer";
  }

  @PostMapping("/customers/{customerId}/playbooks")
  String start(
      @PathVariable String customerId,
      @RequestParam String playbook,
      @RequestParam(required = false) String reason,
      RedirectAttributes redirect) {
    Customer customer = owned(customerId);
    try {
      PlaybookClient.Started started = starts.byHand(playbook, customer.id(), blankToNull(reason));
      return "redirect:/console/runs/" + started.workflowId();
    } catch (ApiProblem problem) {
      redirect.addFlashAttribute("error", words.rejection(problem.getMessage()));
      return "redirect:/console/customers/" + customer.id();
    }
  }

  @PostMapping("/customers/{customerId}/replied")
  String replied(@PathVariable String customerId, RedirectAttributes redirect) {
    Customer customer = owned(customerId);
    List<String> informed = events.customerReplied(customer, "csm").workflowIds();
    redirect.addFlashAttribute(
        "notice",
        messages.getMessage(
            "customer.replied.done",
            new Object[] {informed.isEmpty() ? "–" : String.join(", ", informed)},
            LocaleContextHolder.getLocale()));
    return "redirect:/console/customers/" + customer.id();
  }

  // ---------------------------------------------------------------------------------------------
  // Runs
  // ---------------------------------------------------------------------------------------------

  @GetMapping("/runs/{workflowId}")
  String run(@PathVariable String workflowId, Model model) {
    panelModel(ownedRun(workflowId), model, null, null);
    return "console/run";
  }

  /** The live part of the run page, polled every few seconds while the run runs. */
  @GetMapping("/runs/{workflowId}/panel")
  String panel(@PathVariable String workflowId, Model model) {
    panelModel(ownedRun(workflowId), model, null, null);
    return "console/run :: panel";
  }

  /**
   * Records an outcome through the run's validated Update. Answers the fragment that holds the
   * buttons (the run page's panel, or My work's card), with the rejection in place and the
   * problem's status, so htmx swaps it and the audit log says REFUSED.
   */
  @PostMapping("/runs/{workflowId}/outcome")
  String outcome(
      @PathVariable String workflowId,
      @RequestParam String type,
      @RequestParam(required = false) String note,
      @RequestParam(defaultValue = "panel") String view,
      HttpServletResponse response,
      Model model) {
    String id = ownedRun(workflowId);
    String error = null;
    String notice = null;
    try {
      // The API's rules and metric. The panel is drawn from the run's whole view below (its
      // notes, start and version, which the Update's answer does not carry).
      var unused = outcomes.record(id, type, blankToNull(note), access.outcomeAuthor(null));
      notice =
          messages.getMessage(
              "outcome.recorded",
              new Object[] {label("outcome." + type)},
              LocaleContextHolder.getLocale());
    } catch (ApiProblem problem) {
      response.setStatus(problem.status().value());
      error = words.rejection(problem.getMessage());
      // What was typed stays in the form, to send again.
      model.addAttribute("typedNote", note);
    }
    RunView current = runs.view(id);
    if ("card".equals(view)) {
      model.addAttribute(
          "card",
          RunCard.of(current, reads.customerName(current.customerId()).orElse(""), error, notice));
      return "console/fragments :: card";
    }
    panelModel(current, model, error, notice);
    return "console/run :: panel";
  }

  private void panelModel(String workflowId, Model model, String error, String notice) {
    panelModel(runs.view(workflowId), model, error, notice);
  }

  private void panelModel(RunView view, Model model, String error, String notice) {
    String customerName = reads.customerName(view.customerId()).orElse(view.customerId());
    model.addAttribute("run", view);
    model.addAttribute("pageTitle", words.playbook(view.playbook()) + " · " + customerName);
    model.addAttribute("card", RunCard.of(view, customerName, error, notice));
    model.addAttribute(
        "runChart",
        Charts.runTimeline(
            view.startedAt(),
            view.steps() == null ? List.of() : view.steps(),
            view.nextStep() == null ? null : view.nextStep().step(),
            view.nextStep() == null ? null : view.nextStep().at(),
            clock.instant(),
            msg(),
            words));
    model.addAttribute("customerZone", reads.customerZone(view.customerId()).orElse(null));
    model.addAttribute("now", clock.instant());
  }

  // ---------------------------------------------------------------------------------------------

  private Customer owned(String customerId) {
    Ids.check("customerId", customerId);
    access.customer(customerId);
    return customers.get(customerId);
  }

  private String ownedRun(String workflowId) {
    Ids.check("workflowId", workflowId);
    access.run(workflowId);
    return workflowId;
  }

  private Function<String, String> msg() {
    Locale locale = LocaleContextHolder.getLocale();
    return key -> messages.getMessage(key, null, key, locale);
  }

  private String label(String key) {
    return msg().apply(key);
  }

  private static String oneOf(String value, List<String> allowed) {
    return value != null && allowed.contains(value) ? value : null;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
