package dev.retention.api.playbooks;

import dev.retention.api.problems.ApiProblem;
import dev.retention.workflows.contract.Playbook;
import java.util.Map;

/** The playbook is already running for the customer; {@code runId} is the running one. */
public class AlreadyRunning extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String workflowId;
  private final String runId;

  AlreadyRunning(String workflowId, String runId) {
    super(workflowId + " is already running");
    this.workflowId = workflowId;
    this.runId = runId;
  }

  public String workflowId() {
    return workflowId;
  }

  public String runId() {
    return runId;
  }

  public ApiProblem problem(Playbook playbook, String customerId) {
    return problem(playbook.id(), customerId);
  }

  /** The same for any playbook, by its id. */
  public ApiProblem problem(String playbook, String customerId) {
    return ApiProblem.conflict(
        "Playbook already running",
        "a " + playbook + " run is already running for customer " + customerId + ": " + workflowId,
        runId == null
            ? Map.of("workflowId", workflowId)
            : Map.of("workflowId", workflowId, "runId", runId));
  }
}
