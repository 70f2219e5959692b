package dev.retention.workflows.cancellationsave;

/** Why the customer asked to cancel; the save offer follows from it. */
public enum CancellationReason {
  TOO_EXPENSIVE(SaveOffer.DISCOUNT_OR_DOWNGRADE),
  NOT_USING(SaveOffer.PAUSE_BILLING),
  MISSING_FEATURE(SaveOffer.DEDICATED_SUPPORT),
  PRODUCT_ISSUE(SaveOffer.DEDICATED_SUPPORT),
  OTHER(SaveOffer.PAUSE_BILLING);

  private final SaveOffer offer;

  CancellationReason(SaveOffer offer) {
    this.offer = offer;
  }

  public SaveOffer offer() {
    return offer;
  }
}
