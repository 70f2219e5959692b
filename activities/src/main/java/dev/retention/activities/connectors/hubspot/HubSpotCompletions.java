package dev.retention.activities.connectors.hubspot;

import dev.retention.data.crm.TaskQueue;
import java.util.Optional;

/**
 * A task completed in HubSpot completes ours exactly as completing it in the console does ({@link
 * TaskQueue#complete}), closed by {@code hubspot}; a task already closed, or one that is not ours,
 * changes nothing.
 */
public class HubSpotCompletions {

  public static final String CLOSED_BY = "hubspot";
  static final String NOTE = "Completed in HubSpot";

  /** What became of one completion. */
  public enum Result {
    COMPLETED,
    ALREADY_CLOSED,
    NOT_OURS
  }

  private final HubSpotOutbox outbox;
  private final TaskQueue tasks;

  public HubSpotCompletions(HubSpotOutbox outbox, TaskQueue tasks) {
    this.outbox = outbox;
    this.tasks = tasks;
  }

  /** By HubSpot's task id, and our step key when known (a task found before its id was kept). */
  public Result completed(String hubspotTaskId, String stepKey) {
    Optional<Long> task = outbox.taskOf(hubspotTaskId);
    if (task.isEmpty() && stepKey != null) {
      task = outbox.taskOfStepKey(stepKey);
    }
    if (task.isEmpty()) {
      return Result.NOT_OURS;
    }
    TaskQueue.Change change = tasks.complete(task.get(), CLOSED_BY, NOTE);
    if (change.refusal() == TaskQueue.Refusal.NOT_FOUND) {
      return Result.NOT_OURS;
    }
    return change.refusal() == null ? Result.COMPLETED : Result.ALREADY_CLOSED;
  }
}
