package dev.retention.workflows.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.retention.workflows.Definitions;
import dev.retention.workflows.engine.DefinitionValidator.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DefinitionValidatorTest {

  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  /** The email templates the activities module ships, as the app finds them. */
  static final Path TEMPLATES =
      Path.of("..", "activities", "src", "main", "resources", "templates", "email");

  static final DefinitionValidator.Templates SHIPPED_TEMPLATES =
      (locale, name) -> Files.isRegularFile(TEMPLATES.resolve(locale).resolve(name + ".txt"));

  private final DefinitionValidator validator = new DefinitionValidator(SHIPPED_TEMPLATES);

  /** A small definition that is fine; each test below adds one mistake to it. */
  private static final String HEADER =
      """
      format: 1
      id: test
      trigger: {kind: manual}
      inputs: [{name: healthScore, type: number}]
      vars: {handedOver: "false"}
      stages: [FIRST, SECOND]
      outcomes: [{type: SAVED}]
      finalOutcomes: [SAVED, CHURNED]
      locales: [en, nl]
      """;

  private static final String HANDLERS =
      """
      on:
        outcome:
          SAVED: [{kind: close, outcome: SAVED, reason: recorded by the CSM}]
      """;

  private List<DefinitionProblem> problems(String yaml) {
    return problems(yaml, Limits.DEFAULT);
  }

  private List<DefinitionProblem> problems(String yaml, Limits limits) {
    try {
      return validator.validate(YAML.readValue(yaml, PlaybookDefinition.class), limits);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private List<String> pointers(String yaml) {
    return problems(yaml).stream().map(DefinitionProblem::pointer).toList();
  }

  private static String steps(String steps) {
    return HEADER + HANDLERS + "steps:\n" + steps.stripIndent().indent(2);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "at-risk",
        "cancellation-save",
        "expansion",
        "nps-follow-up",
        "onboarding",
        "trial-conversion"
      })
  void shippedDefinitions_haveNoProblems(String id) {
    assertThat(TEMPLATES.resolve("en").resolve("at-risk").resolve("day-1.txt")).isRegularFile();
    assertThat(validator.validate(Definitions.load(id), Limits.DEFAULT)).isEmpty();
  }

  @Test
  void theShippedAtRisk_inALocaleWithNoTemplates_missesEachOfItsEmails() throws Exception {
    String yaml;
    try (var in = getClass().getResourceAsStream("/playbooks/at-risk.yaml")) {
      yaml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    List<DefinitionProblem> problems =
        problems(yaml.replace("locales: [en, nl]", "locales: [en, nl, de]"));
    assertThat(problems)
        .extracting(DefinitionProblem::pointer)
        .containsExactly(
            "/steps/0/template", "/steps/2/then/0/template", "/steps/4/then/1/template");
    assertThat(problems.get(1).message())
        .isEqualTo(
            "there is no de template 'at-risk/day-3', and de is one of this playbook's locales");
  }

  @Test
  void theExampleInTheDocs_hasNoProblems() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "playbook-definitions.md"));
    int from = doc.indexOf("```yaml\n") + "```yaml\n".length();
    String example = doc.substring(from, doc.indexOf("```", from));
    assertThat(example).contains("id: renewal-check");
    assertThat(problems(example)).isEmpty();
  }

  @Test
  void aTasksEnding_namesOutcomesOfThePlaybook_andSaysSomething() {
    String task =
        """
        - kind: task
          id: call
          assignee: CSM
          title: Call them
          due: now + P1D
          priority: HIGH
          endsOn: %s
        """;
    assertThat(problems(steps(task.formatted("{steps: [call-done], outcomes: [SAVED]}"))))
        .isEmpty();
    assertThat(problems(steps(task.formatted("{outcomes: [SAVED, UPGRADED]}"))))
        .extracting(DefinitionProblem::pointer, DefinitionProblem::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "/steps/0/endsOn/outcomes/1",
                "'UPGRADED' is not one of this playbook's final outcomes [SAVED, CHURNED]"));
    assertThat(pointers(steps(task.formatted("{}")))).containsExactly("/steps/0/endsOn");
    assertThat(
            pointers(
                steps(
                    """
                    - {kind: note, id: n, body: hello, endsOn: {outcomes: [SAVED]}}
                    """)))
        .containsExactly("/steps/0/endsOn");
  }

  @Test
  void aSmallDefinition_hasNoProblems() {
    assertThat(
            problems(
                steps(
                    """
                    - {kind: email, id: day-1-email, template: at-risk/day-1, at: start}
                    - {kind: wait, id: day-3, until: start + P2D, while: "!handedOver"}
                    - {kind: stage, stage: SECOND}
                    """)))
        .isEmpty();
  }

  // ---- kinds and their fields ------------------------------------------------------------------

  @Test
  void unknownStepKind_isRefusedAtItsKind() {
    List<DefinitionProblem> problems =
        problems(steps("- {kind: emial, id: x, template: at-risk/day-1}"));
    assertThat(problems).extracting(DefinitionProblem::pointer).containsExactly("/steps/0/kind");
    assertThat(problems.get(0).message()).contains("'emial' is not a step kind", "email");
  }

  @Test
  void aKindSpelledOtherwiseThanTheSchemaSays_isRefused() {
    // The engine, the schema and the docs name one spelling.
    assertThat(
            problems(
                HEADER
                    + """
                    on:
                      outcome:
                        SAVED: [{kind: close, outcome: SAVED, reason: saved}]
                      responded: [{kind: markresponded}]
                    """))
        .containsExactly(
            new DefinitionProblem("/on/responded/0/kind", "write the kind as 'markResponded'"));
  }

  @Test
  void emailWithoutTemplate_isRefusedAtTheStep() {
    List<DefinitionProblem> problems = problems(steps("- {kind: email, id: day-1-email}"));
    assertThat(problems).extracting(DefinitionProblem::pointer).containsExactly("/steps/0");
    assertThat(problems.get(0).message()).isEqualTo("an email step needs 'template'");
  }

  @Test
  void taskWithoutTitleAssigneeDueAndPriority_namesEachMissingField() {
    List<DefinitionProblem> problems =
        problems(
            steps(
                """
                - kind: if
                  when: "healthScore < 40"
                  then: [{kind: task, id: call}]
                """));
    assertThat(problems).extracting(DefinitionProblem::pointer).containsOnly("/steps/0/then/0");
    assertThat(problems)
        .extracting(DefinitionProblem::message)
        .containsExactly(
            "a task step needs 'assignee'",
            "a task step needs 'title'",
            "a task step needs 'due'",
            "a task step needs 'priority'");
  }

  @Test
  void aFieldTheKindDoesNotUse_isRefusedAtTheField() {
    assertThat(pointers(steps("- {kind: tag, tag: vip, template: at-risk/day-1}")))
        .containsExactly("/steps/0/template");
  }

  @Test
  void waitWithoutUntil_isAWaitForAnEventWithNoTimeout() {
    List<DefinitionProblem> problems =
        problems(steps("- {kind: wait, id: reply, on: CUSTOMER, while: '!handedOver'}"));
    assertThat(problems).extracting(DefinitionProblem::pointer).containsExactly("/steps/0");
    assertThat(problems.get(0).message()).contains("no timeout");
  }

  // ---- values from fixed sets -------------------------------------------------------------------

  @Test
  void badAssigneeAndPriority_areRefusedAtTheirFields() {
    assertThat(
            pointers(
                steps(
                    """
                    - {kind: task, id: t, assignee: BOSS, title: Call, due: start + P1D, priority: LOW}
                    """)))
        .containsExactly("/steps/0/assignee", "/steps/0/priority");
  }

  @Test
  void badOutcomeType_isRefusedInOutcomesAndHandlers() {
    String yaml =
        HEADER.replace("outcomes: [{type: SAVED}]", "outcomes: [{type: SAVED}, {type: WON}]")
            + """
            on:
              outcome:
                SAVED: [{kind: close, outcome: SAVED, reason: saved}]
                LOST: [{kind: close, outcome: CHURNED, reason: lost}]
            """;
    assertThat(pointers(yaml)).containsExactly("/outcomes/1/type", "/on/outcome/LOST");
  }

  @Test
  void badRunOutcome_andOneNotAmongTheFinalOutcomes_areRefusedAtTheOutcome() {
    assertThat(
            problems(
                steps(
                    """
                    - {kind: decide, outcome: WON, reason: why}
                    - {kind: exit, outcome: RECOVERED, reason: why}
                    """)))
        .containsExactly(
            new DefinitionProblem(
                "/steps/0/outcome",
                "'WON' is not a run outcome; use CHURNING, SAVED, CHURNED, RECOVERED, UNRESOLVED,"
                    + " SUPERSEDED, CANCELLED, EXPIRED, UPGRADED, DECLINED, HEALTH_DROPPED,"
                    + " TRIAL_EXPIRED, COMPLETED, INCOMPLETE, ADVOCACY_INVITED, FEEDBACK_CAPTURED,"
                    + " NO_REPLY or RESOLVED"),
            new DefinitionProblem(
                "/steps/1/outcome",
                "'RECOVERED' is not one of this playbook's final outcomes; use SAVED or CHURNED"));
  }

  @Test
  void badStepResultAndWaitingOn_areRefusedAtTheirFields() {
    assertThat(
            pointers(
                steps(
                    """
                    - {kind: record, id: r, result: DONE}
                    - {kind: waitingOn, on: NOBODY}
                    - {kind: wait, id: w, until: start + P1D, on: MANAGER}
                    - {kind: if, when: "result == 'GONE'", then: [{kind: finish}]}
                    - {kind: email, id: e, template: at-risk/day-1}
                    """)))
        .containsExactlyInAnyOrder(
            "/steps/0/result", "/steps/1/on", "/steps/2/on", "/steps/3/when");
  }

  @Test
  void aStageNotDeclared_isRefusedInStepsOutcomesAndTheFirstStage() {
    String yaml =
        HEADER
                .replace(
                    "outcomes: [{type: SAVED}]",
                    "outcomes: [{type: SAVED, when: \"stage == 'CALL'\"}]")
                .replace("stages:", "initialStage: START\nstages:")
            + HANDLERS
            + "steps: [{kind: stage, stage: THIRD}]\n";
    assertThat(pointers(yaml))
        .containsExactly("/outcomes/0/when", "/initialStage", "/steps/0/stage");
  }

  @Test
  void aStageFromAProcedureArgument_isCheckedAgainstTheStages() {
    assertThat(
            problems(
                HEADER
                    + HANDLERS
                    + """
                    steps: [{kind: call, call: move, with: {next: "'THIRD'"}}]
                    procedures:
                      move: [{kind: stage, stage: "{{next}}"}]
                    """))
        .containsExactly(
            new DefinitionProblem(
                "/procedures/move/0/stage",
                "'THIRD' is not one of this playbook's stages; use FIRST or SECOND"));
  }

  @Test
  void duplicateStage_isRefusedAtTheSecond() {
    assertThat(pointers(HEADER.replace("[FIRST, SECOND]", "[FIRST, SECOND, FIRST]") + HANDLERS))
        .containsExactly("/stages/2");
  }

  // ---- expressions, templates, times ------------------------------------------------------------

  @Test
  void expressionsTemplatesAndTimesThatDoNotParse_areRefusedAtTheirFields() {
    assertThat(
            pointers(
                steps(
                    """
                    - {kind: if, when: "healthScore <", then: [{kind: finish}]}
                    - {kind: note, id: n, body: "Score {{healthScore +}}"}
                    - {kind: wait, id: w, until: "start + "}
                    - {kind: wait, id: v, until: start + P2X}
                    """)))
        .containsExactly("/steps/0/when", "/steps/1/body", "/steps/2/until", "/steps/3/until");
  }

  @Test
  void aConditionOnAnUnknownFact_isRefusedAtTheCondition() {
    List<DefinitionProblem> problems =
        problems(steps("- {kind: if, when: \"plan == 'pro'\", then: [{kind: finish}]}"));
    assertThat(problems)
        .containsExactly(
            new DefinitionProblem(
                "/steps/0/when", "'plan' is not an input, variable or fact of this playbook"));
  }

  @Test
  void namesSetBySetAndFactSteps_areKnown() {
    assertThat(
            problems(
                steps(
                    """
                    - {kind: set, set: {tries: "0"}}
                    - {kind: fact, fact: {churnedAt: "{{now}}"}}
                    - {kind: wait, id: w, until: churnedAt + P1D, while: "tries < 3"}
                    """)))
        .isEmpty();
  }

  @Test
  void anEventFieldTheHandlerDoesNotHave_isRefusedAtTheField() {
    String yaml =
        HEADER
            + """
            on:
              outcome:
                SAVED: [{kind: close, outcome: SAVED, reason: "{{event.note}}"}]
              responded:
                - {kind: note, id: n, body: "score {{event.score}}"}
            steps:
              - {kind: note, id: m, body: "{{event.reason}}"}
            """;
    assertThat(problems(yaml))
        .containsExactly(
            new DefinitionProblem(
                "/steps/0/body",
                "'event.reason' is known only in a handler (under on:), about its event"),
            new DefinitionProblem(
                "/on/responded/0/body",
                "'event.score' is not part of this event; this handler has event.source"));
  }

  @Test
  void aProcedureArgumentNotPassedByEveryCaller_isRefusedNamingTheCall() {
    String yaml =
        HEADER
            + """
            on:
              outcome:
                SAVED:
                  - {kind: call, call: thank, with: {who: "'csm'"}}
                  - {kind: close, outcome: SAVED, reason: saved}
              responded:
                - {kind: call, call: thank}
            procedures:
              thank:
                - {kind: note, id: thanks, body: "thanks from {{who}}"}
            """;
    assertThat(problems(yaml))
        .containsExactly(
            new DefinitionProblem(
                "/procedures/thank/0/body",
                "'who' is not an input, variable or fact of this playbook, and the call at"
                    + " /on/responded/0/call does not pass it"));
  }

  @Test
  void variablesReadOnlyWhatIsKnownAtTheStart() {
    String yaml =
        HEADER.replace("vars: {handedOver: \"false\"}", "vars: {handedOver: \"stage == 'FIRST'\"}")
            + HANDLERS;
    assertThat(pointers(yaml)).containsExactly("/vars/handedOver");
  }

  // ---- what nothing reaches ---------------------------------------------------------------------

  @Test
  void aStepAfterAnEndOrAnExit_isUnreachable() {
    String yaml =
        HEADER
            + """
            on:
              outcome:
                SAVED:
                  - {kind: exit, outcome: SAVED, reason: saved}
                  - {kind: note, id: late, body: too late}
            steps:
              - {kind: if, when: "healthScore < 40", then: [{kind: end}], else: [{kind: end}]}
              - {kind: tag, tag: never}
              - {kind: tag, tag: never-either}
            """;
    assertThat(pointers(yaml)).containsExactly("/steps/1", "/on/outcome/SAVED/1");
  }

  @Test
  void anEndWithACondition_leavesTheNextStepReachable() {
    assertThat(
            problems(
                steps(
                    """
                    - {kind: end, when: "healthScore < 40"}
                    - {kind: tag, tag: reached}
                    """)))
        .isEmpty();
  }

  @Test
  void anUnusedProcedureOrWatch_isUnreachable() {
    String yaml =
        steps("- {kind: tag, tag: x}")
            + """
            procedures:
              forgotten: [{kind: tag, tag: y}]
            watches:
              stall: {id: stall, since: start, after: P3D, when: "true", on: CUSTOMER, waitingFor: progress}
            """;
    assertThat(pointers(yaml)).containsExactly("/procedures/forgotten", "/watches/stall");
  }

  @Test
  void aHandlerForAnOutcomeNoCsmMayRecord_isUnreachable_andAnOutcomeWithNoHandlerIsRefused() {
    String yaml =
        HEADER.replace("outcomes: [{type: SAVED}]", "outcomes: [{type: SAVED}, {type: DECLINED}]")
            + """
            on:
              outcome:
                SAVED: [{kind: close, outcome: SAVED, reason: saved}]
                CHURNED: [{kind: close, outcome: CHURNED, reason: churned}]
            """;
    assertThat(pointers(yaml)).containsExactly("/outcomes/1/type", "/on/outcome/CHURNED");
  }

  // ---- templates
  // ---------------------------------------------------------------------------------

  @Test
  void anEmailWithoutATemplateForALocale_isRefusedAtItsTemplate() {
    List<DefinitionProblem> problems =
        new DefinitionValidator((locale, name) -> !locale.equals("nl"))
            .validate(
                read(steps("- {kind: email, id: e, template: at-risk/day-1}")), Limits.DEFAULT);
    assertThat(problems)
        .containsExactly(
            new DefinitionProblem(
                "/steps/0/template",
                "there is no nl template 'at-risk/day-1', and nl is one of this playbook's"
                    + " locales"));
  }

  @Test
  void aTemplateNamedByAnExpression_isCheckedForEachValueItCanHave() {
    String yaml =
        steps(
            """
            - {kind: set, set: {level: "healthScore > 50 ? 'HIGH' : 'RARE'"}}
            - {kind: email, id: e, template: "onboarding/conversion-{{lower(level)}}"}
            - {kind: email, id: f, template: "onboarding/{{customerId}}"}
            """);
    assertThat(problems(yaml))
        .extracting(DefinitionProblem::pointer, DefinitionProblem::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "/steps/1/template",
                "there is no en template 'onboarding/conversion-rare', and en is one of this"
                    + " playbook's locales"),
            org.assertj.core.groups.Tuple.tuple(
                "/steps/1/template",
                "there is no nl template 'onboarding/conversion-rare', and nl is one of this"
                    + " playbook's locales"));
  }

  // ---- waits and loops
  // ---------------------------------------------------------------------------

  @Test
  void aWaitThatCannotEnd_orIsOverBeforeItStarts_isRefusedAtItsUntil() {
    assertThat(
            pointers(
                steps(
                    """
                    - {kind: wait, id: never, until: "null"}
                    - {kind: wait, id: at-once, until: start + P0D}
                    """)))
        .containsExactly("/steps/0/until", "/steps/1/until");
  }

  @Test
  void aLoopWithNoWait_isRefusedAtTheCallThatClosesIt() {
    String yaml =
        steps("- {kind: call, call: remind}")
            + """
            procedures:
              remind:
                - {kind: tag, tag: reminded}
                - {kind: call, call: repeat}
              repeat:
                - {kind: call, call: remind}
            """;
    List<DefinitionProblem> problems = problems(yaml);
    assertThat(problems)
        .extracting(DefinitionProblem::pointer)
        .containsExactly("/procedures/repeat/0/call");
    assertThat(problems.get(0).message())
        .contains("a loop with no wait", "remind → repeat → remind");
  }

  @Test
  void aLoopWithAWait_isFine() {
    String yaml =
        steps("- {kind: call, call: remind}")
            + """
            procedures:
              remind:
                - {kind: wait, id: weekly, until: now + P7D, while: "!handedOver"}
                - {kind: call, call: remind}
            """;
    assertThat(problems(yaml)).isEmpty();
  }

  @Test
  void moreStepsThanTheLimit_isRefusedAtTheFirstStepOverIt() {
    String yaml =
        steps(
            """
            - {kind: tag, tag: a}
            - kind: if
              when: "healthScore < 40"
              then: [{kind: tag, tag: b}, {kind: tag, tag: c}]
            """);
    // The handler's close is the fifth.
    assertThat(problems(yaml, new Limits(5))).isEmpty();
    assertThat(problems(yaml, new Limits(3)))
        .containsExactly(
            new DefinitionProblem(
                "/steps/1/then/1",
                "this is step 4: a playbook may have at most 3 steps, nested ones counted"));
  }

  // ---- handlers ---------------------------------------------------------------------------------

  @Test
  void handOverAndQueueOutsideAHandler_andAWaitInOne_areRefused() {
    String yaml =
        HEADER
            + """
            on:
              outcome:
                SAVED: [{kind: close, outcome: SAVED, reason: saved}]
              responded:
                - {kind: call, call: answered}
                - {kind: wait, id: w, until: now + P1D}
            procedures:
              answered:
                - {kind: handOver, id: follow-up, title: Follow up, source: event.source, dueIn: P1D, priority: HIGH}
            steps:
              - {kind: handOver, id: h, title: Follow up, source: "'csm'", dueIn: P1D, priority: HIGH}
              - {kind: queue, steps: [{kind: tag, tag: later}]}
            """;
    assertThat(pointers(yaml)).containsExactly("/steps/0", "/steps/1", "/on/responded/1");
  }

  @Test
  void aQueueInAPlaybookWhoseWaitsKeepNoWatch_wouldNeverRun() {
    String yaml =
        HEADER
            + """
            on:
              outcome:
                SAVED: [{kind: close, outcome: SAVED, reason: saved}]
              milestone:
                - {kind: queue, steps: [{kind: tag, tag: milestone}]}
            steps:
              - {kind: wait, id: w, until: start + P14D}
            """;
    assertThat(pointers(yaml)).containsExactly("/on/milestone/0");
  }

  @Test
  void theRunsOwnFunctions_areRefusedInVariablesAndTheFirstStage() {
    String yaml =
        HEADER
                .replace(
                    "vars: {handedOver: \"false\"}",
                    "vars: {handedOver: \"false\", deadline: \"after(start, 'P14D')\"}")
                .replace(
                    "stages:",
                    "initialStage: \"{{reachedCount() > 0 ? 'SECOND' : 'FIRST'}}\"\nstages:")
            + HANDLERS;
    assertThat(pointers(yaml)).containsExactly("/vars/deadline", "/initialStage");
  }

  @Test
  void aCallToAnUnknownProcedure_isRefusedAtTheCall() {
    assertThat(pointers(steps("- {kind: call, call: nowhere}"))).containsExactly("/steps/0/call");
  }

  // ---- the definition's own fields --------------------------------------------------------------

  @Test
  void formatNotOne_andAnIdThatIsNotASlug_areRefused() {
    String yaml =
        HEADER.replace("format: 1", "format: 2").replace("id: test", "id: At Risk") + HANDLERS;
    assertThat(pointers(yaml)).containsExactly("/format", "/id");
  }

  @Test
  void pointers_escapeSlashesAndTildes() {
    assertThat(DefinitionValidator.pointer("/procedures", "a/b~c"))
        .isEqualTo("/procedures/a~1b~0c");
  }

  // ---- A/B splits
  // --------------------------------------------------------------------------------

  @Test
  void aSplitWithTwoWeightedVariants_hasNoProblems() {
    assertThat(
            problems(
                steps(
                    """
                    - kind: split
                      id: day-1-subject-ab
                      experiment: day-1-subject
                      variants:
                        - {name: A, weight: 50, steps: [{kind: email, id: day-1-email, template: at-risk/day-1}]}
                        - {name: B, weight: 50, steps: [{kind: email, id: day-1-email, template: at-risk/day-14}]}
                    - {kind: stage, stage: SECOND}
                    """)))
        .isEmpty();
  }

  @Test
  void aSplitWithOneVariant_aWeightOfZero_andATwiceNamedVariant_areRefusedAtEach() {
    List<DefinitionProblem> problems =
        problems(
            steps(
                """
                - kind: split
                  id: one
                  experiment: lonely
                  variants:
                    - {name: A, weight: 1, steps: [{kind: tag, tag: a}]}
                - kind: split
                  id: two
                  experiment: weights
                  variants:
                    - {name: A, weight: 0, steps: [{kind: tag, tag: a}]}
                    - {name: A, weight: -5, steps: [{kind: tag, tag: b}]}
                    - {name: C, steps: []}
                """));
    assertThat(problems)
        .extracting(DefinitionProblem::pointer)
        .containsExactly(
            "/steps/0/variants",
            "/steps/1/variants/0/weight",
            "/steps/1/variants/1/name",
            "/steps/1/variants/1/weight",
            "/steps/1/variants/2",
            "/steps/1/variants/2");
    assertThat(problems.get(0).message()).contains("at least two variants");
    assertThat(problems.get(2).message()).contains("the variant A is listed twice");
    assertThat(problems.get(4).message()).contains("needs a weight");
    assertThat(problems.get(5).message()).contains("needs steps");
  }

  @Test
  void anExperimentSplitTwice_andASplitWithoutItsFields_areRefused() {
    List<DefinitionProblem> problems =
        problems(
            steps(
                """
                - kind: split
                  id: first
                  experiment: subject
                  variants:
                    - {name: A, weight: 1, steps: [{kind: tag, tag: a}]}
                    - {name: B, weight: 1, steps: [{kind: tag, tag: b}]}
                - kind: split
                  id: again
                  experiment: subject
                  variants:
                    - {name: A, weight: 1, steps: [{kind: tag, tag: c}]}
                    - {name: B, weight: 1, steps: [{kind: tag, tag: d}]}
                - {kind: split, id: bare}
                """));
    assertThat(problems)
        .extracting(DefinitionProblem::pointer)
        .containsExactly("/steps/1/experiment", "/steps/2", "/steps/2");
    assertThat(problems.get(0).message()).contains("the experiment subject is already split");
    assertThat(problems.get(1).message()).isEqualTo("a split step needs 'experiment'");
    assertThat(problems.get(2).message()).isEqualTo("a split step needs 'variants'");
  }

  @Test
  void stepsInsideAVariant_areCheckedLikeAnyOthers() {
    List<DefinitionProblem> problems =
        problems(
            steps(
                """
                - kind: split
                  id: ab
                  experiment: subject
                  variants:
                    - {name: A, weight: 1, steps: [{kind: email, id: e, template: at-risk/nowhere}]}
                    - name: B
                      weight: 1
                      steps:
                        - {kind: if, when: "nosuchfact > 3", then: [{kind: tag, tag: x}]}
                        - {kind: stage, stage: THIRD}
                """));
    assertThat(problems)
        .extracting(DefinitionProblem::pointer)
        .contains(
            "/steps/0/variants/0/steps/0/template",
            "/steps/0/variants/1/steps/0/when",
            "/steps/0/variants/1/steps/1/stage");
  }

  @Test
  void aSplitWhoseVariantsAllExit_endsItsSequence() {
    List<String> pointers =
        pointers(
            steps(
                """
                - kind: split
                  id: ab
                  experiment: whole
                  variants:
                    - {name: A, weight: 1, steps: [{kind: exit, outcome: SAVED, reason: a}]}
                    - {name: B, weight: 1, steps: [{kind: exit, outcome: CHURNED, reason: b}]}
                - {kind: tag, tag: never}
                """));
    assertThat(pointers).containsExactly("/steps/1");
  }

  private static PlaybookDefinition read(String yaml) {
    try {
      return YAML.readValue(yaml, PlaybookDefinition.class);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
