package dev.retention.workflows.atrisk;

/** The stages of an at-risk run, as shown in its state and the {@code Stage} search attribute. */
enum AtRiskStage {
  /** Days 1–6: personal emails from the CSM. */
  OUTREACH,
  /** Days 7–13: the CSM tries to get the customer on a call. */
  CALL,
  /** Days 14–16: the final offer is out. */
  FINAL_OUTREACH,
  /** The customer answered or the call happened: the CSM decides SAVED or CHURNED. */
  AWAITING_DECISION
}
