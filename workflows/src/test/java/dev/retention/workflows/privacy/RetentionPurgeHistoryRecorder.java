package dev.retention.workflows.privacy;

import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.ports.PrivacyActivities;
import dev.retention.workflows.ports.PurgeReport;
import dev.retention.workflows.ports.PurgeRequest;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Records the history that {@link RetentionPurgeReplayTest} replays: one purge whose first attempt
 * fails (the database away) and whose retry succeeds. Not part of the normal build; re-record only
 * on purpose, from {@code workflows/}:
 *
 * <pre>
 * ./mvnw -q -B -pl workflows test -Dtest=RetentionPurgeHistoryRecorder -DrecordHistories=true
 * </pre>
 */
@EnabledIfSystemProperty(
    named = "recordHistories",
    matches = "true",
    disabledReason = "re-records a committed history; run on purpose only")
class RetentionPurgeHistoryRecorder {

  @Test
  void record() throws Exception {
    try (TestWorkflowEnvironment env = RecordedHistories.recordingEnvironment()) {
      Worker worker = env.newWorker(RecordedHistories.TASK_QUEUE);
      worker.registerWorkflowImplementationTypes(RetentionPurgeImpl.class);
      worker.registerActivitiesImplementations(new FlakyPurge());
      env.start();
      RetentionPurge purge =
          env.getWorkflowClient()
              .newWorkflowStub(
                  RetentionPurge.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId(RetentionPurge.SCHEDULE_ID + "-run")
                      .setTaskQueue(RecordedHistories.TASK_QUEUE)
                      .build());
      purge.purge(new PurgeRequest("schedule"));
      RecordedHistories.write(
          env.getWorkflowClient(),
          RetentionPurge.SCHEDULE_ID + "-run",
          RetentionPurgeReplayTest.FAILED_THEN_PURGED);
    }
  }

  /** Fails once, as a database restart would, then purges. */
  static final class FlakyPurge implements PrivacyActivities {
    private final AtomicInteger calls = new AtomicInteger();

    @Override
    public PurgeReport purgeExpired(PurgeRequest request) {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("database unavailable");
      }
      return new PurgeReport("2025-11-30T03:17:00Z", 365, 12, 34);
    }
  }
}
