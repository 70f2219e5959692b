package dev.retention.workflows.ports;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Good manners for automated customer emails: only in the customer's business hours, and at most
 * one a day per customer across all playbooks. Reserves the slot so two runs cannot take the same
 * day; idempotent per run + step.
 */
@ActivityInterface
public interface SendingRulesActivities {

  @ActivityMethod
  SendSlot reserveSendSlot(SendSlotRequest request);

  /** Gives back the slot of a step that did not send (the customer answered, the run closed). */
  @ActivityMethod
  void releaseSendSlot(SendSlotRequest request);
}
