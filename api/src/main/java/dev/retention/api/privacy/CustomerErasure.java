package dev.retention.api.privacy;

import dev.retention.api.codec.CustomerDataKeys;
import dev.retention.api.playbooks.PlaybookClient;
import dev.retention.data.privacy.PersonalData;
import dev.retention.workflows.contract.PlaybookIds;
import dev.retention.workflows.contract.PlaybookState;
import dev.retention.workflows.contract.PlaybookWorkflow;
import dev.retention.workflows.contract.Supersede;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Erases a customer's personal data everywhere the app keeps it, in an order that holds:
 *
 * <ol>
 *   <li>PostgreSQL is anonymised and the tombstone set, in one transaction ({@link PersonalData}):
 *       from here on steps in flight write {@code [erased]}, and the API shows the runs without
 *       their details;
 *   <li>the running runs are told to end ({@code SUPERSEDED}, with the reason), and awaited; one
 *       still running after {@code retention.privacy.erasure-wait} is terminated;
 *   <li>the steps of the customer's latest runs are kept without details (their histories are about
 *       to become unreadable);
 *   <li>the customer's data keys are destroyed (crypto-shredding): every payload of their runs'
 *       histories now decodes to {@code [erased]}, in the worker and through the codec endpoint;
 *   <li>a run of theirs still running (started while this ran) is terminated: it could not decode
 *       its own history any more.
 * </ol>
 *
 * Runs close before their keys go, so no worker is left with a history it cannot read.
 */
@Service
class CustomerErasure {

  private static final Logger log = LoggerFactory.getLogger(CustomerErasure.class);

  static final String REASON = "personal data erased on request";

  private final PersonalData personalData;
  private final PlaybookClient runs;
  private final WorkflowClient client;
  private final CustomerDataKeys dataKeys;
  private final Duration wait;

  CustomerErasure(
      PersonalData personalData,
      PlaybookClient runs,
      WorkflowClient client,
      ObjectProvider<CustomerDataKeys> dataKeys,
      @Value("${retention.privacy.erasure-wait:PT30S}") Duration wait) {
    this.personalData = personalData;
    this.runs = runs;
    this.client = client;
    this.dataKeys = dataKeys.getIfAvailable();
    this.wait = wait;
  }

  /** What an erasure did. */
  record Result(Instant erasedAt, List<String> runsEnded, Map<String, Integer> rows) {}

  /** Erases the customer's personal data; empty when there is no such customer. */
  Optional<Result> erase(String customerId) {
    long began = System.nanoTime();
    Optional<PersonalData.Erasure> erased = personalData.erase(customerId);
    if (erased.isEmpty()) {
      return Optional.empty();
    }
    Instant erasedAt = erased.get().erasedAt();
    List<String> ended =
        new ArrayList<>(
            runs.signalRunning(
                customerId, (String) null, run -> run.supersede(new Supersede(REASON))));
    awaitClosed(ended);
    keepSteps(customerId, erasedAt);
    Map<String, Integer> rows = new LinkedHashMap<>(erased.get().rows());
    rows.put("customer_data_keys", dataKeys == null ? 0 : dataKeys.destroy(customerId));
    for (String workflowId : terminateRunning(customerId)) {
      if (!ended.contains(workflowId)) {
        ended.add(workflowId);
      }
    }
    log.info(
        "erased the personal data of customer {} in {} ms: runs ended {}, data keys destroyed {}",
        customerId,
        Duration.ofNanos(System.nanoTime() - began).toMillis(),
        ended,
        rows.get("customer_data_keys"));
    return Optional.of(new Result(erasedAt, List.copyOf(ended), rows));
  }

  /** Waits for the runs to close; terminates those still running after {@link #wait}. */
  private void awaitClosed(List<String> workflowIds) {
    long deadline = System.nanoTime() + wait.toNanos();
    List<String> open = new ArrayList<>(workflowIds);
    while (!open.isEmpty()) {
      open.removeIf(id -> !running(id));
      if (open.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        for (String workflowId : open) {
          log.warn(
              "run {} did not end within {} of its customer's erasure: terminating it",
              workflowId,
              wait);
          terminate(workflowId);
        }
        return;
      }
      sleep(Duration.ofMillis(100));
    }
  }

  /**
   * Keeps the steps of the customer's latest run of each playbook (started before the erasure)
   * without their details, while their histories can still be read.
   */
  private void keepSteps(String customerId, Instant erasedAt) {
    for (String playbook : PlaybookIds.known()) {
      String workflowId = PlaybookIds.workflowId(playbook, customerId);
      Optional<WorkflowExecutionDescription> run = describe(workflowId);
      if (run.isEmpty() || run.get().getStartTime().isAfter(erasedAt)) {
        continue;
      }
      try {
        PlaybookState state = client.newWorkflowStub(PlaybookWorkflow.class, workflowId).state();
        personalData.keepSteps(run.get().getExecution().getRunId(), state.steps());
      } catch (RuntimeException e) {
        // An old or lost run: shown without steps.
        log.warn("could not read the steps of {} before erasing its history", workflowId, e);
      }
    }
  }

  /** Terminates the customer's runs still running; their ids. */
  private List<String> terminateRunning(String customerId) {
    List<String> terminated = new ArrayList<>();
    for (String playbook : PlaybookIds.known()) {
      String workflowId = PlaybookIds.workflowId(playbook, customerId);
      if (running(workflowId)) {
        log.warn("run {} is running after its customer's erasure: terminating it", workflowId);
        terminate(workflowId);
        terminated.add(workflowId);
      }
    }
    return terminated;
  }

  private boolean running(String workflowId) {
    return describe(workflowId)
        .map(d -> d.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING)
        .orElse(false);
  }

  private Optional<WorkflowExecutionDescription> describe(String workflowId) {
    try {
      return Optional.of(client.newUntypedWorkflowStub(workflowId).describe());
    } catch (WorkflowNotFoundException e) {
      return Optional.empty();
    } catch (WorkflowServiceException e) {
      if (notFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private void terminate(String workflowId) {
    WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
    try {
      stub.terminate(REASON);
    } catch (WorkflowNotFoundException e) {
      // Closed meanwhile.
    } catch (WorkflowServiceException e) {
      if (!notFound(e)) {
        throw e;
      }
    }
  }

  private static boolean notFound(WorkflowServiceException e) {
    return e.getCause() instanceof StatusRuntimeException status
        && status.getStatus().getCode() == Status.Code.NOT_FOUND;
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for runs to end", e);
    }
  }
}
