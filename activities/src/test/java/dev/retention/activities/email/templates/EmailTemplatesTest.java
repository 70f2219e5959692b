package dev.retention.activities.email.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.retention.workflows.cancellationsave.CancellationReason;
import dev.retention.workflows.cancellationsave.SaveOffer;
import dev.retention.workflows.contract.Milestone;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class EmailTemplatesTest {

  /** Every locale with a full set of templates; English is the fallback. */
  private static final List<String> LOCALES = List.of("en", "nl");

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
          Map.entry("roi.currentPrice", "$490"),
          Map.entry("roi.usage", "9,000"),
          Map.entry("roi.limit", "10,000"),
          Map.entry("roi.usagePercent", "90"),
          Map.entry("roi.currentPricePerThousand", "$54.44"),
          Map.entry("roi.nextPlan", "Business"),
          Map.entry("roi.nextFeatures", "SSO and audit logs"),
          Map.entry("roi.nextLimit", "50,000"),
          Map.entry("roi.headroom", "5.0"),
          Map.entry("roi.nextPrice", "$1,490"),
          Map.entry("roi.offerPrice", "$1,192"),
          Map.entry("roi.nextPricePerThousand", "$23.84"),
          Map.entry("roi.comparison", "NEXT_PLAN"),
          Map.entry("roi.offerTerms", "NEXT_PLAN"),
          Map.entry("offer.validUntil", "2026-12-01T09:00:00Z"),
          Map.entry("milestone", "FIRST_QUERY"),
          Map.entry("queriesPerWeek", "40"),
          Map.entry("nps.score", "3"),
          Map.entry("nps.comment", "Too slow"),
          Map.entry("reason", "TOO_EXPENSIVE"),
          Map.entry("offer", "DISCOUNT_OR_DOWNGRADE"),
          Map.entry("decisionDeadline", "2026-12-01T09:00:00Z"));

  /** The variables whose values are codes, and the codes the playbooks pass in them. */
  static Stream<Arguments> codes() {
    Map<String, List<String>> codes =
        Map.of(
            "milestone", names(Milestone.values()),
            "offer", names(SaveOffer.values()),
            "reason", names(CancellationReason.values()),
            "roi.comparison", List.of("NEXT_PLAN", "CUSTOM"),
            "roi.offerTerms", List.of("NEXT_PLAN", "CUSTOM"),
            "roi.nextPlan", List.of("CUSTOM"),
            "roi.nextFeatures", List.of("CUSTOM"),
            "roi.nextLimit", List.of("CUSTOM"),
            "nps.comment", List.of(""));
    return LOCALES.stream()
        .flatMap(
            locale ->
                codes.entrySet().stream()
                    .flatMap(
                        e ->
                            e.getValue().stream()
                                .map(code -> Arguments.of(locale, e.getKey(), code))));
  }

  private static List<String> names(Enum<?>[] values) {
    return Stream.of(values).map(Enum::name).toList();
  }

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([\\w.]+)\\s*}}");

  private final EmailTemplates templates = new EmailTemplates();

  /** Every template file of a locale on the classpath, as {@code <playbook>/<step>}. */
  static List<String> templateNames(String locale) {
    try {
      List<String> names = new ArrayList<>();
      for (URL root :
          Collections.list(
              EmailTemplates.class.getClassLoader().getResources(EmailTemplates.ROOT + locale))) {
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

  /** Every English template: the set every other locale must match. */
  static List<String> templateNames() {
    return templateNames(EmailTemplates.FALLBACK_LOCALE);
  }

  /** Every template in every locale. */
  static Stream<Arguments> localizedTemplates() {
    return LOCALES.stream()
        .flatMap(locale -> templateNames().stream().map(name -> Arguments.of(locale, name)));
  }

  /** The raw file, as the CS team edits it. */
  private static String source(String locale, String template) {
    String path = EmailTemplates.ROOT + locale + "/" + template + ".txt";
    try (InputStream in = EmailTemplates.class.getClassLoader().getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A locale's {@code values.properties} itself, without the English fallback. */
  private static Properties values(String locale) {
    String path = EmailTemplates.ROOT + locale + "/" + EmailTemplates.VALUES;
    try (InputStream in = EmailTemplates.class.getClassLoader().getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      Properties props = new Properties();
      props.load(new InputStreamReader(in, StandardCharsets.UTF_8));
      return props;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Set<String> placeholders(String text) {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
      n++;
    }
    return n;
  }

  @Test
  void findsTheTemplates() {
    assertThat(templateNames())
        .contains("at-risk/day-1", "at-risk/day-3", "at-risk/day-14", "onboarding/welcome")
        .hasSize(33);
  }

  /**
   * Checked in the sources, not on the classpath: an incremental build leaves templates that were
   * moved or deleted behind in target/classes until the next clean.
   */
  @Test
  void noTemplateLivesOutsideALocale() throws IOException {
    Path dir = Path.of("src/main/resources", EmailTemplates.ROOT);
    assumeTrue(Files.isDirectory(dir), "run from the activities module");
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(
              files
                  .filter(Files::isRegularFile)
                  .map(f -> dir.relativize(f).toString().replace('\\', '/'))
                  .filter(name -> !name.equals("layout.html"))
                  .filter(name -> LOCALES.stream().noneMatch(l -> name.startsWith(l + "/"))))
          .isEmpty();
    }
  }

  @Test
  void everyEnglishTemplateHasADutchTwinAndViceVersa() {
    assertThat(templateNames("nl")).isNotEmpty().containsExactlyElementsOf(templateNames("en"));
  }

  @ParameterizedTest(name = "{0}/{1}")
  @MethodSource("localizedTemplates")
  void rendersWithTheStandardVariables(String locale, String template) {
    assertThat(templates.exists(template, locale)).isTrue();

    RenderedEmail email = templates.render(template, locale, STANDARD);

    assertThat(email.locale()).isEqualTo(locale);
    assertThat(email.subject()).isNotBlank().doesNotContain("{{", "}}", "\n");
    assertThat(email.text()).isNotBlank().doesNotContain("{{", "}}").contains("Acme Analytics");
    assertThat(email.html())
        .isNotBlank()
        .doesNotContain("{{", "}}", "<!-- content -->")
        .contains("Acme Analytics", "</html>");
    assertThat(count(email.html(), "<html")).as("the layout's <html>, once").isEqualTo(1);
    assertThat(count(email.html(), "<body")).as("the layout's <body>, once").isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}/{1}")
  @MethodSource("localizedTemplates")
  void theHtmlIsAFragmentWithTheSamePlaceholdersAsTheText(String locale, String template) {
    String source = source(locale, template);
    String text = source.substring(source.indexOf("\n--- text\n"), source.indexOf("\n--- html\n"));
    String html = source.substring(source.indexOf("\n--- html\n") + "\n--- html\n".length());

    assertThat(html.toLowerCase(Locale.ROOT))
        .doesNotContain("<html", "<body", "<head", "<!doctype");
    assertThat(placeholders(html)).isEqualTo(placeholders(text));
    for (String tag : List.of("p", "ol", "ul", "li", "strong")) {
      assertThat(count(html, "<" + tag + ">"))
          .as("<%s> opened and closed", tag)
          .isEqualTo(count(html, "</" + tag + ">"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("templateNames")
  void theDutchTemplateUsesTheSamePlaceholdersAsTheEnglish(String template) {
    assertThat(templates.variablesOf(template, "nl"))
        .isNotEmpty()
        .isEqualTo(templates.variablesOf(template, "en"));
  }

  @Test
  void fillsThePlaceholders() {
    RenderedEmail email = templates.render("at-risk/day-1", STANDARD);

    assertThat(email.locale()).isEqualTo("en");
    assertThat(email.subject())
        .isEqualTo("Acme Analytics: can I help you get more out of Insightly?");
    assertThat(email.text())
        .startsWith("Hi Acme Analytics team,\n")
        .contains("I'm Petra Novak, your customer success manager.")
        .endsWith("Petra Novak\npetra.novak@retention.test\n");
    assertThat(email.html())
        .startsWith("<!DOCTYPE html>")
        .contains("<p>Hi Acme Analytics team,</p>")
        .contains("I'm Petra Novak, your customer success manager.")
        .contains("Petra Novak<br>\npetra.novak@retention.test</p>");
  }

  @Test
  void fillsTheDutchPlaceholders() {
    RenderedEmail email = templates.render("at-risk/day-1", "nl", STANDARD);

    assertThat(email.locale()).isEqualTo("nl");
    assertThat(email.subject())
        .isEqualTo("Acme Analytics: kan ik je helpen meer uit Insightly te halen?");
    assertThat(email.text())
        .startsWith("Hoi team van Acme Analytics,\n")
        .contains("Ik ben Petra Novak, jullie customer success manager.")
        .endsWith("Petra Novak\npetra.novak@retention.test\n");
    assertThat(email.html())
        .contains("<p>Hoi team van Acme Analytics,</p>")
        .contains("Petra Novak<br>\npetra.novak@retention.test</p>");
  }

  @ParameterizedTest(name = "\"{0}\" is nl")
  @ValueSource(strings = {"nl", "nl-BE", "nl-NL", "nl_BE", "NL"})
  void aDutchCustomerGetsDutch(String locale) {
    assertThat(templates.resolveLocale("at-risk/day-1", locale)).isEqualTo("nl");
    RenderedEmail email = templates.render("at-risk/day-1", locale, STANDARD);
    assertThat(email.locale()).isEqualTo("nl");
    assertThat(email.text()).startsWith("Hoi team van Acme Analytics,");
  }

  @ParameterizedTest(name = "\"{0}\" is en")
  @NullSource
  @ValueSource(strings = {"", "de", "de-DE", "fr-BE", "en", "en-GB", "not a locale!"})
  void anyOtherCustomerGetsEnglish(String locale) {
    assertThat(templates.resolveLocale("at-risk/day-1", locale)).isEqualTo("en");
    RenderedEmail email = templates.render("at-risk/day-1", locale, STANDARD);
    assertThat(email.locale()).isEqualTo("en");
    assertThat(email.text()).startsWith("Hi Acme Analytics team,");
  }

  @ParameterizedTest(name = "without {0}")
  @ValueSource(strings = {"product", "customer.name", "csm.name", "csm.email"})
  void aMissingVariableIsAnErrorNamingIt(String variable) {
    Map<String, String> incomplete = new HashMap<>(STANDARD);
    incomplete.remove(variable);

    for (String locale : LOCALES) {
      assertThatThrownBy(() -> templates.render("at-risk/day-1", locale, incomplete))
          .as(locale)
          .isInstanceOf(TemplateException.class)
          .hasMessageContaining("at-risk/day-1")
          .hasMessageEndingWith("needs variable " + variable);
    }
  }

  @Test
  void theHtmlEscapesValuesAndTheTextKeepsThemAsTheyAre() {
    Map<String, String> vars = new HashMap<>(STANDARD);
    vars.put("customer.name", "A&B <x>");

    for (String locale : LOCALES) {
      RenderedEmail email = templates.render("at-risk/day-1", locale, vars);

      assertThat(email.html()).as(locale).contains("A&amp;B &lt;x&gt;").doesNotContain("A&B <x>");
      assertThat(email.text()).as(locale).contains("A&B <x>").doesNotContain("&amp;");
      assertThat(email.subject()).as(locale).startsWith("A&B <x>:");
    }
  }

  @ParameterizedTest(name = "{0}: {1}={2}")
  @MethodSource("codes")
  void everyCodeHasATranslationInEveryLocale(String locale, String variable, String code) {
    String text = values(locale).getProperty(variable + "." + code);

    assertThat(text)
        .as("%s/values.properties: %s.%s", locale, variable, code)
        .isNotBlank()
        .isNotEqualTo(code);
  }

  @Test
  void everyTranslationUsesOnlyKnownVariables() {
    for (String locale : LOCALES) {
      Properties values = values(locale);
      for (String key : values.stringPropertyNames()) {
        assertThat(STANDARD.keySet())
            .as("%s/values.properties: %s", locale, key)
            .containsAll(placeholders(values.getProperty(key)));
      }
      assertThat(values.stringPropertyNames())
          .as("%s has the same keys as en", locale)
          .isEqualTo(values("en").stringPropertyNames());
    }
  }

  @Test
  void aDutchMilestoneEmailSaysTheMilestoneInDutch() {
    RenderedEmail email = templates.render("onboarding/milestone", "nl-BE", STANDARD);

    assertThat(email.locale()).isEqualTo("nl");
    assertThat(email.subject())
        .isEqualTo("Goed bezig, Acme Analytics: je hebt je eerste vraag gesteld!");
    assertThat(email.text()).contains("Gefeliciteerd: je hebt je eerste vraag gesteld.");
    assertThat(email.html()).contains("<strong>je hebt je eerste vraag gesteld</strong>");
    for (String part : List.of(email.subject(), email.text(), email.html())) {
      assertThat(part).doesNotContain("FIRST_QUERY", "first question");
    }
  }

  @Test
  void anEnglishMilestoneEmailSaysTheMilestoneInEnglish() {
    Map<String, String> vars = new HashMap<>(STANDARD);
    vars.put("milestone", "KEY_WORKFLOW_ESTABLISHED");

    RenderedEmail email = templates.render("onboarding/milestone", "de", vars);

    assertThat(email.subject())
        .isEqualTo("Nice work, Acme Analytics: your team has a key workflow running!");
    assertThat(email.text()).doesNotContain("KEY_WORKFLOW_ESTABLISHED");
  }

  @Test
  void theCancellationCodesReadInTheCustomersLanguage() {
    RenderedEmail dutch = templates.render("cancellation-save/csm-alert", "nl", STANDARD);
    RenderedEmail english = templates.render("cancellation-save/csm-alert", "en", STANDARD);

    assertThat(dutch.subject()).isEqualTo("Opzegverzoek: Acme Analytics (te duur)");
    assertThat(dutch.text())
        .contains("Reden: te duur.")
        .contains("Dit aanbod doe je: een korting, of een overstap naar een kleiner abonnement")
        .doesNotContain("TOO_EXPENSIVE", "DISCOUNT_OR_DOWNGRADE", "discount");
    assertThat(english.subject()).isEqualTo("Cancellation request: Acme Analytics (too expensive)");
    assertThat(english.text())
        .contains("The offer to make: a discount, or a downgrade to a smaller plan")
        .doesNotContain("TOO_EXPENSIVE", "DISCOUNT_OR_DOWNGRADE");
  }

  @Test
  void anEmptyNpsCommentReadsAsNoCommentInTheLocale() {
    Map<String, String> vars = new HashMap<>(STANDARD);
    vars.put("nps.comment", "");

    RenderedEmail english = templates.render("nps-follow-up/detractor-alert", "en", vars);
    RenderedEmail dutch = templates.render("nps-follow-up/detractor-alert", "nl", vars);

    assertThat(english.text()).contains("Comment: (no comment)\n");
    assertThat(english.html()).contains("Comment: (no comment)</p>");
    assertThat(dutch.text()).contains("Opmerking: (geen opmerking)\n");
    assertThat(dutch.html()).contains("Opmerking: (geen opmerking)</p>");
  }

  @Test
  void aCommentIsShownAsTheCustomerWroteIt() {
    RenderedEmail dutch = templates.render("nps-follow-up/detractor-alert", "nl", STANDARD);

    assertThat(dutch.text()).contains("Opmerking: Too slow\n");
  }

  @Test
  void datesAreShownInTheCustomersTimezoneAndLanguage() {
    Map<String, String> vars = new HashMap<>(STANDARD);
    vars.put("decisionDeadline", "2026-12-04T09:00:00Z");
    vars.put("offer.validUntil", "2026-07-01T22:30:00Z");
    ZoneId amsterdam = ZoneId.of("Europe/Amsterdam");

    RenderedEmail dutch = templates.render("cancellation-save/offer", "nl", amsterdam, vars);
    RenderedEmail english = templates.render("cancellation-save/offer", "en-GB", amsterdam, vars);
    RenderedEmail summer = templates.render("expansion/offer", "nl", amsterdam, vars);
    RenderedEmail newYork =
        templates.render("cancellation-save/offer", "en", ZoneId.of("America/New_York"), vars);

    assertThat(dutch.text()).contains("aangehouden tot 4 december 2026 om 10:00.");
    assertThat(dutch.html()).contains("aangehouden tot 4 december 2026 om 10:00.");
    assertThat(english.text()).contains("on hold until 4 December 2026, 10:00.");
    assertThat(summer.text()).contains("tot 2 juli 2026 om 00:30.");
    assertThat(newYork.text()).contains("on hold until 4 December 2026, 04:00.");
    for (RenderedEmail email : List.of(dutch, english, summer, newYork)) {
      assertThat(email.text()).doesNotContain("2026-12-04T", "2026-07-01T");
    }
  }

  @Test
  void withoutAZoneDatesAreInUtc() {
    Map<String, String> vars = new HashMap<>(STANDARD);
    vars.put("decisionDeadline", "2026-12-04T09:00:00Z");

    assertThat(templates.render("cancellation-save/offer", vars).text())
        .contains("on hold until 4 December 2026, 09:00.");
    assertThat(templates.render("cancellation-save/offer", "nl", vars).text())
        .contains("aangehouden tot 4 december 2026 om 09:00.");
  }

  @Test
  void theCaseStudyPhrasesTheRoiFromTheFigures() {
    RenderedEmail english = templates.render("expansion/case-study", "en", STANDARD);
    RenderedEmail dutch = templates.render("expansion/case-study", "nl", STANDARD);

    assertThat(english.text())
        .contains(
            "You use 9,000 of the 10,000 queries a month in Growth\n(90%), at $54.44 per 1,000"
                + " queries used.\nBusiness gives you 50,000 queries (5.0x the room) for $1,490 a"
                + " month; with 20% off the first year that is $1,192 a month, or $23.84 per 1,000"
                + " queries of capacity.");
    assertThat(dutch.text())
        .contains("Jullie gebruiken 9,000 van de 10,000 vragen per maand in Growth\n(90%)")
        .contains(
            "Business geeft jullie 50,000 vragen (5.0x zoveel ruimte) voor $1,490 per maand; met"
                + " 20% korting in het eerste jaar is dat $1,192 per maand")
        .doesNotContain("NEXT_PLAN", "queries", "You use");
  }

  @Test
  void aCustomPlanReadsAsOneInEveryExpansionEmail() {
    Map<String, String> vars = new HashMap<>(STANDARD);
    vars.keySet()
        .removeAll(
            Set.of("roi.headroom", "roi.nextPrice", "roi.offerPrice", "roi.nextPricePerThousand"));
    for (String name :
        List.of(
            "roi.nextPlan",
            "roi.nextFeatures",
            "roi.nextLimit",
            "roi.comparison",
            "roi.offerTerms")) {
      vars.put(name, "CUSTOM");
    }

    for (String locale : LOCALES) {
      for (String template :
          List.of("expansion/usage", "expansion/case-study", "expansion/offer")) {
        RenderedEmail email = templates.render(template, locale, vars);
        assertThat(email.subject() + email.text() + email.html())
            .as("%s/%s", locale, template)
            .doesNotContain("CUSTOM", "NEXT_PLAN");
      }
    }
    assertThat(templates.render("expansion/usage", "en", vars).text())
        .contains(
            "a custom plan adds capacity and terms shaped to your team, with room for unlimited\n"
                + "queries a month.");
    assertThat(templates.render("expansion/case-study", "nl", vars).text())
        .contains("Met een maatwerkabonnement vervalt de limiet");
    assertThat(templates.render("expansion/offer", "nl", vars).subject())
        .isEqualTo("20% korting op je eerste jaar met een maatwerkabonnement, Acme Analytics");
  }

  @Test
  void aTranslationNeedsTheVariablesItUses() {
    Map<String, String> vars = new HashMap<>(STANDARD);
    vars.remove("roi.nextPricePerThousand");

    assertThatThrownBy(() -> templates.render("expansion/case-study", "nl", vars))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("expansion/case-study")
        .hasMessageEndingWith("needs variable roi.nextPricePerThousand");
  }

  @Test
  void aValueWithoutATranslationIsShownAsItIs() {
    Map<String, String> vars = new HashMap<>(STANDARD);
    vars.put("milestone", "SOMETHING_NEW");

    assertThat(templates.render("onboarding/milestone", "nl", vars).subject())
        .isEqualTo("Goed bezig, Acme Analytics: SOMETHING_NEW!");
  }

  @Test
  void aCustomersTextIsNeverTakenForPlaceholders() {
    Map<String, String> vars = new HashMap<>(STANDARD);
    vars.put("nps.comment", "{{csm.email}} & <b>");

    RenderedEmail email = templates.render("nps-follow-up/detractor-alert", "nl", vars);

    assertThat(email.text()).contains("Opmerking: {{csm.email}} & <b>\n");
    assertThat(email.html()).contains("Opmerking: {{csm.email}} &amp; &lt;b&gt;</p>");
  }

  @Test
  void anUnknownTemplateIsAnError() {
    for (String locale : LOCALES) {
      assertThat(templates.exists("at-risk/day-99", locale)).isFalse();
      assertThatThrownBy(() -> templates.render("at-risk/day-99", locale, STANDARD))
          .isInstanceOf(TemplateException.class)
          .hasMessageContaining("at-risk/day-99");
    }
    assertThatThrownBy(() -> templates.render("at-risk/day-99", STANDARD))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("at-risk/day-99");
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {
        "../db/migration/V1__schema",
        "at-risk",
        "At-Risk/day-1",
        "at-risk/day-1.txt",
        "en/at-risk/day-1"
      })
  void aMalformedTemplateNameIsAnError(String name) {
    assertThatThrownBy(() -> templates.render(name, STANDARD))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("invalid template name");
  }
}
