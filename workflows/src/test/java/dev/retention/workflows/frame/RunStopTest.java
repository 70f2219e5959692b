package dev.retention.workflows.frame;

import dev.retention.workflows.PlaybookTestExtension;
import dev.retention.workflows.RecordedHistories;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * The stop scenarios on the in-process Temporal test service on a real clock, as the embedded
 * runtime runs it.
 */
@Timeout(120)
class RunStopTest extends RunStopScenarios {

  private static TestWorkflowEnvironment env;

  @BeforeAll
  static void startService() {
    env =
        TestWorkflowEnvironment.newInstance(
            RecordedHistories.withSearchAttributes(TestEnvironmentOptions.newBuilder())
                .setUseTimeskipping(false)
                .build());
  }

  @AfterAll
  static void stopService() {
    PlaybookTestExtension.closeInBackground(env);
  }

  @Override
  WorkflowClient client() {
    return env.getWorkflowClient();
  }
}
