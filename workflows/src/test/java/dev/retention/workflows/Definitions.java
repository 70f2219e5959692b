package dev.retention.workflows;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.retention.workflows.engine.PlaybookDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The shipped playbook definitions, read from the module's resources as the app reads them. */
public final class Definitions {

  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private Definitions() {}

  /**
   * The A/B test on the at-risk day-1 subject that docs/playbook-definitions.md shows: variant B
   * sends another template, with another subject.
   */
  public static final String DAY_1_SUBJECT_SPLIT =
      """
        - kind: split
          id: day-1-subject-ab
          experiment: day-1-subject
          variants:
            - name: A
              weight: 50
              steps: [{kind: email, id: day-1-email, template: at-risk/day-1, at: start}]
            - name: B
              weight: 50
              steps: [{kind: email, id: day-1-email, template: at-risk/day-1-question, at: start}]
      """;

  /** The shipped at-risk definition with {@link #DAY_1_SUBJECT_SPLIT} as its first step. */
  public static PlaybookDefinition atRiskWithDay1SubjectSplit() {
    String yaml = text("at-risk");
    String day1 = "  - {kind: email, id: day-1-email, template: at-risk/day-1, at: start}\n";
    if (!yaml.contains(day1)) {
      throw new IllegalStateException("the shipped at-risk definition's day-1 email moved");
    }
    try {
      return YAML.readValue(yaml.replace(day1, DAY_1_SUBJECT_SPLIT), PlaybookDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String text(String id) {
    try (InputStream in = Definitions.class.getResourceAsStream("/playbooks/" + id + ".yaml")) {
      if (in == null) {
        throw new IllegalArgumentException("no shipped definition " + id);
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static PlaybookDefinition load(String id) {
    try (InputStream in = Definitions.class.getResourceAsStream("/playbooks/" + id + ".yaml")) {
      if (in == null) {
        throw new IllegalArgumentException("no shipped definition " + id);
      }
      return YAML.readValue(in, PlaybookDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
