package dev.retention.workflows.ports;

/**
 * Types of permanent activity failures, used as non-retryable {@code ApplicationFailure} types:
 * retrying them cannot help.
 */
public enum FailureType {
  UNKNOWN_CUSTOMER,
  INVALID_REQUEST,
  TEMPLATE_ERROR,
  EMAIL_REJECTED,
  /** The run was stopped before this step was claimed: nothing more goes out on its behalf. */
  RUN_CANCELLED;

  /** Names for {@code RetryOptions.setDoNotRetry}. */
  public static String[] names() {
    return java.util.Arrays.stream(values()).map(Enum::name).toArray(String[]::new);
  }
}
