package dev.retention.workflows.privacy;

import dev.retention.workflows.ports.PrivacyActivities;
import dev.retention.workflows.ports.PurgeReport;
import dev.retention.workflows.ports.PurgeRequest;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Calls the purge; a failing database is retried for a while, then the run fails visibly. */
public class RetentionPurgeImpl implements RetentionPurge {

  private final PrivacyActivities privacy =
      Workflow.newActivityStub(
          PrivacyActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(30))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(10))
                      .setBackoffCoefficient(2)
                      .setMaximumAttempts(6)
                      .build())
              .build());

  @Override
  public PurgeReport purge(PurgeRequest request) {
    return privacy.purgeExpired(request);
  }
}
