package dev.retention.api.playbooks;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import dev.retention.data.ledger.RunRecords;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A running run whose workflow task keeps failing (here: a start input the engine cannot read; in
 * production a bug, or a payload its worker cannot decrypt) cannot answer its state query. Reading
 * it answers the run as last recorded, or 503 when nothing was recorded; never a 500.
 */
@ApiTest
class UnanswerableRunTest {

  @LocalServerPort int port;
  @Autowired WorkflowClient client;
  @Autowired RunRecords records;

  @Value("${retention.task-queue}")
  String taskQueue;

  HttpApi api;
  final List<WorkflowStub> stuck = new ArrayList<>();

  @BeforeEach
  void setUp() {
    api = new HttpApi(port);
  }

  @AfterEach
  void tearDown() {
    stuck.forEach(run -> run.terminate("test over"));
  }

  @Test
  void aRunWhoseWorkflowTaskFails_readsAsLastRecorded_or503WithoutARecord() throws Exception {
    String recordedCustomer = api.newCustomer("stuck");
    String csm = api.get("/api/customers/" + recordedCustomer).text("csmId");
    WorkflowExecution recorded = startStuck("at-risk-" + recordedCustomer);
    records.recordStarted(
        recorded.getRunId(),
        recorded.getWorkflowId(),
        "at-risk",
        recordedCustomer,
        csm,
        Instant.now(),
        1);
    WorkflowExecution unrecorded = startStuck("at-risk-" + api.newCustomer("stuck"));

    // Side by side: each waits out the state query's time limit.
    CompletableFuture<Response> readRecorded =
        CompletableFuture.supplyAsync(() -> api.get("/api/playbooks/" + recorded.getWorkflowId()));
    Response readUnrecorded = api.get("/api/playbooks/" + unrecorded.getWorkflowId());
    Response read = readRecorded.get();

    assertThat(read.status()).as(read.toString()).isEqualTo(200);
    assertThat(read.text("runId")).isEqualTo(recorded.getRunId());
    assertThat(read.text("status")).isEqualTo("RUNNING");
    assertThat(read.text("playbook")).isEqualTo("at-risk");
    assertThat(read.text("customerId")).isEqualTo(recordedCustomer);

    assertProblem(
        readUnrecorded, 503, null, "Temporal cannot answer for run " + unrecorded.getWorkflowId());
  }

  /** A run of the engine whose first workflow task fails, and keeps failing on every retry. */
  private WorkflowExecution startStuck(String workflowId) throws InterruptedException {
    WorkflowStub run =
        client.newUntypedWorkflowStub(
            "PlaybookEngine",
            WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue(taskQueue).build());
    stuck.add(run);
    WorkflowExecution execution = run.start("not an engine input");
    // Wait until the worker has failed the task once: from then on the query fails.
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (client.fetchHistory(workflowId).getEvents().stream()
            .noneMatch(e -> e.hasWorkflowTaskFailedEventAttributes())
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return execution;
  }
}
