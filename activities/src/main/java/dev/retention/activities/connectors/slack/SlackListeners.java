package dev.retention.activities.connectors.slack;

import dev.retention.activities.email.AlertListener;
import dev.retention.data.crm.NewTaskListener;
import dev.retention.workflows.ports.CsmAlert;

/**
 * Adds the Slack outbox row of a new task or a claimed alert, in the transaction that writes the
 * task or the alert's row: nothing is sent here, so a Slack outage never fails the step.
 */
public class SlackListeners implements NewTaskListener, AlertListener {

  private final SlackOutbox outbox;

  public SlackListeners(SlackOutbox outbox) {
    this.outbox = outbox;
  }

  @Override
  public void created(long taskId) {
    outbox.taskCreated(taskId);
  }

  @Override
  public void claimed(CsmAlert alert, String runId, String recipientEmail) {
    outbox.alertClaimed(
        alert.workflowId(), runId, alert.step(), alert.customerId(), recipientEmail);
  }
}
