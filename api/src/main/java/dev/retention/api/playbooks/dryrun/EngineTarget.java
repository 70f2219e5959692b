package dev.retention.api.playbooks.dryrun;

import dev.retention.api.playbooks.PlaybookStarts;
import dev.retention.workflows.contract.RunInput;
import dev.retention.workflows.contract.RunSearchAttributes;
import dev.retention.workflows.engine.BuiltInInputs;
import dev.retention.workflows.engine.PlaybookEngine;
import dev.retention.workflows.engine.PlaybookEngineImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The dry-run plays the definition version it is given on the playbook engine, the workflow every
 * run plays on, started with the input {@link PlaybookStarts} builds for a run started by hand
 * (from the customer's latest data, read only).
 */
@Component
public class EngineTarget implements DryRunTarget {

  private final PlaybookStarts starts;

  EngineTarget(PlaybookStarts starts) {
    this.starts = starts;
  }

  @Override
  public List<Class<?>> workflowTypes() {
    return List.of(PlaybookEngineImpl.class);
  }

  @Override
  public WorkflowStub start(WorkflowClient client, Run run) {
    RunInput input =
        starts.input(
            run.playbook(), run.definition(), run.customer(), run.reason(), run.startsAt());
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(run.workflowId())
            .setTaskQueue(run.taskQueue())
            .setTypedSearchAttributes(
                RunSearchAttributes.atStart(
                        run.playbook(), run.customer().id(), run.customer().csmId(), null)
                    .build())
            .build();
    PlaybookEngine engine = client.newWorkflowStub(PlaybookEngine.class, options);
    WorkflowClient.start(engine::run, BuiltInInputs.of(input, run.definition()));
    return WorkflowStub.fromTyped(engine);
  }
}
