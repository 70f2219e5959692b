package dev.retention.api.playbooks;

import dev.retention.api.problems.ApiProblem;
import dev.retention.data.crm.TaskQueue;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A task completed by a person moves its run: completing a call task records {@code CALL_COMPLETED}
 * on the run, the detractor outreach {@code OUTREACH_DONE}, the save call {@code SAVE_CALL_DONE}
 * ({@link TaskQueue#workOutcome}), wherever it was completed (the console, the API, a Slack button,
 * HubSpot). The run's Update decides as for any outcome: one it does not take now (the run is
 * closed, or already past it) leaves the run as it is and the task done, and is logged; the CSM
 * records another outcome as usual.
 */
@Component
class TaskWork {

  private static final Logger log = LoggerFactory.getLogger(TaskWork.class);

  private final RunOutcomes outcomes;
  private final TaskQueue tasks;

  TaskWork(TaskQueue tasks, RunOutcomes outcomes) {
    this.tasks = tasks;
    this.outcomes = outcomes;
    tasks.onCompleted(this::completed);
  }

  void completed(TaskQueue.Task task, String by) {
    if (task.workflowId() == null) {
      return;
    }
    Optional<String> outcome = tasks.workOutcome(task.id());
    if (outcome.isEmpty()) {
      return;
    }
    try {
      var unused = outcomes.record(task.workflowId(), outcome.get(), null, by);
      log.info("task {} completed: {} recorded on {}", task.id(), outcome.get(), task.workflowId());
    } catch (ApiProblem refused) {
      log.info(
          "task {} completed; {} not taken by {} now ({})",
          task.id(),
          outcome.get(),
          task.workflowId(),
          refused.status().value());
    }
  }
}
