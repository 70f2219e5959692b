package dev.retention.workflows.engine;

import dev.retention.workflows.common.PlaybookContext;
import dev.retention.workflows.common.RunInput;
import java.util.Map;
import java.util.Objects;

/**
 * Starts a run on the engine: the whole definition version it follows, pinned here so the run never
 * changes under itself whatever is published later; the values its start gives ({@code inputs}, as
 * text, typed by the definition); and what started it, for the Temporal UI.
 */
public record EngineInput(
    PlaybookContext context,
    PlaybookDefinition definition,
    Map<String, String> inputs,
    String trigger)
    implements RunInput {

  public EngineInput {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(definition, "definition");
    inputs = inputs == null ? Map.of() : inputs;
    trigger = trigger == null ? "by hand" : trigger;
  }
}
