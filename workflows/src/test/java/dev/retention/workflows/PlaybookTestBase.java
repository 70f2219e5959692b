package dev.retention.workflows;

import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every playbook test class sets up before each test: the time-skipping environment of its
 * {@link PlaybookTestExtension} (registered by the subclass, with its workflow implementation), a
 * fresh set of recording activities on the worker, and the started environment.
 */
public abstract class PlaybookTestBase {

  protected TestWorkflowEnvironment testEnv;
  protected WorkflowClient client;
  protected Worker worker;
  protected RecordingActivities activities;

  @BeforeEach
  void startWorker(TestWorkflowEnvironment testEnv, Worker worker) {
    this.testEnv = testEnv;
    this.client = testEnv.getWorkflowClient();
    this.worker = worker;
    this.activities = new RecordingActivities();
    worker.registerActivitiesImplementations(activities);
    testEnv.start();
  }
}
