package dev.retention.workflows.contract;

/**
 * What a CSM (or the backend) can record on a run. Which are valid depends on playbook and stage.
 */
public enum OutcomeType {
  CUSTOMER_RESPONDED,
  CALL_COMPLETED,
  CALL_NO_ANSWER,
  SAVED,
  CHURNED,
  DECLINED,
  OUTREACH_DONE,
  RECOVERY_PLAN,
  RESOLVED,
  SAVE_CALL_DONE,
  OFFER_PRESENTED,
  OFFER_ACCEPTED,
  OFFER_REJECTED
}
