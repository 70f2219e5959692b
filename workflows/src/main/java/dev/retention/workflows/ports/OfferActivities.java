package dev.retention.workflows.ports;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Figures for offers, computed from the customer's own usage and the plan catalogue. */
@ActivityInterface
public interface OfferActivities {

  @ActivityMethod
  ExpansionFigures expansionFigures(ExpansionFiguresRequest request);
}
