package dev.retention.data.definitions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.engine.PlaybookDefinition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The YAML a CS lead edits: the definition whole, in the shipped files' style. */
class DefinitionFilesTest {

  @ParameterizedTest
  @FieldSource("dev.retention.data.definitions.DefinitionFiles#SHIPPED")
  void theEditableYaml_readsBackAsTheSameDefinition_inThePlainStyleOfTheFiles(String id)
      throws Exception {
    PlaybookDefinition shipped = DefinitionFiles.shipped(id).orElseThrow();

    String yaml = DefinitionFiles.yaml(shipped);

    assertThat(DefinitionFiles.parse(yaml)).isEqualTo(shipped);
    // An expression in quotes keeps its own quotes only ('csm', not three on each side).
    assertThat(yaml).doesNotContain("'''").doesNotContain("\\\n");
    // Nothing empty: what a definition leaves out reads as empty anyway.
    assertThat(yaml).doesNotContainPattern("(?m): (\\[\\]|\\{\\})$");
  }
}
