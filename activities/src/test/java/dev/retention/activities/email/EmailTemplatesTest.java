package dev.retention.activities.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EmailTemplatesTest {

  /**
   * What every email gets from the customer, the CSM and the product, plus the step variables the
   * playbooks pass (the workflow tests check which step passes which). A template that uses any
   * other name fails here, not in a live send.
   */
  private static final Map<String, String> STANDARD =
      Map.ofEntries(
          Map.entry("product", "Insightly"),
          Map.entry("customer.id", "c-1"),
          Map.entry("customer.name", "Acme Analytics"),
          Map.entry("customer.plan", "Growth"),
          Map.entry("csm.name", "Petra Novak"),
          Map.entry("csm.email", "petra.novak@retention.test"),
          Map.entry("healthScore", "52"),
          Map.entry("usagePercent", "90"),
          Map.entry("roi.nextPlan", "Business"),
          Map.entry("roi.nextFeatures", "SSO and audit logs"),
          Map.entry("roi.nextLimit", "50,000 queries"),
          Map.entry("roi.nextPrice", "$1,490"),
          Map.entry("roi.offerPrice", "$1,192"),
          Map.entry("roi.summary", "You use 9,000 of 10,000 queries."),
          Map.entry("offer.validUntil", "2026-12-01T09:00:00Z"),
          Map.entry("milestone", "you asked your first question"),
          Map.entry("nps.score", "3"),
          Map.entry("nps.comment", "Too slow"),
          Map.entry("reason", "TOO_EXPENSIVE"),
          Map.entry("offer", "a discount"),
          Map.entry("decisionDeadline", "2026-12-01T09:00:00Z"));

  private final EmailTemplates templates = new EmailTemplates();

  /** Every template file on the classpath, as {@code <playbook>/<step>}. */
  static List<String> templateNames() {
    try {
      List<String> names = new ArrayList<>();
      for (URL root :
          Collections.list(EmailTemplates.class.getClassLoader().getResources("templates/email"))) {
        Path dir = Path.of(root.toURI());
        try (Stream<Path> files = Files.walk(dir)) {
          files
              .filter(f -> f.getFileName().toString().endsWith(".txt"))
              .map(f -> dir.relativize(f).toString().replace('\\', '/'))
              .map(name -> name.substring(0, name.length() - ".txt".length()))
              .forEach(names::add);
        }
      }
      return names.stream().sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void findsTheTemplates() {
    assertThat(templateNames()).contains("at-risk/day-1", "at-risk/day-3", "at-risk/day-14");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("templateNames")
  void rendersWithTheStandardVariables(String template) {
    assertThat(templates.exists(template)).isTrue();

    RenderedEmail email = templates.render(template, STANDARD);

    assertThat(email.subject()).isNotBlank().doesNotContain("{{", "}}", "\n");
    assertThat(email.text()).isNotBlank().doesNotContain("{{", "}}");
  }

  @Test
  void fillsThePlaceholders() {
    RenderedEmail email = templates.render("at-risk/day-1", STANDARD);

    assertThat(email.subject())
        .isEqualTo("Acme Analytics: can I help you get more out of Insightly?");
    assertThat(email.text())
        .startsWith("Hi Acme Analytics team,\n")
        .contains("I'm Petra Novak, your customer success manager.")
        .endsWith("Petra Novak\npetra.novak@retention.test\n");
  }

  @ParameterizedTest(name = "without {0}")
  @ValueSource(strings = {"product", "customer.name", "csm.name", "csm.email"})
  void aMissingVariableIsAnErrorNamingIt(String variable) {
    Map<String, String> incomplete = new HashMap<>(STANDARD);
    incomplete.remove(variable);

    assertThatThrownBy(() -> templates.render("at-risk/day-1", incomplete))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("at-risk/day-1")
        .hasMessageEndingWith("needs variable " + variable);
  }

  @Test
  void anUnknownTemplateIsAnError() {
    assertThat(templates.exists("at-risk/day-99")).isFalse();
    assertThatThrownBy(() -> templates.render("at-risk/day-99", STANDARD))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("at-risk/day-99");
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {"../db/migration/V1__schema", "at-risk", "At-Risk/day-1", "at-risk/day-1.txt"})
  void aMalformedTemplateNameIsAnError(String name) {
    assertThatThrownBy(() -> templates.render(name, STANDARD))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("invalid template name");
  }
}
