package dev.retention.workflows.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.Definitions;
import dev.retention.workflows.engine.DefinitionValidator.Limits;
import dev.retention.workflows.ports.TemplateText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checks of the email templates a definition writes itself ({@code templates}). */
class TemplateOverridesTest {

  private final DefinitionValidator validator =
      new DefinitionValidator(DefinitionValidatorTest.SHIPPED_TEMPLATES);

  private static final TemplateText EN =
      new TemplateText(
          "Did you know, {{customer.name}}?",
          "Hi {{customer.name}},\n\nYour health score is {{healthScore}}.\n\n{{csm.name}}",
          null);

  private static final TemplateText NL =
      new TemplateText(
          "Nog even over {{product}}, {{customer.name}}",
          "Hoi {{customer.name}},\n\nGroet,\n{{csm.name}}",
          "<p>Hoi {{customer.name}},</p><p>Groet,<br>{{csm.name}}</p>");

  private static PlaybookDefinition atRiskWith(Map<String, Map<String, TemplateText>> templates) {
    PlaybookDefinition d = Definitions.load("at-risk");
    return new PlaybookDefinition(
        d.format(),
        d.id(),
        d.version(),
        d.name(),
        d.description(),
        d.trigger(),
        d.entry(),
        d.inputs(),
        d.vars(),
        d.facts(),
        d.initialStage(),
        d.firstStep(),
        d.stages(),
        d.milestones(),
        d.outcomes(),
        d.finalOutcomes(),
        d.exemptFromSendingRules(),
        d.emailVars(),
        d.emailVarsFrom(),
        d.locales(),
        d.steps(),
        d.on(),
        d.procedures(),
        d.watches(),
        templates);
  }

  private List<DefinitionProblem> problems(PlaybookDefinition d) {
    return validator.validate(d, Limits.DEFAULT);
  }

  @Test
  void anOverrideInEveryLocaleWithOfferedVariables_hasNoProblems() {
    assertThat(problems(atRiskWith(Map.of("at-risk/day-3", Map.of("en", EN, "nl", NL))))).isEmpty();
  }

  @Test
  void theShippedDefinitions_writeNoTemplates() {
    for (String id :
        List.of("at-risk", "cancellation-save", "expansion", "nps-follow-up", "onboarding")) {
      assertThat(Definitions.load(id).templates()).as(id).isNull();
    }
  }

  @Test
  void templatesUsed_namesEachTemplateWithTheVariablesItsEmailsGet() {
    Map<String, java.util.Set<String>> used = validator.templatesUsed(Definitions.load("at-risk"));
    assertThat(used).containsOnlyKeys("at-risk/day-1", "at-risk/day-3", "at-risk/day-14");
    assertThat(used.get("at-risk/day-3"))
        .containsExactly(
            "csm.email",
            "csm.name",
            "customer.id",
            "customer.name",
            "customer.plan",
            "healthScore",
            "product");
    // Expansion spreads the offer's figures into its emails; the cancellation save's steps add
    // their own variables.
    assertThat(validator.templatesUsed(Definitions.load("expansion")).get("expansion/offer"))
        .contains("roi.offerPrice", "roi.nextPlan");
  }

  @Test
  void aLocaleMissing_anUnknownVariable_andAnUnknownLocale_areRefusedWhereTheyAre() {
    Map<String, TemplateText> locales = new LinkedHashMap<>();
    locales.put("en", new TemplateText("Hi {{customer.nickname}}", "Text {{ healthScore }}", null));
    locales.put("de", EN);
    List<DefinitionProblem> problems = problems(atRiskWith(Map.of("at-risk/day-3", locales)));
    assertThat(problems)
        .extracting(DefinitionProblem::pointer)
        .containsExactly(
            "/templates/at-risk~1day-3",
            "/templates/at-risk~1day-3/en/subject",
            "/templates/at-risk~1day-3/de");
    assertThat(problems.get(0).message())
        .isEqualTo(
            "there is no nl text of 'at-risk/day-3', and nl is one of this playbook's locales");
    assertThat(problems.get(1).message())
        .startsWith("this email is given no variable 'customer.nickname'; it has csm.email");
  }

  @Test
  void aTemplateNoStepUses_isRefusedNamingThoseTheyUse() {
    List<DefinitionProblem> problems =
        problems(atRiskWith(Map.of("at-risk/day-2", Map.of("en", EN, "nl", NL))));
    assertThat(problems)
        .containsExactly(
            new DefinitionProblem(
                "/templates/at-risk~1day-2",
                "no email step of this playbook uses the template 'at-risk/day-2'; its steps use"
                    + " at-risk/day-1, at-risk/day-14, at-risk/day-3"));
  }

  @Test
  void emptyPartsExpressionsScriptsAndHandlers_areRefused() {
    Map<String, TemplateText> locales = new LinkedHashMap<>();
    locales.put("en", new TemplateText(" ", "Score {{healthScore + 1}} and {{ open", null));
    locales.put(
        "nl",
        new TemplateText(
            "Onderwerp\nmet twee regels",
            "Tekst",
            "<p onclick=\"x()\">Hoi</p><script>alert(1)</script><a href=\"javascript:x\">a</a>"));
    List<DefinitionProblem> problems = problems(atRiskWith(Map.of("at-risk/day-1", locales)));
    assertThat(problems)
        .extracting(DefinitionProblem::pointer, DefinitionProblem::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "/templates/at-risk~1day-1/en/subject", "the subject is empty"),
            org.assertj.core.groups.Tuple.tuple(
                "/templates/at-risk~1day-1/en/text",
                "'{{healthScore + 1}}' is not a variable: an email template writes one as"
                    + " {{customer.name}}"),
            org.assertj.core.groups.Tuple.tuple(
                "/templates/at-risk~1day-1/en/text", "a '{{' is not closed with '}}'"),
            org.assertj.core.groups.Tuple.tuple(
                "/templates/at-risk~1day-1/nl/subject", "a subject is one line"),
            org.assertj.core.groups.Tuple.tuple(
                "/templates/at-risk~1day-1/nl/html",
                "the HTML may not carry 'onclick=': no scripts, frames, forms, styles sheets or"
                    + " event handlers in an email"));
  }

  @Test
  void aTemplateWithNoFile_isFineWhenTheDefinitionWritesItInEveryLocale() throws Exception {
    PlaybookDefinition shipped = Definitions.load("at-risk");
    String yaml =
        new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
            .writeValueAsString(shipped)
            .replace("template: \"at-risk/day-3\"", "template: \"at-risk/day-2\"");
    PlaybookDefinition moved =
        new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
            .readValue(yaml, PlaybookDefinition.class);
    assertThat(moved.steps().get(2).then().get(0).template()).isEqualTo("at-risk/day-2");
    assertThat(problems(moved))
        .extracting(DefinitionProblem::pointer)
        .containsExactly("/steps/2/then/0/template", "/steps/2/then/0/template");
    PlaybookDefinition written =
        new PlaybookDefinition(
            moved.format(),
            moved.id(),
            moved.version(),
            moved.name(),
            moved.description(),
            moved.trigger(),
            moved.entry(),
            moved.inputs(),
            moved.vars(),
            moved.facts(),
            moved.initialStage(),
            moved.firstStep(),
            moved.stages(),
            moved.milestones(),
            moved.outcomes(),
            moved.finalOutcomes(),
            moved.exemptFromSendingRules(),
            moved.emailVars(),
            moved.emailVarsFrom(),
            moved.locales(),
            moved.steps(),
            moved.on(),
            moved.procedures(),
            moved.watches(),
            Map.of("at-risk/day-2", Map.of("en", EN, "nl", NL)));
    assertThat(problems(written)).isEmpty();
  }
}
