package dev.retention.api.console;

import dev.retention.data.crm.TaskQueue;
import java.time.Instant;

/** A task as My work shows it: with its customer's name and whether it is still open. */
public record ConsoleTask(
    long id,
    String customerId,
    String customerName,
    String workflowId,
    String title,
    String body,
    String priority,
    Instant dueAt,
    boolean overdue,
    String status,
    Instant snoozedUntil) {

  static ConsoleTask of(TaskQueue.Task t, String customerName) {
    return new ConsoleTask(
        t.id(),
        t.customerId(),
        customerName,
        t.workflowId(),
        t.title(),
        t.body(),
        t.priority(),
        t.dueAt(),
        t.overdue(),
        t.status().name(),
        t.snoozedUntil());
  }

  public boolean open() {
    return "OPEN".equals(status) || "SNOOZED".equals(status);
  }

  public boolean urgent() {
    return "URGENT".equals(priority);
  }
}
