package dev.retention.data.crm;

/**
 * Hears of a task the moment it is created, inside the transaction that writes it (a connector's
 * outbox row, say): the task and what it sets off commit together or not at all. Called once per
 * task: a retried step that finds its task already written calls nobody.
 */
public interface NewTaskListener {

  /** The task {@code taskId} was just inserted; it may be read in the same transaction. */
  void created(long taskId);
}
