package dev.retention.workflows.contract;

/** Onboarding milestones, in the order a customer usually reaches them. */
public enum Milestone {
  INTEGRATION_CONNECTED,
  FIRST_QUERY,
  THREE_QUESTIONS,
  PAYMENT_METHOD_ADDED,
  KEY_WORKFLOW_ESTABLISHED
}
