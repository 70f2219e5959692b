package dev.retention.workflows.frame;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retention.workflows.atrisk.AtRiskInput;
import dev.retention.workflows.atrisk.AtRiskPlaybookImpl;
import dev.retention.workflows.cancellationsave.CancellationSaveInput;
import dev.retention.workflows.cancellationsave.CancellationSavePlaybookImpl;
import dev.retention.workflows.expansion.ExpansionInput;
import dev.retention.workflows.expansion.ExpansionPlaybookImpl;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.workflow.WorkflowInit;
import org.junit.jupiter.api.Test;

/**
 * The negative of the replay tests: today's frame with its version check taken out (the change
 * shipped without {@code Workflow.getVersion}) fails to replay histories recorded before it. So the
 * passing replay tests mean the version marker is what keeps old runs working, not luck.
 */
class UnversionedChangeReplayTest {

  /** Expansion as if the reshaped frame had shipped unversioned: no marker, new behaviour. */
  public static class UnversionedExpansion extends ExpansionPlaybookImpl {
    @WorkflowInit
    public UnversionedExpansion(ExpansionInput input) {
      super(input);
    }

    @Override
    protected int frameVersion() {
      return RunVersions.RESHAPED;
    }
  }

  /** Cancellation-save, the same way. */
  public static class UnversionedCancellationSave extends CancellationSavePlaybookImpl {
    @WorkflowInit
    public UnversionedCancellationSave(CancellationSaveInput input) {
      super(input);
    }

    @Override
    protected int frameVersion() {
      return RunVersions.RESHAPED;
    }
  }

  /** At-risk as if the readable frame (folded ledger writes) had shipped over the reshaped one. */
  public static class UnversionedReadableAtRisk extends AtRiskPlaybookImpl {
    @WorkflowInit
    public UnversionedReadableAtRisk(AtRiskInput input) {
      super(input);
    }

    @Override
    protected int frameVersion() {
      return RunVersions.READABLE;
    }
  }

  @Test
  void atRiskAnsweredAtOnce_failsToReplayWithTheReadableFrameUnversioned() {
    // Recorded at RESHAPED: each step's entry and the next snapshot were two ledger writes; the
    // readable frame folds them into one, so the commands differ.
    assertThatThrownBy(
            () ->
                WorkflowReplayer.replayWorkflowExecutionFromResource(
                    "histories/at-risk-v1-answered-at-once.json", UnversionedReadableAtRisk.class))
        .hasStackTraceContaining("NonDeterministic");
  }

  @Test
  void expansionRespondedThenUpgraded_failsToReplayWithoutTheVersionMarker() {
    // Recorded with the mailbox: the upgrade's step was written before the stage closed. An
    // unversioned handler closes the stage at once, so the commands come in another order.
    assertThatThrownBy(
            () ->
                WorkflowReplayer.replayWorkflowExecutionFromResource(
                    "histories/expansion-responded-then-upgraded.json", UnversionedExpansion.class))
        .hasStackTraceContaining("NonDeterministic");
  }

  @Test
  void cancellationSaveOfferAccepted_failsToReplayWithoutTheVersionMarker() {
    assertThatThrownBy(
            () ->
                WorkflowReplayer.replayWorkflowExecutionFromResource(
                    "histories/cancellation-save-offer-accepted.json",
                    UnversionedCancellationSave.class))
        .hasStackTraceContaining("NonDeterministic");
  }
}
