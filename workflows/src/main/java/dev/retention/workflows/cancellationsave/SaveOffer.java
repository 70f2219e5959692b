package dev.retention.workflows.cancellationsave;

/** The offers a cancellation-save run can make. */
public enum SaveOffer {
  DISCOUNT_OR_DOWNGRADE(
      "a discount, or a downgrade to a smaller plan that keeps your key features"),
  PAUSE_BILLING(
      "pausing your billing for up to 3 months, with your data and setup kept as they are"),
  DEDICATED_SUPPORT(
      "dedicated support from our team and a direct line to our product managers to get this fixed");

  private final String description;

  SaveOffer(String description) {
    this.description = description;
  }

  /** The offer in words, for the email and the CSM's task. */
  public String description() {
    return description;
  }
}
