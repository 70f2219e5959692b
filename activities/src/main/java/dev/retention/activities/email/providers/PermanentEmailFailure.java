package dev.retention.activities.email.providers;

/** The provider rejected the email for good (bad address, rejected content). */
public class PermanentEmailFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public PermanentEmailFailure(String message) {
    super(message);
  }
}
