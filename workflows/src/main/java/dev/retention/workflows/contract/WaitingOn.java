package dev.retention.workflows.contract;

/**
 * Who a run's current wait is on, beside its free-text {@code waitingFor}: what "Runs waiting on
 * me" lists (only {@link #CSM}), and whether a countdown past its time means someone is late.
 */
public enum WaitingOn {
  /** A person on the CS team: the CSM's outcome, a call, a decision, an SLA. */
  CSM,
  /** The customer: a reply, a milestone, an upgrade. */
  CUSTOMER,
  /** The playbook itself: its next scheduled step (an email, a task, a deadline it checks). */
  AUTOMATED_STEP
}
