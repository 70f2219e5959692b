package dev.retention.workflows.ports;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What ends a task a playbook defined by a team creates, as its definition says (the built-in
 * playbooks' tasks end as their table in docs/playbooks.md says): a step of the run on its timeline
 * that does the task's work ({@code steps}, e.g. {@code outreach-done}) closes it {@code DONE}; so
 * does a decided outcome it names ({@code outcomes}); once the run's outcome is decided otherwise,
 * {@code obsoleteWhenDecided} closes it {@code OBSOLETE}. A task with none of these stays open
 * until a person closes it.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TaskEnding(List<String> steps, List<String> outcomes, Boolean obsoleteWhenDecided) {

  public TaskEnding {
    steps = steps == null ? List.of() : List.copyOf(steps);
    outcomes = outcomes == null ? List.of() : List.copyOf(outcomes);
  }

  /** Whether a decided outcome makes the task moot. */
  public boolean moot() {
    return Boolean.TRUE.equals(obsoleteWhenDecided);
  }
}
