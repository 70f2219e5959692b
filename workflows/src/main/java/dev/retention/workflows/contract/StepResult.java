package dev.retention.workflows.contract;

/** The result of one step of a run, as recorded in its step log and on the timeline. */
public enum StepResult {
  SENT,
  SKIPPED_SUPPRESSED,
  SKIPPED_CUSTOMER_RESPONDED,
  SKIPPED_RUN_CLOSED,
  FAILED,
  TASK_CREATED,
  ESCALATED,
  NOTE_ADDED,
  TAGGED,
  RECORDED
}
