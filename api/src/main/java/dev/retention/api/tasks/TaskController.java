package dev.retention.api.tasks;

import dev.retention.api.input.FreeText;
import dev.retention.api.input.OneOf;
import dev.retention.api.input.SingleLine;
import dev.retention.api.input.TextRules;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.problems.Paging;
import dev.retention.api.security.Access;
import dev.retention.api.security.Caller;
import dev.retention.api.security.Callers;
import dev.retention.data.crm.TaskQueue;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Tasks across customers: what a CSM (or their manager) has to do, urgent and overdue first;
 * complete one with a note, or snooze it to a time. People see the tasks of the customers they may
 * see; {@code assignee=me} is the caller's own.
 */
@Tag(name = "tasks")
@RestController
class TaskController {

  static final Duration MAX_SNOOZE = Duration.ofDays(90);

  private final TaskQueue tasks;
  private final Access access;
  private final Clock clock;

  TaskController(TaskQueue tasks, Access access, Clock clock) {
    this.tasks = tasks;
    this.access = access;
    this.clock = clock;
  }

  record CompleteRequest(@FreeText String note) {}

  record SnoozeRequest(@NotNull Instant until) {}

  @Operation(
      operationId = "listTasks",
      summary = "List tasks",
      description =
          "A page of CRM tasks the caller may see, filtered by assignee (me for the "
              + "caller's own), customer, status and due-before.")
  @GetMapping("/api/tasks")
  TaskQueue.TaskPage list(
      @RequestParam(required = false) @SingleLine String assignee,
      @RequestParam(required = false) @SingleLine(max = TextRules.ID_MAX) String customerId,
      @RequestParam(required = false) @SingleLine(max = TextRules.ID_MAX) String status,
      @RequestParam(name = "due-before", required = false) Instant dueBefore,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size) {
    Paging.check(page, size);
    TaskQueue.State state = state(status);
    if (customerId != null) {
      access.customer(customerId);
    }
    return tasks.list(
        new TaskQueue.Query(
            assignee(assignee),
            customerId,
            state,
            dueBefore,
            access.visibleCsmIds().orElse(null),
            page,
            size));
  }

  @Operation(
      operationId = "completeTask",
      summary = "Complete a task",
      description =
          "Marks the task done, with an optional note. A CSM only for their own customers.")
  @PostMapping("/api/tasks/{taskId}/complete")
  TaskQueue.Task complete(
      @PathVariable long taskId, @Valid @RequestBody(required = false) CompleteRequest body) {
    owned(taskId);
    String note = body == null ? null : body.note();
    return answer(taskId, tasks.complete(taskId, Callers.require().actor(), note));
  }

  @Operation(
      operationId = "snoozeTask",
      summary = "Snooze a task",
      description = "Moves the task's due time to until: in the future and at most 90 days away.")
  @PostMapping("/api/tasks/{taskId}/snooze")
  TaskQueue.Task snooze(@PathVariable long taskId, @Valid @RequestBody SnoozeRequest body) {
    Instant now = clock.instant();
    if (!body.until().isAfter(now) || body.until().isAfter(now.plus(MAX_SNOOZE))) {
      throw ApiProblem.invalid(
          "until", "until must be in the future and at most " + MAX_SNOOZE.toDays() + " days away");
    }
    owned(taskId);
    return answer(taskId, tasks.snooze(taskId, body.until(), Callers.require().actor()));
  }

  /** The task exists and its customer is the caller's to act on (audited with it). */
  private void owned(long taskId) {
    TaskQueue.Task task =
        tasks.find(taskId).orElseThrow(() -> ApiProblem.notFound("Task", "no task " + taskId));
    access.customer(task.customerId());
    if (task.workflowId() != null) {
      dev.retention.api.security.audit.AuditTrail.workflow(task.workflowId());
    }
  }

  private static TaskQueue.Task answer(long taskId, TaskQueue.Change change) {
    if (change.refusal() == TaskQueue.Refusal.NOT_FOUND) {
      throw ApiProblem.notFound("Task", "no task " + taskId);
    }
    if (change.refusal() == TaskQueue.Refusal.CLOSED) {
      throw ApiProblem.conflict(
          "Task already closed",
          "task " + taskId + " is " + change.task().status() + "; only an open task can change",
          Map.of("taskStatus", change.task().status().name()));
    }
    return change.task();
  }

  private static TaskQueue.State state(String status) {
    if (status == null) {
      return TaskQueue.State.OPEN;
    }
    return OneOf.parse("status", status, "status", "statuses", TaskQueue.State.values());
  }

  /** {@code me} is the caller's own address (people only); anything else an email address. */
  private static String assignee(String assignee) {
    if (assignee == null) {
      return null;
    }
    if (assignee.equals("me")) {
      Caller caller = Callers.require();
      return Optional.ofNullable(caller.email())
          .orElseThrow(
              () ->
                  ApiProblem.invalid(
                      "assignee", "assignee=me is for people; an integration key has no tasks"));
    }
    if (!assignee.contains("@")) {
      throw ApiProblem.invalid("assignee", "assignee is an email address, or me");
    }
    return assignee;
  }
}
