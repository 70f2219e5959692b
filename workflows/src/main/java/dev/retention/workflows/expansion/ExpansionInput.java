package dev.retention.workflows.expansion;

import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.RunInput;

/** Starts an expansion run: the health score and plan usage (0..1) that triggered it. */
public record ExpansionInput(PlaybookContext context, int healthScore, double planUsage)
    implements RunInput {

  @Override
  public String trigger() {
    return "health " + healthScore + ", plan usage " + Math.round(planUsage * 100) + "%";
  }

  @Override
  public String firstStage() {
    return ExpansionPlaybookImpl.Stage.USAGE_NOTIFIED.name();
  }
}
