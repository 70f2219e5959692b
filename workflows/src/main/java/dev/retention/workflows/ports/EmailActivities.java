package dev.retention.workflows.ports;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Email to customers, personally from their CSM. Idempotent per workflow id + step: a retried or
 * replayed step never sends a second message.
 */
@ActivityInterface
public interface EmailActivities {

  @ActivityMethod
  EmailReceipt sendCustomerEmail(CustomerEmail email);

  @ActivityMethod
  EmailReceipt sendCsmAlert(CsmAlert alert);
}
