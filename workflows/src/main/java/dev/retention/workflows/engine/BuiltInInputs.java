package dev.retention.workflows.engine;

import dev.retention.workflows.atrisk.AtRiskInput;
import dev.retention.workflows.cancellationsave.CancellationSaveInput;
import dev.retention.workflows.contract.RunInput;
import dev.retention.workflows.expansion.ExpansionInput;
import dev.retention.workflows.npsfollowup.NpsFollowUpInput;
import dev.retention.workflows.onboarding.OnboardingInput;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The engine's input for a start of one of the five built-in playbooks, from the typed input their
 * hand-written workflows take: the same values, as the shipped definitions name them; for any other
 * playbook, the values of its {@link DefinedInput}.
 */
public final class BuiltInInputs {

  private BuiltInInputs() {}

  public static EngineInput of(RunInput input, PlaybookDefinition definition) {
    Map<String, String> values = new LinkedHashMap<>();
    switch (input) {
      case AtRiskInput atRisk -> {
        if (atRisk.healthScore() != null) {
          values.put("healthScore", Integer.toString(atRisk.healthScore()));
        }
        values.put("reason", atRisk.reason());
      }
      case ExpansionInput expansion -> {
        values.put("healthScore", Integer.toString(expansion.healthScore()));
        values.put("planUsage", Double.toString(expansion.planUsage()));
      }
      case OnboardingInput ignored -> {}
      case NpsFollowUpInput nps -> {
        values.put("score", Integer.toString(nps.score()));
        if (nps.comment() != null) {
          values.put("comment", nps.comment());
        }
      }
      case CancellationSaveInput cancellation -> {
        values.put("reason", cancellation.reason().name());
        values.put("decisionDeadline", cancellation.decisionDeadline().toString());
      }
      case DefinedInput defined -> values.putAll(defined.inputs());
      default -> throw new IllegalArgumentException("not a built-in playbook's input: " + input);
    }
    return new EngineInput(input.context(), values, input.trigger(), definition);
  }
}
