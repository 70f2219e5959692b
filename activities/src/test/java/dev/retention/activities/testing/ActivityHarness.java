package dev.retention.activities.testing;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.worker.WorkerFactoryOptions;
import java.time.Duration;

/**
 * Activity implementations run inside a real activity context ({@code
 * Activity.getExecutionContext()} works), one attempt per call: a failure reaches the test as the
 * {@code ActivityFailure} a workflow would see, and a "retry" is the test calling again (see {@link
 * RunIdInterceptor}).
 */
public final class ActivityHarness implements AutoCloseable {

  /** One attempt: the test decides when to retry. */
  public static final ActivityOptions ONE_ATTEMPT =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(10))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build();

  private final RunIdInterceptor runIds = new RunIdInterceptor();
  private final TestActivityEnvironment environment;

  public ActivityHarness(Object... implementations) {
    environment =
        TestActivityEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkerFactoryOptions(
                    WorkerFactoryOptions.newBuilder().setWorkerInterceptors(runIds).build())
                .build());
    environment.registerActivitiesImplementations(implementations);
  }

  public <T> T stub(Class<T> activityInterface) {
    return environment.newActivityStub(activityInterface, ONE_ATTEMPT);
  }

  public RunIdInterceptor runIds() {
    return runIds;
  }

  @Override
  public void close() {
    environment.close();
  }
}
