package dev.retention.api.console;

import dev.retention.api.playbooks.PlaybookClient;
import dev.retention.api.security.Access;
import dev.retention.api.security.Callers;
import dev.retention.data.console.ConsoleReads;
import dev.retention.data.crm.TaskQueue;
import dev.retention.workflows.contract.WaitingOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * My work: the CSM's open tasks, and the runs that wait on them. Reads through the same services as
 * the API, for the portfolio {@link Access} lets the caller see.
 */
@Controller
@Hidden
@RequestMapping("/console")
class ConsoleWorkController {

  /** How many running runs My work asks Temporal about (in parallel) for what they wait on. */
  static final int WAITING_RUNS = 12;

  static final int MY_TASKS = 50;

  private final Access access;
  private final ConsoleReads reads;
  private final PlaybookClient client;
  private final TaskQueue queue;
  private final Clock clock;

  ConsoleWorkController(
      Access access, ConsoleReads reads, PlaybookClient client, TaskQueue queue, Clock clock) {
    this.access = access;
    this.reads = reads;
    this.client = client;
    this.queue = queue;
    this.clock = clock;
  }

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
    String email = Callers.require().email();
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
          running.stream().map(line -> pool.submit(() -> waitingOnPerson(line))).toList();
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

  /** The run's card when its current wait is on the CSM. */
  private Optional<RunCard> waitingOnPerson(ConsoleReads.RunLine line) {
    try {
      var state = client.state(line.workflowId());
      if (state.waitingOn() != WaitingOn.CSM) {
        return Optional.empty();
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
      return Optional.empty();
    }
  }
}
