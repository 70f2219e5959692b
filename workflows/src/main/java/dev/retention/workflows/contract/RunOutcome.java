package dev.retention.workflows.contract;

/** How a run ended. Every run ends with one of these, and says why. */
public enum RunOutcome {
  CHURNING,
  SAVED,
  CHURNED,
  RECOVERED,
  UNRESOLVED,
  SUPERSEDED,
  CANCELLED,
  EXPIRED,
  UPGRADED,
  DECLINED,
  HEALTH_DROPPED,
  TRIAL_EXPIRED,
  COMPLETED,
  INCOMPLETE,
  ADVOCACY_INVITED,
  FEEDBACK_CAPTURED,
  NO_REPLY,
  RESOLVED
}
