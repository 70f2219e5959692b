package dev.retention.workflows.expansion;

import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.PlaybookWorkflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The expansion playbook: a usage note, a case study with the customer's own ROI, and a 20%
 * first-year offer valid for 7 days.
 */
@WorkflowInterface
public interface ExpansionPlaybook extends PlaybookWorkflow {

  @WorkflowMethod(name = "ExpansionPlaybook")
  PlaybookResult run(ExpansionInput input);
}
