package dev.retention.workflows.ports;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Tells the SaaS backend what a playbook decided (e.g. a cancellation withdrawn). Idempotent. */
@ActivityInterface
public interface BackendActivities {

  @ActivityMethod
  void notifyBackend(BackendNotification notification);
}
