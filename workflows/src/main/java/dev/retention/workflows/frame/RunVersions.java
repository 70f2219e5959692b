package dev.retention.workflows.frame;

import io.temporal.workflow.Workflow;

/**
 * The versions of the frame every playbook runs in, for {@link Workflow#getVersion}: a run keeps
 * the behaviour it started with, so histories recorded before a change still replay.
 */
public final class RunVersions {

  static final String CHANGE_ID = "playbook-run-frame";

  /**
   * Before the reshape: handlers queued events for the main thread, which applied them and ran
   * their activities before an outcome was answered.
   */
  static final int MAILBOX = Workflow.DEFAULT_VERSION;

  /**
   * Handlers change the state at once and answer; effects follow on the main thread. A stop at any
   * point ends {@code CANCELLED} (in-flight activities are abandoned, the closing write is
   * detached), and an email that could not be sent marks its row {@code FAILED}.
   */
  public static final int RESHAPED = 1;

  /**
   * Readable in the Temporal UI and CLI: timers and activities carry summaries named after the
   * playbook's steps, and a step's timeline entries travel with the next snapshot in one ledger
   * write (one {@code Record} per step instead of two).
   */
  public static final int READABLE = 2;

  /**
   * A stop wins over every step not yet taken: once the run knows it was stopped it schedules no
   * activity but its closing write. An email activity is not cancelled by the stop but waited for
   * (in a detached scope, so no cancel request goes to the server): one being sent when the stop
   * came is known sent and in the steps; one not claimed yet is refused by the activity, because
   * the API records the stop before it answers, and sends nothing.
   */
  public static final int STOP_WINS = 3;

  /**
   * Fewer round trips to the server: the ledger's writes (the run's row and its timeline entries,
   * one transaction in our own database, idempotent) run as local activities, in the workflow task
   * that asks for them, instead of each costing an activity task and another workflow task. A run
   * reaches its first timer after one workflow task, its first email and a second workflow task
   * (at-risk: 2 workflow tasks and 1 activity where it took 4 and 3). A write's input is left out
   * of its marker: the marker holds only that the write was done.
   */
  public static final int LOCAL_LEDGER = 4;

  /**
   * The run's "started" entry goes with its next ledger write (at its first wait at the latest, or
   * its close) instead of in a write of its own: the API recorded the run's row the moment it
   * started it, so the run is listed already (and, since, its "started" entry too, which the run's
   * own then leaves in place; the run still writes it for a run started otherwise). An at-risk run
   * makes one ledger write before its first timer where it made two.
   */
  public static final int FOLDED_START = 5;

  /**
   * The run's first stage comes with its start: the API gives it among the start's search
   * attributes ({@link dev.retention.workflows.contract.RunInput#firstStage}), and the run upserts
   * its {@code Stage} only when it differs from what it started with (a run started without it, or
   * whose first stage its definition renders at the start). Such a run's first workflow task no
   * longer upserts a search attribute: one event and one visibility write fewer a run.
   */
  public static final int FIRST_STAGE_AT_START = 6;

  static final int LATEST = FIRST_STAGE_AT_START;

  private RunVersions() {}
}
