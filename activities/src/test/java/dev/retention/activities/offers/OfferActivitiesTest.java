package dev.retention.activities.offers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.activities.email.templates.EmailTemplates;
import dev.retention.activities.email.templates.RenderedEmail;
import dev.retention.data.customers.Customer;
import dev.retention.workflows.ports.ExpansionFigures;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OfferActivitiesTest {

  private static final PlanCatalog CATALOG =
      new PlanCatalog(
          List.of(
              // Out of order on purpose: the catalogue sorts by price.
              plan("Business", "1490", 50_000, "SSO, audit logs, and a dedicated success manager"),
              plan("Starter", "99", 2_000, "the core question answering and 3 integrations"),
              plan("Enterprise", "4990", 250_000, "custom data residency and a 99.9% SLA"),
              plan("Growth", "490", 10_000, "unlimited integrations and scheduled reports")));

  private static final Customer GROWTH = customer("Growth", "490", 10_000);
  private static final Customer ENTERPRISE = customer("Enterprise", "4990", 250_000);

  private static PlanCatalog.Plan plan(String name, String price, long limit, String features) {
    return new PlanCatalog.Plan(name, new BigDecimal(price), limit, features);
  }

  private static Customer customer(String plan, String mrr, int limit) {
    return new Customer(
        "c-1",
        "Acme Analytics",
        "ops@acme.test",
        "csm-petra",
        plan,
        new BigDecimal(mrr),
        limit,
        "Europe/Amsterdam",
        "nl");
  }

  @Test
  void aGrowthCustomerAtNinetyPercentIsShownBusiness() {
    ExpansionFigures figures = OfferActivitiesImpl.figures(GROWTH, 0.9, CATALOG);

    assertThat(figures.currentPlan()).isEqualTo("Growth");
    assertThat(figures.nextPlan()).isEqualTo("Business");
    assertThat(figures.variables())
        .containsOnly(
            Map.entry("roi.currentPrice", "$490"),
            Map.entry("roi.usage", "9,000"),
            Map.entry("roi.limit", "10,000"),
            Map.entry("roi.usagePercent", "90"),
            // $490 for 9,000 queries used
            Map.entry("roi.currentPricePerThousand", "$54.44"),
            Map.entry("roi.nextPlan", "Business"),
            Map.entry("roi.nextFeatures", "SSO, audit logs, and a dedicated success manager"),
            Map.entry("roi.nextLimit", "50,000"),
            Map.entry("roi.headroom", "5.0"),
            Map.entry("roi.nextPrice", "$1,490"),
            // 20% off $1,490
            Map.entry("roi.offerPrice", "$1,192"),
            // $1,192 for 50,000 queries
            Map.entry("roi.nextPricePerThousand", "$23.84"),
            Map.entry("roi.comparison", "NEXT_PLAN"),
            Map.entry("roi.offerTerms", "NEXT_PLAN"));
  }

  @Test
  void theSmallestPlanIsShownTheNextOne() {
    ExpansionFigures figures =
        OfferActivitiesImpl.figures(customer("Starter", "99", 2_000), 0.95, CATALOG);

    assertThat(figures.nextPlan()).isEqualTo("Growth");
    assertThat(figures.variables())
        .containsEntry("roi.usage", "1,900")
        .containsEntry("roi.usagePercent", "95")
        .containsEntry("roi.currentPricePerThousand", "$52.11")
        .containsEntry("roi.nextLimit", "10,000")
        .containsEntry("roi.headroom", "5.0")
        .containsEntry("roi.offerPrice", "$392")
        .containsEntry("roi.nextPricePerThousand", "$39.20");
  }

  @Test
  void theBiggestPlanHasNoNextPlanButACustomOne() {
    ExpansionFigures figures = OfferActivitiesImpl.figures(ENTERPRISE, 0.9, CATALOG);

    assertThat(figures.currentPlan()).isEqualTo("Enterprise");
    assertThat(figures.nextPlan()).isEqualTo("custom");
    assertThat(figures.variables())
        .containsOnly(
            Map.entry("roi.currentPrice", "$4,990"),
            Map.entry("roi.usage", "225,000"),
            Map.entry("roi.limit", "250,000"),
            Map.entry("roi.usagePercent", "90"),
            Map.entry("roi.currentPricePerThousand", "$22.18"),
            Map.entry("roi.nextPlan", "CUSTOM"),
            Map.entry("roi.nextFeatures", "CUSTOM"),
            Map.entry("roi.nextLimit", "CUSTOM"),
            Map.entry("roi.comparison", "CUSTOM"),
            Map.entry("roi.offerTerms", "CUSTOM"));
  }

  @Test
  void aPlanOutsideTheCatalogueGetsACustomOne() {
    ExpansionFigures figures =
        OfferActivitiesImpl.figures(customer("Legacy", "300", 5_000), 0.5, CATALOG);

    assertThat(figures.nextPlan()).isEqualTo("custom");
    assertThat(figures.variables()).containsEntry("roi.nextPlan", "CUSTOM");
  }

  @Test
  void noUsageDoesNotDivideByZero() {
    ExpansionFigures figures = OfferActivitiesImpl.figures(GROWTH, 0.0, CATALOG);

    assertThat(figures.variables())
        .containsEntry("roi.usage", "0")
        .containsEntry("roi.usagePercent", "0");
  }

  /** The figures phrased by the expansion templates, in both languages, for both cases. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"en", "nl"})
  void theExpansionEmailsPhraseTheFigures(String locale) {
    EmailTemplates templates = new EmailTemplates();
    for (Customer customer : List.of(GROWTH, ENTERPRISE)) {
      Map<String, String> vars = vars(customer);
      for (String template :
          List.of("expansion/usage", "expansion/case-study", "expansion/offer")) {
        RenderedEmail email = templates.render(template, locale, vars);
        assertThat(email.subject() + email.text() + email.html())
            .as("%s %s/%s", customer.plan(), locale, template)
            .doesNotContain("CUSTOM", "NEXT_PLAN", "{{", "2026-12-08T");
      }
    }

    String caseStudy = templates.render("expansion/case-study", locale, vars(GROWTH)).text();
    String custom = templates.render("expansion/case-study", locale, vars(ENTERPRISE)).text();
    if (locale.equals("en")) {
      assertThat(caseStudy)
          .contains("You use 9,000 of the 10,000 queries a month in Growth")
          .contains("Business gives you 50,000 queries (5.0x the room) for $1,490 a month")
          .contains("$1,192 a month, or $23.84 per 1,000 queries of capacity.");
      assertThat(custom)
          .contains("moved from Enterprise to a custom plan")
          .contains("A custom plan removes the limit");
    } else {
      assertThat(caseStudy)
          .contains("Jullie gebruiken 9,000 van de 10,000 vragen per maand in Growth")
          .contains("Business geeft jullie 50,000 vragen (5.0x zoveel ruimte) voor $1,490")
          .doesNotContain("queries");
      assertThat(custom)
          .contains("stapte over van Enterprise naar een maatwerkabonnement")
          .contains("Met een maatwerkabonnement vervalt de limiet");
    }
  }

  private static Map<String, String> vars(Customer customer) {
    Map<String, String> vars =
        new HashMap<>(OfferActivitiesImpl.figures(customer, 0.9, CATALOG).variables());
    vars.putAll(
        Map.of(
            "product", "Insightly",
            "customer.id", customer.id(),
            "customer.name", customer.name(),
            "customer.plan", customer.plan(),
            "csm.name", "Petra Novak",
            "csm.email", "petra.novak@retention.test",
            "usagePercent", "90",
            "offer.validUntil", "2026-12-08T09:00:00Z"));
    return vars;
  }
}
