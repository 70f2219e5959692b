package dev.retention.workflows.engine;

import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.RunInput;
import java.util.Map;
import java.util.Objects;

/**
 * The start of a playbook that exists only as a definition (no hand-written workflow, so no typed
 * input): the values its definition's {@code inputs} name, as text, and what started it (ids and
 * event names only, as the Temporal UI shows it).
 */
public record DefinedInput(PlaybookContext context, Map<String, String> inputs, String trigger)
    implements RunInput {

  public DefinedInput {
    Objects.requireNonNull(context, "context");
    inputs = inputs == null ? Map.of() : Map.copyOf(inputs);
    trigger = trigger == null ? "by hand" : trigger;
  }
}
