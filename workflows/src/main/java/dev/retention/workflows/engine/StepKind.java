package dev.retention.workflows.engine;

import java.util.Arrays;
import java.util.Optional;

/** The fixed set of step kinds the engine implements. */
public enum StepKind {
  /** A customer email from their CSM (sending rules, suppression and replies honoured). */
  EMAIL("email", true),
  /** A CRM task for the CSM, their manager or an executive (an escalation). */
  TASK("task", true),
  /** An alert email to the CSM or their manager. */
  ALERT("alert", true),
  /** A note on the customer. */
  NOTE("note", true),
  /** A tag on the customer. */
  TAG("tag", true),
  /** A line in the run's step log and the customer's timeline. */
  RECORD("record", true),
  /** Tells the backend (a signed webhook). */
  NOTIFY("notify", true),
  /** Computes facts through an activity (the expansion figures: plans, prices, ROI). */
  COMPUTE("compute", true),
  /** Waits, durably, until a time, while a condition holds. */
  WAIT("wait", false),
  /** Branches on a condition. */
  IF("if", false),
  /** Sets the run's variables. */
  SET("set", false),
  /** Sets facts shown in the run's state. */
  FACT("fact", false),
  /** Moves the run to a stage. */
  STAGE("stage", false),
  /** Settles the outcome; follow-up steps may remain. */
  DECIDE("decide", false),
  /** Settles the outcome and ends the run. */
  CLOSE("close", false),
  /** Ends the run (its outcome is decided). */
  FINISH("finish", false),
  /** Leaves the current sequence (main steps, handler or procedure). */
  END("end", false),
  /** Settles the outcome, ends the run and leaves the sequence: a goal or an exit. */
  EXIT("exit", false),
  /** Takes a procedure's steps. */
  CALL("call", false),
  /** The customer answered: automation stops and the CSM gets a follow-up task. */
  HAND_OVER("handOver", false),
  /** The customer answered: no automated email goes to them from now. */
  MARK_RESPONDED("markResponded", false),
  /** The conversation is over: automated emails may go again. */
  CONVERSATION_ENDED("conversationEnded", false),
  /** What the run waited for is moot. */
  CLEAR_WAIT("clearWait", false),
  /** The current wait is on someone else from now. */
  WAITING_ON("waitingOn", false),
  /** Records a milestone as reached (once). */
  REACH("reach", false),
  /** Records now as the moment the customer first got value. */
  FIRST_VALUE("firstValue", false),
  /** Hands steps to the main thread's next wake. */
  QUEUE("queue", false),
  /**
   * An A/B test: takes the steps of one of its weighted variants, the same one for a customer and
   * experiment every time ({@link Variants#assign}), and records which in the run. It writes the
   * timeline, so in a handler it runs after the handler, as steps that call out do.
   */
  SPLIT("split", true);

  private final String id;
  private final boolean callsOut;

  StepKind(String id, boolean callsOut) {
    this.id = id;
    this.callsOut = callsOut;
  }

  /** The name in a definition. */
  public String id() {
    return id;
  }

  /** Whether the step calls an activity: in a handler it runs on the main thread, after. */
  public boolean callsOut() {
    return callsOut;
  }

  public static Optional<StepKind> of(String id) {
    return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst();
  }
}
