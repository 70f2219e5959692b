package dev.retention.workflows.contract;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;

/**
 * What every playbook workflow answers to, besides its own {@code @WorkflowMethod}: the state
 * query, the validated CSM outcome update, and the signals from the backend.
 */
public interface PlaybookWorkflow {

  String RECORD_OUTCOME = "recordOutcome";

  @QueryMethod
  PlaybookState state();

  /** Rejects, before anything reaches history, an outcome that makes no sense right now. */
  @UpdateValidatorMethod(updateName = RECORD_OUTCOME)
  void validateOutcome(CsmOutcome outcome);

  /** Applies a CSM outcome and answers with the state after the run has acted on it. */
  @UpdateMethod(name = RECORD_OUTCOME)
  PlaybookState recordOutcome(CsmOutcome outcome);

  @SignalMethod
  void customerResponded(CustomerResponse response);

  @SignalMethod
  void healthChanged(HealthChange change);

  @SignalMethod
  void supersede(Supersede request);

  /** An onboarding milestone reported by the backend. */
  @SignalMethod
  void milestone(MilestoneReached milestone);

  /** The customer upgraded their plan. */
  @SignalMethod
  void upgraded(Upgraded upgrade);
}
