package dev.retention.api.console;

import dev.retention.api.customers.Customers;
import dev.retention.api.playbooks.PlaybookStarts;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Access;
import dev.retention.api.security.Callers;
import dev.retention.api.security.audit.AuditTrail;
import dev.retention.data.console.ConsoleReads;
import dev.retention.data.crm.TaskQueue;
import dev.retention.data.customers.Csm;
import dev.retention.data.customers.CustomerDirectory;
import io.swagger.v3.oas.annotations.Hidden;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Bulk actions on the console's lists, each item through the same path and the same checks as its
 * single action: a playbook started as the customer page starts one (ownership, then {@link
 * PlaybookStarts#byHand}), customers given to a CSM as {@code PUT /api/customers/{id}} does (admins
 * only), tasks snoozed as one task is (ownership of its customer). The answer says, per item, what
 * came of it.
 */
@Controller
@Hidden
class ConsoleBulkController {

  /** At most this many items per bulk action (a page of the list is 50). */
  static final int MAX_ITEMS = 200;

  private final Customers customers;
  private final PlaybookStarts starts;
  private final CustomerDirectory directory;
  private final ConsoleReads reads;
  private final TaskQueue tasks;
  private final Access access;
  private final MessageSource messages;
  private final Clock clock;

  private final ConsoleFormat format;
  private final ConsoleWords words;

  ConsoleBulkController(
      Customers customers,
      PlaybookStarts starts,
      CustomerDirectory directory,
      ConsoleReads reads,
      TaskQueue tasks,
      Access access,
      MessageSource messages,
      ConsoleFormat format,
      ConsoleWords words,
      Clock clock) {
    this.format = format;
    this.words = words;
    this.customers = customers;
    this.starts = starts;
    this.directory = directory;
    this.reads = reads;
    this.tasks = tasks;
    this.access = access;
    this.messages = messages;
    this.clock = clock;
  }

  /** What came of one customer: {@code STARTED}, {@code ALREADY_RUNNING}, … and in words. */
  record Outcome(String customerId, String customerName, String result, String text) {}

  @PostMapping("/console/bulk/customers")
  String customers(
      @RequestParam(required = false) List<String> ids,
      @RequestParam(defaultValue = "start") String action,
      @RequestParam(required = false) String playbook,
      @RequestParam(required = false) String csm,
      Model model) {
    List<String> selected = selection(ids);
    if (selected.isEmpty()) {
      throw ApiProblem.invalid("ids", message("bulk.none"));
    }
    List<Outcome> outcomes =
        switch (action) {
          case "start" -> start(selected, playbook);
          case "assign" -> assign(selected, csm);
          default -> throw ApiProblem.invalid("action", "action is start or assign");
        };
    model.addAttribute("outcomes", outcomes);
    model.addAttribute("action", action);
    return "console/bulk";
  }

  /** Each start goes the way of the single one; a refusal is that customer's, not the batch's. */
  private List<Outcome> start(List<String> ids, String playbook) {
    List<Outcome> outcomes = new ArrayList<>();
    for (String id : ids) {
      // A customer's name only once it is the caller's: a refusal names the id it was sent.
      String name = id;
      try {
        name = customers.owned(id).name();
        starts.byHand(playbook, id, "started in bulk from the customer list");
        outcomes.add(new Outcome(id, name, "STARTED", message("bulk.started")));
      } catch (ApiProblem problem) {
        outcomes.add(
            problem.status() == HttpStatus.CONFLICT
                ? new Outcome(id, name, "ALREADY_RUNNING", message("bulk.alreadyRunning"))
                : new Outcome(
                    id,
                    name,
                    "REFUSED",
                    message("bulk.refused", words.rejection(problem.getMessage()))));
      }
    }
    return outcomes;
  }

  /** Changing a customer's CSM is an admin's, as through the API. */
  private List<Outcome> assign(List<String> ids, String csmId) {
    if (!Callers.require().isAdmin()) {
      throw new ApiProblem(
          HttpStatus.FORBIDDEN, "Forbidden", message("bulk.assignAdminsOnly"), "action", null);
    }
    Optional<Csm> csm =
        csmId == null || csmId.isBlank() ? Optional.empty() : directory.findCsm(csmId);
    if (csm.isEmpty()) {
      throw ApiProblem.invalid("csm", message("bulk.unknownCsm"));
    }
    var names = reads.customerNames(ids);
    List<String> changed = directory.assignCsm(names.keySet(), csm.get().id());
    List<Outcome> outcomes = new ArrayList<>();
    for (String id : ids) {
      AuditTrail.customer(id);
      if (!names.containsKey(id)) {
        outcomes.add(
            new Outcome(
                id, id, "REFUSED", message("bulk.refused", message("bulk.noCustomer", id))));
      } else if (changed.contains(id)) {
        outcomes.add(
            new Outcome(id, names.get(id), "ASSIGNED", message("bulk.assigned", csm.get().name())));
      } else {
        outcomes.add(
            new Outcome(
                id, names.get(id), "UNCHANGED", message("bulk.unchanged", csm.get().name())));
      }
    }
    return outcomes;
  }

  /** The results page answers a POST; switching its language (a GET) goes back to the list. */
  @org.springframework.web.bind.annotation.GetMapping("/console/bulk/customers")
  String back() {
    return "redirect:/console/customers";
  }

  /** Snoozes the selected tasks of My work, each as the single snooze does. */
  @PostMapping("/console/tasks/snooze")
  String snooze(
      @RequestParam(required = false) List<Long> taskIds,
      @RequestParam(defaultValue = "P1D") String until,
      RedirectAttributes redirect) {
    Duration wait = ConsoleTasksController.SNOOZES.get(until);
    if (wait == null) {
      throw ApiProblem.invalid("until", "unknown snooze choice " + until);
    }
    if (taskIds == null || taskIds.isEmpty()) {
      redirect.addFlashAttribute("bulkNotice", message("tasks.bulk.none"));
      return "redirect:/console";
    }
    Instant at = clock.instant().plus(wait);
    int snoozed = 0;
    int refused = 0;
    for (long id : new LinkedHashSet<>(taskIds.subList(0, Math.min(taskIds.size(), MAX_ITEMS)))) {
      try {
        TaskQueue.Task task =
            tasks.find(id).orElseThrow(() -> ApiProblem.notFound("Task", "no task " + id));
        access.customer(task.customerId());
        if (tasks.snooze(id, at, Callers.require().actor()).refusal() == null) {
          snoozed++;
        } else {
          refused++;
        }
      } catch (ApiProblem problem) {
        refused++;
      }
    }
    redirect.addFlashAttribute(
        "bulkNotice", message("tasks.bulk.done", snoozed, format.time(at), refused));
    return "redirect:/console";
  }

  private static List<String> selection(List<String> ids) {
    if (ids == null) {
      return List.of();
    }
    return ids.stream()
        .filter(id -> id != null && !id.isBlank())
        .map(String::strip)
        .distinct()
        .limit(MAX_ITEMS)
        .toList();
  }

  private String message(String key, Object... args) {
    Locale locale = LocaleContextHolder.getLocale();
    return messages.getMessage(key, args, key, locale);
  }
}
