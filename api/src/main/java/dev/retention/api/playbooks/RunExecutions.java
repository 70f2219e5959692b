package dev.retention.api.playbooks;

import dev.retention.api.problems.ApiProblem;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowServiceException;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Asks Temporal how a run stands (its latest execution), without touching the run itself. */
@Component
class RunExecutions {

  private final WorkflowClient client;

  RunExecutions(WorkflowClient client) {
    this.client = client;
  }

  /** The latest execution of the workflow id; empty when Temporal has none (or lost it). */
  Optional<RunExecution> find(String workflowId) {
    try {
      WorkflowExecutionInfo info =
          client
              .getWorkflowServiceStubs()
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(client.getOptions().getNamespace())
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                      .build())
              .getWorkflowExecutionInfo();
      return Optional.of(
          new RunExecution(
              workflowId,
              info.getExecution().getRunId(),
              status(info.getStatus()),
              info.hasStartTime()
                  ? Instant.ofEpochSecond(
                      info.getStartTime().getSeconds(), info.getStartTime().getNanos())
                  : null,
              closedAt(info)));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    } catch (WorkflowServiceException e) {
      return Optional.empty();
    }
  }

  /** The same, or a 404. */
  RunExecution require(String workflowId) {
    return find(workflowId)
        .orElseThrow(() -> ApiProblem.notFound("Run", "no playbook run " + workflowId));
  }

  static String status(WorkflowExecutionStatus status) {
    return switch (status) {
      case WORKFLOW_EXECUTION_STATUS_RUNNING -> RunExecution.RUNNING;
      case WORKFLOW_EXECUTION_STATUS_COMPLETED, WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW ->
          "COMPLETED";
      case WORKFLOW_EXECUTION_STATUS_CANCELED -> "CANCELLED";
      case WORKFLOW_EXECUTION_STATUS_TERMINATED -> "TERMINATED";
      default -> "FAILED";
    };
  }

  private static Instant closedAt(WorkflowExecutionInfo info) {
    if (!info.hasCloseTime()) {
      return null;
    }
    return Instant.ofEpochSecond(info.getCloseTime().getSeconds(), info.getCloseTime().getNanos());
  }
}
