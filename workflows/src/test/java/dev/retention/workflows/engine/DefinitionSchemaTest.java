package dev.retention.workflows.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.retention.workflows.contract.Milestone;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.StepResult;
import dev.retention.workflows.contract.WaitingOn;
import dev.retention.workflows.ports.TaskAssignee;
import dev.retention.workflows.ports.TaskPriority;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/playbook-definition.schema.json describes the format the shipped definitions are in. */
class DefinitionSchemaTest {

  private static final Path DOCS_COPY = Path.of("..", "docs", "playbook-definition.schema.json");
  private static final String RESOURCE = "/playbooks/definition.schema.json";
  private static final ObjectMapper YAML = new YAMLMapper();

  private static final Schema SCHEMA = schema();

  private static Schema schema() {
    try (InputStream in = DefinitionSchemaTest.class.getResourceAsStream(RESOURCE)) {
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Error> errors(String yaml) throws IOException {
    JsonNode node = YAML.readTree(yaml);
    return SCHEMA.validate(node);
  }

  private static String shipped(String id) throws IOException {
    try (InputStream in =
        DefinitionSchemaTest.class.getResourceAsStream("/playbooks/" + id + ".yaml")) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
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
  void shippedDefinitions_matchTheSchema(String id) throws IOException {
    assertThat(errors(shipped(id))).isEmpty();
  }

  @Test
  void theExampleInTheDocs_matchesTheSchema() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "playbook-definitions.md"));
    int from = doc.indexOf("```yaml\n") + "```yaml\n".length();
    assertThat(errors(doc.substring(from, doc.indexOf("```", from)))).isEmpty();
  }

  @Test
  void templatesWrittenInADefinition_matchTheSchema_andAMissingTextDoesNot() throws IOException {
    String written =
        shipped("at-risk")
            + """
            templates:
              at-risk/day-3:
                en: {subject: "Day 2, {{customer.name}}", text: "Hi", html: "<p>Hi</p>"}
                nl: {subject: "Dag 2, {{customer.name}}", text: "Hoi"}
            """;
    assertThat(errors(written)).isEmpty();
    assertThat(errors(written.replace(", text: \"Hoi\"", "")))
        .extracting(e -> e.getInstanceLocation().toString())
        .containsExactly("/templates/at-risk~1day-3/nl");
    assertThat(errors(written.replace("nl: {", "NL: {"))).isNotEmpty();
  }

  @Test
  void theAtRiskDay1SubjectSplit_matchesTheSchema_andASplitOfOneVariantDoesNot()
      throws IOException {
    String day1 = "  - {kind: email, id: day-1-email, template: at-risk/day-1, at: start}\n";
    String split =
        shipped("at-risk").replace(day1, dev.retention.workflows.Definitions.DAY_1_SUBJECT_SPLIT);
    assertThat(split).contains("kind: split");
    assertThat(errors(split)).isEmpty();
    String lonely =
        split.substring(0, split.lastIndexOf('\n', split.indexOf("- name: B")) + 1)
            + split.substring(split.indexOf("  - kind: if"));
    assertThat(errors(lonely)).extracting(Error::getKeyword).contains("minItems");
    assertThat(errors(split.replace("weight: 50", "weight: 0")))
        .extracting(Error::getKeyword)
        .contains("minimum");
  }

  @Test
  void anUnknownStepKind_failsTheSchema() throws IOException {
    List<Error> errors =
        errors(
            shipped("at-risk")
                .replace("{kind: email, id: day-1-email", "{kind: emial, id: day-1-email"));
    assertThat(errors).isNotEmpty();
    assertThat(errors)
        .extracting(e -> e.getInstanceLocation().toString())
        .containsExactly("/steps/0/kind");
  }

  @Test
  void aFieldTheKindDoesNotUse_andAMissingOne_failTheSchema() throws IOException {
    assertThat(errors(shipped("at-risk").replace("template: at-risk/day-1, ", "")))
        .extracting(Error::getKeyword)
        .contains("required");
    assertThat(
            errors(
                shipped("at-risk")
                    .replace("{kind: tag, tag: churning}", "{kind: tag, tag: churning, title: x}")))
        .extracting(Error::getKeyword)
        .contains("propertyNames");
  }

  @Test
  void aPriorityOutsideItsSet_failsTheSchema_butATemplatedOneDoesNot() throws IOException {
    assertThat(errors(shipped("at-risk").replace("priority: URGENT", "priority: LOW")))
        .isNotEmpty();
    assertThat(errors(shipped("at-risk").replace("priority: URGENT", "priority: \"{{urgency}}\"")))
        .isEmpty();
  }

  @Test
  void theSchema_namesEveryFieldOfTheRecords_andEveryValueOfTheirSets() throws IOException {
    JsonNode schema;
    try (InputStream in = getClass().getResourceAsStream(RESOURCE)) {
      schema = new ObjectMapper().readTree(in);
    }
    JsonNode defs = schema.get("$defs");
    assertThat(fieldNames(schema.get("properties")))
        .containsExactlyElementsOf(jsonNames(PlaybookDefinition.class));
    JsonNode step = defs.get("step").get("properties");
    assertThat(fieldNames(step)).containsExactlyElementsOf(jsonNames(Step.class));
    assertThat(values(step.get("kind").get("enum")))
        .containsExactlyElementsOf(Arrays.stream(StepKind.values()).map(StepKind::id).toList());
    assertThat(fieldNames(defs.get("variant").get("properties")))
        .containsExactlyElementsOf(jsonNames(Step.Variant.class));
    assertThat(fieldNames(defs.get("watch").get("properties")))
        .containsExactlyElementsOf(jsonNames(Step.Idle.class));
    assertThat(fieldNames(defs.get("trigger").get("properties")))
        .containsExactlyElementsOf(jsonNames(PlaybookDefinition.Trigger.class));
    assertThat(fieldNames(defs.get("entry").get("properties")))
        .containsExactlyElementsOf(jsonNames(PlaybookDefinition.Entry.class));
    assertThat(fieldNames(defs.get("input").get("properties")))
        .containsExactlyElementsOf(jsonNames(PlaybookDefinition.Input.class));
    assertThat(fieldNames(defs.get("outcomeRule").get("properties")))
        .containsExactlyElementsOf(jsonNames(PlaybookDefinition.OutcomeRule.class));
    assertThat(fieldNames(defs.get("handlers").get("properties")))
        .containsExactlyElementsOf(jsonNames(PlaybookDefinition.Handlers.class));
    assertThat(values(defs.get("outcomeRule").get("properties").get("type").get("enum")))
        .containsExactlyElementsOf(constants(OutcomeType.class));
    assertThat(values(schema.get("properties").get("finalOutcomes").get("items").get("enum")))
        .containsExactlyElementsOf(constants(RunOutcome.class));
    assertThat(values(schema.get("properties").get("milestones").get("items").get("enum")))
        .containsExactlyElementsOf(constants(Milestone.class));
    assertThat(values(step.get("outcome").get("anyOf").get(0).get("enum")))
        .containsExactlyElementsOf(constants(RunOutcome.class));
    assertThat(values(step.get("result").get("anyOf").get(0).get("enum")))
        .containsExactlyElementsOf(constants(StepResult.class));
    assertThat(values(step.get("on").get("anyOf").get(0).get("enum")))
        .containsExactlyElementsOf(constants(WaitingOn.class));
    assertThat(values(step.get("assignee").get("anyOf").get(0).get("enum")))
        .containsExactlyElementsOf(constants(TaskAssignee.class));
    assertThat(values(step.get("priority").get("anyOf").get(0).get("enum")))
        .containsExactlyElementsOf(constants(TaskPriority.class));
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> values(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  /** A record's fields as a definition spells them ({@code while}, {@code else}). */
  private static List<String> jsonNames(Class<? extends Record> type) {
    return Arrays.stream(type.getRecordComponents())
        .map(
            c -> {
              JsonProperty renamed = c.getAccessor().getAnnotation(JsonProperty.class);
              return renamed == null ? c.getName() : renamed.value();
            })
        .toList();
  }

  private static <E extends Enum<E>> List<String> constants(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
  }

  @Test
  void theServedCopy_isTheDocumentedOne() throws IOException {
    try (InputStream in = getClass().getResourceAsStream(RESOURCE)) {
      assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo(Files.readString(DOCS_COPY));
    }
  }
}
