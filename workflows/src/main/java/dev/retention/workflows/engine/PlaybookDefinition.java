package dev.retention.workflows.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.retention.workflows.ports.TemplateText;
import java.util.List;
import java.util.Map;

/**
 * A playbook as data: what starts it, who may enter, the steps it takes, the stages and the
 * outcomes a CSM may record in each, and how it answers events. The engine ({@link
 * PlaybookEngineImpl}) runs one pinned version of it; docs/playbook-definitions.md describes the
 * format and docs/playbook-definition.schema.json is its JSON Schema.
 *
 * <p>Text fields are templates ({@code "Critical health ({{healthScore}})"}); conditions and values
 * are expressions of {@link Expressions}; times are expressions of an instant, or the shorthand
 * {@code start + P2D} (durations are playbook days and hours, scaled by the run's cadence).
 *
 * @param format the format's version (1)
 * @param id the playbook's id (workflow ids are {@code id-customerId})
 * @param version this version's number (set by the store on publish; 1 in the shipped files)
 * @param name the playbook's name per locale
 * @param description what it is for, per locale
 * @param trigger what starts it
 * @param entry who may enter and when
 * @param inputs what a start gives the run (typed: {@code number}, {@code text}, {@code time})
 * @param vars the run's own variables and their starting values (expressions, in order)
 * @param facts facts shown in the run's state from its start (templates, in order)
 * @param initialStage the stage a run starts in (template)
 * @param firstStep the step a run shows as under way from its first moment (template)
 * @param stages the stages, in order
 * @param milestones the milestones this playbook tracks, in order
 * @param outcomes the outcomes a CSM may record, each with the condition that allows it
 * @param finalOutcomes the outcomes a run of this playbook can end with
 * @param exemptFromSendingRules whether its customer emails skip business hours and the daily cap
 * @param emailVars variables every customer email and alert of this playbook gets (templates)
 * @param emailVarsFrom the name of a map variable spread into every email's variables first
 * @param locales the locales its emails and texts are written for
 * @param steps the main sequence
 * @param on what the run does on each event from outside
 * @param procedures named step lists that steps and handlers {@code call}
 * @param watches named watches for no progress that waits keep ({@link Step.Idle})
 * @param templates email templates this definition writes itself, by template name and locale,
 *     instead of the shipped files (null when it writes none: every name uses its file)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlaybookDefinition(
    Integer format,
    String id,
    Integer version,
    Map<String, String> name,
    Map<String, String> description,
    Trigger trigger,
    Entry entry,
    List<Input> inputs,
    Map<String, String> vars,
    Map<String, String> facts,
    String initialStage,
    String firstStep,
    List<String> stages,
    List<String> milestones,
    List<OutcomeRule> outcomes,
    List<String> finalOutcomes,
    Boolean exemptFromSendingRules,
    Map<String, String> emailVars,
    String emailVarsFrom,
    List<String> locales,
    List<Step> steps,
    Handlers on,
    Map<String, List<Step>> procedures,
    Map<String, Step.Idle> watches,
    Map<String, Map<String, TemplateText>> templates) {

  /** The current format. */
  public static final int FORMAT = 1;

  public PlaybookDefinition {
    name = name == null ? Map.of() : name;
    description = description == null ? Map.of() : description;
    inputs = inputs == null ? List.of() : inputs;
    vars = vars == null ? Map.of() : vars;
    facts = facts == null ? Map.of() : facts;
    stages = stages == null ? List.of() : stages;
    milestones = milestones == null ? List.of() : milestones;
    outcomes = outcomes == null ? List.of() : outcomes;
    finalOutcomes = finalOutcomes == null ? List.of() : finalOutcomes;
    emailVars = emailVars == null ? Map.of() : emailVars;
    locales = locales == null ? List.of("en") : locales;
    steps = steps == null ? List.of() : steps;
    on = on == null ? new Handlers(null, null, null, null, null, null) : on;
    procedures = procedures == null ? Map.of() : procedures;
    watches = watches == null ? Map.of() : watches;
  }

  /** This definition as version {@code number}. */
  public PlaybookDefinition withVersion(int number) {
    return new PlaybookDefinition(
        format,
        id,
        number,
        name,
        description,
        trigger,
        entry,
        inputs,
        vars,
        facts,
        initialStage,
        firstStep,
        stages,
        milestones,
        outcomes,
        finalOutcomes,
        exemptFromSendingRules,
        emailVars,
        emailVarsFrom,
        locales,
        steps,
        on,
        procedures,
        watches,
        templates);
  }

  /** The template's text per locale when this definition writes it, else null (its files). */
  public Map<String, TemplateText> templateOverride(String template) {
    return templates == null || template == null ? null : templates.get(template);
  }

  /** The version, 1 when none is set. */
  public int versionOrFirst() {
    return version == null ? 1 : version;
  }

  /**
   * What starts a run.
   *
   * @param kind {@code manual}, {@code health-band} (entering {@code band}), {@code event} (an
   *     event of type {@code event}) or {@code condition} (over customer facts, checked when they
   *     change)
   * @param band the band whose crossing starts a run
   * @param event the event type that starts a run
   * @param condition the condition over customer facts that starts a run
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Trigger(String kind, String band, String event, String condition) {}

  /**
   * Who may enter: always one running run per customer and playbook; a closed run may be followed
   * after {@code cooldown}; not while a playbook in {@code excludedWhileRunning} runs; starting it
   * ends the customer's runs of {@code supersedes} ({@code SUPERSEDED}).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Entry(
      String cooldown, List<String> excludedWhileRunning, List<String> supersedes) {}

  /** A value a start gives the run. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Input(String name, String type, Boolean required) {}

  /**
   * An outcome a CSM may record while {@code when} holds; {@code noteRequired}, when set, is the
   * rejection given for an empty note.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record OutcomeRule(String type, String when, String noteRequired) {}

  /**
   * What the run does on each event: per outcome type; on the customer's answer; on a new health
   * score; when another playbook takes over; on a milestone; on an upgrade. An event with no
   * handler changes nothing. In a handler, state changes apply at once and steps that call out
   * (emails, tasks, notes) run on the run's main thread right after, in order.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Handlers(
      Map<String, List<Step>> outcome,
      List<Step> responded,
      List<Step> health,
      List<Step> superseded,
      List<Step> milestone,
      List<Step> upgraded) {
    public Handlers {
      outcome = outcome == null ? Map.of() : outcome;
      responded = responded == null ? List.of() : responded;
      health = health == null ? List.of() : health;
      superseded = superseded == null ? List.of() : superseded;
      milestone = milestone == null ? List.of() : milestone;
      upgraded = upgraded == null ? List.of() : upgraded;
    }
  }
}
