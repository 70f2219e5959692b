package dev.retention.workflows.atrisk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.RecordingActivities;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.RunSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Records the history that {@link AtRiskReplayTest} replays: the no-response run, start to {@code
 * CHURNING}, on the time-skipping test server.
 *
 * <p>Not part of the normal build: the committed history must stay the one recorded with the
 * workflow code that was live, so that replaying it catches non-deterministic changes. Re-record
 * only on purpose (for a deliberate, versioned change of the playbook), from {@code workflows/}:
 *
 * <pre>
 * ./mvnw -q -B -pl workflows test -Dtest=AtRiskHistoryRecorder -DrecordHistories=true
 * </pre>
 */
@EnabledIfSystemProperty(
    named = "recordHistories",
    matches = "true",
    disabledReason =
        "generator of src/test/resources/histories/at-risk-no-response.json;"
            + " run with -DrecordHistories=true to re-record on purpose")
class AtRiskHistoryRecorder {

  static final Path TARGET = Path.of("src/test/resources/histories/at-risk-no-response.json");

  @Test
  void recordNoResponseRun() throws Exception {
    TestEnvironmentOptions options =
        TestEnvironmentOptions.newBuilder()
            .setInitialTime(Instant.parse("2026-03-02T09:00:00Z"))
            .registerSearchAttribute(
                RunSearchAttributes.PLAYBOOK.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
            .registerSearchAttribute(
                RunSearchAttributes.CUSTOMER_ID.getName(),
                IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
            .registerSearchAttribute(
                RunSearchAttributes.CSM_ID.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
            .registerSearchAttribute(
                RunSearchAttributes.STAGE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
            .build();
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(options)) {
      Worker worker = env.newWorker("playbooks");
      worker.registerWorkflowImplementationTypes(AtRiskPlaybookImpl.class);
      worker.registerActivitiesImplementations(new RecordingActivities());
      env.start();

      String workflowId = Playbook.AT_RISK.workflowId("c-42");
      AtRiskPlaybook run =
          env.getWorkflowClient()
              .newWorkflowStub(
                  AtRiskPlaybook.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId(workflowId)
                      .setTaskQueue("playbooks")
                      .setTypedSearchAttributes(
                          io.temporal.common.SearchAttributes.newBuilder()
                              .set(RunSearchAttributes.PLAYBOOK, Playbook.AT_RISK.id())
                              .set(RunSearchAttributes.CUSTOMER_ID, "c-42")
                              .set(RunSearchAttributes.CSM_ID, "csm-7")
                              .build())
                      .build());
      WorkflowClient.start(
          run::run,
          new AtRiskInput(
              new PlaybookContext("c-42", "csm-7", Cadence.REAL_DAYS), 50, "health sweep"));
      PlaybookResult result = WorkflowStub.fromTyped(run).getResult(PlaybookResult.class);
      assertThat(result.outcome()).isEqualTo(RunOutcome.CHURNING);

      String json = env.getWorkflowClient().fetchHistory(workflowId).toJson(true);
      Files.createDirectories(TARGET.getParent());
      Files.writeString(TARGET, json + System.lineSeparator());
    }
  }
}
