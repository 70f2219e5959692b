package dev.retention.api.support;

import dev.retention.workflows.engine.Step;
import dev.retention.workflows.engine.Variants;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The A/B test on the at-risk day-1 subject that docs/playbook-definitions.md shows, as YAML for
 * the definitions API: the shipped at-risk definition with its day-1 email split into variant A
 * (the shipped template) and B (at-risk/day-1-question, another subject).
 */
public final class AbDefinitions {

  public static final String EXPERIMENT = "day-1-subject";

  static final String SPLIT =
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

  private AbDefinitions() {}

  /** The at-risk definition's YAML with the day-1 subject split. */
  public static String atRiskWithDay1SubjectSplit() {
    String yaml;
    try (InputStream in = AbDefinitions.class.getResourceAsStream("/playbooks/at-risk.yaml")) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String day1 = "  - {kind: email, id: day-1-email, template: at-risk/day-1, at: start}\n";
    if (!yaml.contains(day1)) {
      throw new IllegalStateException("the shipped at-risk definition's day-1 email moved");
    }
    return yaml.replace(day1, SPLIT);
  }

  /** The variant a customer gets in the day-1 subject experiment, as the engine chooses it. */
  public static String variantOf(String customerId) {
    return Variants.assign(
        customerId,
        EXPERIMENT,
        List.of(new Step.Variant("A", 50, List.of()), new Step.Variant("B", 50, List.of())));
  }
}
