package dev.retention.workflows.contract;

import io.temporal.failure.ApplicationFailure;
import java.util.Optional;

/**
 * Why a CSM outcome was refused. The name travels as the {@link ApplicationFailure} type, so a
 * caller tells the reasons apart without reading messages or class names.
 */
public enum OutcomeRejection {
  /** The request has no outcome type. */
  TYPE_REQUIRED(false),
  /** The type is not one this playbook takes in its current stage. */
  NOT_ALLOWED_NOW(false),
  /** The type needs a note (e.g. the recovery plan) and none was given. */
  NOTE_REQUIRED(false),
  /** The run's outcome is decided; only follow-up steps are left. */
  OUTCOME_DECIDED(true),
  /** The run has closed. */
  RUN_CLOSED(true);

  private final boolean runMovedOn;

  OutcomeRejection(boolean runMovedOn) {
    this.runMovedOn = runMovedOn;
  }

  /**
   * True when the request was fine but the run has moved past the point where it applies (HTTP
   * 409); false when the request itself is wrong for this run (HTTP 400).
   */
  public boolean runMovedOn() {
    return runMovedOn;
  }

  /** The failure an update handler throws (the update is accepted, then fails). */
  public ApplicationFailure failure(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, name());
  }

  /**
   * What a validator throws. SDK 1.38 converts an {@link ApplicationFailure} thrown by a validator
   * into one of type {@code WorkflowExecutionException}, losing our type; a plain exception is
   * converted with its causes, so the typed failure travels as the cause.
   */
  public RuntimeException rejection(String message) {
    return new Rejected(message, failure(message));
  }

  /** The rejection in a failure's causes, if there is one. */
  public static Optional<OutcomeRejection> in(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure application) {
        for (OutcomeRejection rejection : values()) {
          if (rejection.name().equals(application.getType())) {
            return Optional.of(rejection);
          }
        }
      }
    }
    return Optional.empty();
  }

  /** A validator's rejection; its cause is the typed failure. */
  static final class Rejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Rejected(String message, ApplicationFailure cause) {
      super(message, cause);
    }
  }
}
