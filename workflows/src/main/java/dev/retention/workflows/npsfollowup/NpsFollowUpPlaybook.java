package dev.retention.workflows.npsfollowup;

import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.PlaybookWorkflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The NPS follow-up: promoters are invited to advocate, passives asked what would make it a 10,
 * detractors get a CSM within 24 hours and a recovery plan.
 */
@WorkflowInterface
public interface NpsFollowUpPlaybook extends PlaybookWorkflow {

  @WorkflowMethod(name = "NpsFollowUpPlaybook")
  PlaybookResult run(NpsFollowUpInput input);
}
