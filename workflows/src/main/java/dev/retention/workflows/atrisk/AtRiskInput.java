package dev.retention.workflows.atrisk;

import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.RunInput;
import java.util.regex.Pattern;

/**
 * Starts an at-risk run: the customer's health score when it was triggered (null when it has none
 * yet), and why.
 */
public record AtRiskInput(PlaybookContext context, Integer healthScore, String reason)
    implements RunInput {

  private static final Pattern HEALTH_FELL = Pattern.compile("health fell to \\d{1,3}");

  /**
   * The health sweep's reason as it is; any other (typed by whoever started the run by hand) is not
   * shown.
   */
  @Override
  public String trigger() {
    String why = reason != null && HEALTH_FELL.matcher(reason).matches() ? reason : "by hand";
    return critical() ? why + ", critical band" : why;
  }

  @Override
  public String firstStage() {
    return AtRiskStage.OUTREACH.name();
  }

  /** Below 40 the customer is in the critical band: the CSM must call within 24 hours. */
  public boolean critical() {
    return healthScore != null && healthScore < 40;
  }
}
