package dev.retention.workflows.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.retention.workflows.ports.TaskEnding;
import java.util.List;
import java.util.Map;

/**
 * One step of a definition; {@code kind} (a {@link StepKind}) says which fields it uses. Every step
 * may carry {@code when}: it is taken only while that holds.
 *
 * @param kind the step kind
 * @param id the step's name on the timeline, in the Temporal UI and in keys (template)
 * @param when the condition under which the step is taken
 * @param template email: the template's name (template)
 * @param vars email, alert: variables for the template (templates)
 * @param at email, record: the step's planned time (time)
 * @param title task, hand-over: the task's title (template)
 * @param body task: its body; note: the note (template)
 * @param assignee task: {@code CSM}, {@code MANAGER} or {@code EXECUTIVE}
 * @param priority task, hand-over: {@code NORMAL}, {@code HIGH} or {@code URGENT}
 * @param due task: when it is due (time)
 * @param dueIn hand-over: how long after now the task is due (playbook duration)
 * @param recipient alert: {@code CSM} or {@code MANAGER}
 * @param tag tag: the tag
 * @param result record: the step result
 * @param detail record: the detail (template)
 * @param until wait: until when (time)
 * @param on wait: who the wait is on, {@code CSM}, {@code CUSTOMER} or {@code AUTOMATED_STEP}
 *     (template); waiting-on: who the current wait is on from now
 * @param waitingFor wait: what the run waits for, in words (template)
 * @param keepOn wait: the wait ends early once this stops holding ({@code while})
 * @param then if, wait: the steps taken when the condition holds or the wait's time came
 * @param otherwise if, wait: the steps taken otherwise ({@code else})
 * @param stage stage: the stage (template)
 * @param outcome decide, close, exit: the run's outcome
 * @param reason decide, close, exit: why (template)
 * @param set set: variables and their new values (expressions)
 * @param fact fact: facts shown in the run's state (templates)
 * @param call call: the procedure
 * @param with call: its arguments (expressions)
 * @param source hand-over: who said the customer answered (expression)
 * @param stopped hand-over: what stopped, in words
 * @param onCsmRequest email: asked for by the CSM, so it goes out even while they own the
 *     conversation (a condition)
 * @param event notify: the event type the backend is told
 * @param data notify: its data (templates)
 * @param function compute: {@code expansionFigures} or {@code usageFigures}
 * @param idle wait: the name of a watch for no progress while waiting (the definition's {@code
 *     watches}; onboarding's stall)
 * @param milestone reach: the milestone reached (expression)
 * @param steps queue: steps the main thread takes at its next wake
 * @param endsOn task, handOver: what ends the task (steps of the run that do its work, outcomes
 *     that do, whether a decided outcome makes it moot); none: a person closes it
 * @param experiment split: the experiment's name, unique in the definition (the run records its
 *     variant under it)
 * @param variants split: the variants, in order, each with a weight and its steps
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Step(
    String kind,
    String id,
    String when,
    String template,
    Map<String, String> vars,
    String at,
    String title,
    String body,
    String assignee,
    String priority,
    String due,
    String dueIn,
    String recipient,
    String tag,
    String result,
    String detail,
    String until,
    String on,
    String waitingFor,
    @JsonProperty("while") String keepOn,
    List<Step> then,
    @JsonProperty("else") List<Step> otherwise,
    String stage,
    String outcome,
    String reason,
    Map<String, String> set,
    Map<String, String> fact,
    String call,
    Map<String, String> with,
    String source,
    String stopped,
    String onCsmRequest,
    String event,
    Map<String, String> data,
    String function,
    String idle,
    String milestone,
    List<Step> steps,
    TaskEnding endsOn,
    String experiment,
    List<Variant> variants) {

  public Step {
    then = then == null ? List.of() : then;
    otherwise = otherwise == null ? List.of() : otherwise;
    steps = steps == null ? List.of() : steps;
    variants = variants == null ? List.of() : variants;
  }

  /**
   * One variant of a split: its name (recorded in the run and reported), its weight (a positive
   * whole number; a variant's share is its weight over the sum of the split's weights) and the
   * steps a run assigned to it takes.
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Variant(String name, Integer weight, List<Step> steps) {
    public Variant {
      steps = steps == null ? List.of() : steps;
    }
  }

  /**
   * While a wait runs, a watch for no progress: once {@code when} holds and {@code after} (a
   * playbook duration) has passed since the instant in {@code since} with no change of stage, the
   * run takes {@code then} and waits on. The watch's own wait is named {@code id}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Idle(
      String id,
      String since,
      String after,
      String when,
      String on,
      String waitingFor,
      List<Step> then) {
    public Idle {
      then = then == null ? List.of() : then;
    }
  }
}
