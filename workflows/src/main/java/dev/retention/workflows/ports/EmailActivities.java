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

  /**
   * The step's email could not be sent (its retries are exhausted or it was rejected): its row, if
   * still {@code PENDING}, becomes {@code FAILED}, so no row stays pending forever.
   */
  @ActivityMethod
  void recordFailure(EmailFailure failure);
}
