package dev.retention.workflows.cancellationsave;

import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.PlaybookWorkflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The cancellation-save playbook: a save call within 2 hours, a save offer chosen from the reason,
 * escalations, and the decision by the deadline; after a churn, an exit survey and win-back emails.
 */
@WorkflowInterface
public interface CancellationSavePlaybook extends PlaybookWorkflow {

  @WorkflowMethod(name = "CancellationSavePlaybook")
  PlaybookResult run(CancellationSaveInput input);
}
