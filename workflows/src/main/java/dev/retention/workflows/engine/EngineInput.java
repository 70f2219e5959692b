package dev.retention.workflows.engine;

import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.RunInput;
import java.util.Map;
import java.util.Objects;

/**
 * Starts a run on the engine: the values its start gives ({@code inputs}, as text, typed by the
 * definition); what started it, for the Temporal UI; and the whole definition version it follows,
 * pinned here so the run never changes under itself whatever is published later (last, so the
 * Temporal UI shows the run's own values first).
 */
public record EngineInput(
    PlaybookContext context,
    Map<String, String> inputs,
    String trigger,
    PlaybookDefinition definition)
    implements RunInput {

  public EngineInput {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(definition, "definition");
    // The one copy of this version in this JVM: a run's input stays in memory as long as the run.
    definition = SharedDefinitions.canonical(definition);
    inputs = inputs == null ? Map.of() : inputs;
    trigger = trigger == null ? "by hand" : trigger;
  }

  /**
   * The definition's first stage where it is written out (its {@code initialStage} as plain text,
   * or its first stage when it names none); null where the run renders it from its start (a
   * template such as nps-follow-up's, which reads the answer's category).
   */
  @Override
  public String firstStage() {
    String initial = definition.initialStage();
    if (initial == null) {
      return definition.stages() == null || definition.stages().isEmpty()
          ? null
          : definition.stages().getFirst();
    }
    return Template.holdsExpressions(initial) ? null : initial;
  }
}
