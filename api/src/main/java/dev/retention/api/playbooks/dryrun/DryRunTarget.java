package dev.retention.api.playbooks.dryrun;

import dev.retention.data.customers.Customer;
import dev.retention.workflows.engine.PlaybookDefinition;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.time.Instant;
import java.util.List;

/**
 * What a dry-run plays: the workflow implementations its environments register, and how a run of a
 * playbook for a customer is started there. The one place that decides it; {@link EngineTarget}
 * plays definitions on the playbook engine. A run started here must answer to {@link
 * dev.retention.workflows.contract.PlaybookWorkflow}'s signals and update by their names.
 */
public interface DryRunTarget {

  /** The workflow implementation classes every dry-run environment's worker registers. */
  List<Class<?>> workflowTypes();

  /**
   * Starts the run on the dry-run environment's client and answers its untyped stub, for the events
   * and the result. The run's id and task queue are the dry-run's own.
   */
  WorkflowStub start(WorkflowClient client, Run run);

  /**
   * One dry-run's start: the playbook, the definition version it plays, and the customer, the
   * reason given (or null), the moment the run starts on the environment's clock (inputs holding a
   * moment use it), and where it runs.
   */
  record Run(
      String playbook,
      PlaybookDefinition definition,
      Customer customer,
      String reason,
      Instant startsAt,
      String workflowId,
      String taskQueue) {}
}
