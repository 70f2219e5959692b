package dev.retention.workflows.engine;

import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.PlaybookWorkflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The one playbook engine: runs a pinned definition version. It answers what every playbook run
 * answers (state, outcome update, signals), so callers need not know which playbook it runs.
 */
@WorkflowInterface
public interface PlaybookEngine extends PlaybookWorkflow {

  @WorkflowMethod(name = "PlaybookEngine")
  PlaybookResult run(EngineInput input);
}
