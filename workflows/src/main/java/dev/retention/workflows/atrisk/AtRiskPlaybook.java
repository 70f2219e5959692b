package dev.retention.workflows.atrisk;

import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.PlaybookWorkflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The at-risk playbook: personal outreach on day 1, a value reminder on day 3, a call on day 7, a
 * final offer on day 14, and {@code CHURNING} on day 17 if the customer never answers.
 */
@WorkflowInterface
public interface AtRiskPlaybook extends PlaybookWorkflow {

  @WorkflowMethod(name = "AtRiskPlaybook")
  PlaybookResult run(AtRiskInput input);
}
