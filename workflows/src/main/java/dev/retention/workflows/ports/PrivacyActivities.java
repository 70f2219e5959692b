package dev.retention.workflows.ports;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Privacy housekeeping: personal data past the retention period is deleted. Idempotent. */
@ActivityInterface
public interface PrivacyActivities {

  @ActivityMethod
  PurgeReport purgeExpired(PurgeRequest request);
}
