package dev.retention.workflows.ports;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Figures for offers, computed from the customer's own usage and the plan catalogue: the expansion
 * ROI, and the usage a trial's offers are chosen by.
 */
@ActivityInterface
public interface OfferActivities {

  @ActivityMethod
  ExpansionFigures expansionFigures(ExpansionFiguresRequest request);

  /** The customer's latest measured usage (read only). */
  @ActivityMethod
  UsageFigures usageFigures(UsageFiguresRequest request);
}
