package dev.retention.activities.email;

import dev.retention.workflows.ports.CsmAlert;

/**
 * Hears of an alert to a CSM (or manager, or executive) the moment its step claims its row, inside
 * that transaction: the alert and what it sets off (a chat message's outbox row) commit together.
 * Once per run + step whatever the retries, and not for a run stopped first or a customer whose
 * personal data was erased.
 */
public interface AlertListener {

  /** The alert of {@code runId}'s step, to {@code recipientEmail}, was just claimed. */
  void claimed(CsmAlert alert, String runId, String recipientEmail);
}
