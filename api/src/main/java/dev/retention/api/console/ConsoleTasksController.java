package dev.retention.api.console;

import dev.retention.api.input.FreeText;
import dev.retention.api.input.TextRules;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Access;
import dev.retention.api.security.Callers;
import dev.retention.api.security.audit.AuditTrail;
import dev.retention.data.console.ConsoleReads;
import dev.retention.data.crm.TaskQueue;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Completing and snoozing a task from My work, through the same task service and ownership check as
 * {@code /api/tasks}; the answer replaces the task's card.
 */
@Controller
@Hidden
class ConsoleTasksController {

  /** Snooze choices, so one click does it: an hour, four hours, a day, three days, a week. */
  static final Map<String, Duration> SNOOZES =
      Map.of(
          "PT1H", Duration.ofHours(1),
          "PT4H", Duration.ofHours(4),
          "P1D", Duration.ofDays(1),
          "P3D", Duration.ofDays(3),
          "P7D", Duration.ofDays(7));

  static final List<String> SNOOZE_ORDER = List.of("PT1H", "PT4H", "P1D", "P3D", "P7D");

  private final TaskQueue tasks;
  private final ConsoleReads reads;
  private final Access access;
  private final MessageSource messages;
  private final ConsoleFormat format;
  private final Clock clock;

  ConsoleTasksController(
      TaskQueue tasks,
      ConsoleReads reads,
      Access access,
      MessageSource messages,
      ConsoleFormat format,
      Clock clock) {
    this.format = format;
    this.tasks = tasks;
    this.reads = reads;
    this.access = access;
    this.messages = messages;
    this.clock = clock;
  }

  @PostMapping("/console/tasks/{taskId}/complete")
  String complete(
      @PathVariable long taskId,
      @RequestParam(required = false) String note,
      HttpServletResponse response,
      Model model) {
    TaskQueue.Task task = owned(taskId);
    // The API's rule for the note (free text: at most 10 000 characters, line breaks and tabs
    // but no other control character). Refused whole, never cut: what was typed stays in the
    // card, to correct and send again.
    String fault = FreeText.Validator.fault(note);
    if (fault != null) {
      model.addAttribute("typedTaskNote", note);
      String why =
          fault.contains("control character")
              ? say("task.error.noteControl")
              : say("task.error.noteTooLong", TextRules.FREE_TEXT_MAX);
      return card(task, why, null, response, 400, model);
    }
    String clean = note == null || note.isBlank() ? null : note.strip();
    TaskQueue.Change change = tasks.complete(taskId, Callers.require().actor(), clean);
    return answer(change, task, "task.done", null, response, model);
  }

  @PostMapping("/console/tasks/{taskId}/snooze")
  String snooze(
      @PathVariable long taskId,
      @RequestParam(defaultValue = "P1D") String until,
      HttpServletResponse response,
      Model model) {
    TaskQueue.Task task = owned(taskId);
    Duration wait = SNOOZES.get(until);
    if (wait == null) {
      return card(task, say("task.error.snooze", until), null, response, 400, model);
    }
    Instant at = clock.instant().plus(wait);
    TaskQueue.Change change = tasks.snooze(taskId, at, Callers.require().actor());
    return answer(change, task, "task.snoozed", format.time(at), response, model);
  }

  private String answer(
      TaskQueue.Change change,
      TaskQueue.Task before,
      String doneKey,
      String arg,
      HttpServletResponse response,
      Model model) {
    if (change.refusal() == TaskQueue.Refusal.NOT_FOUND) {
      throw ApiProblem.notFound("Task", "no task " + before.id());
    }
    if (change.refusal() == TaskQueue.Refusal.CLOSED) {
      return card(
          change.task(),
          say(
              "task.error.closed",
              messages.getMessage(
                  "status." + change.task().status().name(),
                  null,
                  change.task().status().name(),
                  LocaleContextHolder.getLocale())),
          null,
          response,
          409,
          model);
    }
    String notice =
        messages.getMessage(doneKey, new Object[] {arg}, LocaleContextHolder.getLocale());
    return card(change.task(), null, notice, response, 200, model);
  }

  private String say(String key, Object... args) {
    return messages.getMessage(key, args, LocaleContextHolder.getLocale());
  }

  private String card(
      TaskQueue.Task task,
      String error,
      String notice,
      HttpServletResponse response,
      int status,
      Model model) {
    response.setStatus(status);
    model.addAttribute(
        "task",
        ConsoleTask.of(task, reads.customerName(task.customerId()).orElse(task.customerId())));
    model.addAttribute("taskError", error);
    model.addAttribute("taskNotice", notice);
    model.addAttribute("snoozes", SNOOZE_ORDER);
    model.addAttribute("now", clock.instant());
    return "console/fragments :: task";
  }

  private TaskQueue.Task owned(long taskId) {
    TaskQueue.Task task =
        tasks.find(taskId).orElseThrow(() -> ApiProblem.notFound("Task", "no task " + taskId));
    access.customer(task.customerId());
    if (task.workflowId() != null) {
      AuditTrail.workflow(task.workflowId());
    }
    return task;
  }
}
