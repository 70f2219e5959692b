package dev.retention.workflows.onboarding;

import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.PlaybookWorkflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Onboarding from sign-up: a welcome checklist, help where a milestone is missing, stall detection,
 * celebration emails, conversion by engagement, trial end, and a close on day 30.
 */
@WorkflowInterface
public interface OnboardingPlaybook extends PlaybookWorkflow {

  @WorkflowMethod(name = "OnboardingPlaybook")
  PlaybookResult run(OnboardingInput input);
}
