package dev.retention.workflows.atrisk;

import dev.retention.workflows.common.PlaybookContext;

/**
 * Starts an at-risk run: the customer's health score when it was triggered (null when it has none
 * yet), and why.
 */
public record AtRiskInput(PlaybookContext context, Integer healthScore, String reason) {

  /** Below 40 the customer is in the critical band: the CSM must call within 24 hours. */
  public boolean critical() {
    return healthScore != null && healthScore < 40;
  }
}
