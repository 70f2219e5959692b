package dev.retention.workflows.cancellationsave;

import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.RunInput;
import java.time.Instant;

/**
 * Starts a cancellation-save run. The cancellation is held until {@code decisionDeadline} (set by
 * the caller, who also tells the backend), and never longer.
 */
public record CancellationSaveInput(
    PlaybookContext context, CancellationReason reason, Instant decisionDeadline)
    implements RunInput {

  @Override
  public String trigger() {
    return "cancellation request (" + reason + "), held until " + decisionDeadline;
  }

  @Override
  public String firstStage() {
    return CancellationSavePlaybookImpl.Stage.AWAITING_SAVE_CALL.name();
  }
}
