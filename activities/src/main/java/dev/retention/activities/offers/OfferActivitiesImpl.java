package dev.retention.activities.offers;

import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.scoring.HealthScoring;
import dev.retention.workflows.ports.ExpansionFigures;
import dev.retention.workflows.ports.ExpansionFiguresRequest;
import dev.retention.workflows.ports.FailureType;
import dev.retention.workflows.ports.OfferActivities;
import dev.retention.workflows.ports.UsageFigures;
import dev.retention.workflows.ports.UsageFiguresRequest;
import io.temporal.failure.ApplicationFailure;
import io.temporal.spring.boot.ActivityImpl;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.NumberFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The expansion ROI from the customer's own usage and the plan prices: what they use of their plan,
 * what the next plan gives for its price, and the first year with the 20% expansion offer. The
 * figures go to the email templates as variables; the templates phrase them in the customer's
 * language.
 */
@Component
@ActivityImpl(taskQueues = "${retention.task-queue}")
public class OfferActivitiesImpl implements OfferActivities {

  static final BigDecimal FIRST_YEAR_DISCOUNT = new BigDecimal("0.20");

  /** The code for moving up to the catalogue's next plan. */
  static final String NEXT_PLAN = "NEXT_PLAN";

  /** The code for a custom plan, when the customer is on the catalogue's biggest. */
  static final String CUSTOM = "CUSTOM";

  private final CustomerDirectory directory;
  private final PlanCatalog catalog;
  private final HealthScoring scoring;

  public OfferActivitiesImpl(
      CustomerDirectory directory, PlanCatalog catalog, HealthScoring scoring) {
    this.directory = directory;
    this.catalog = catalog;
    this.scoring = scoring;
  }

  /**
   * The usage the backend last measured with the customer's metrics (a score it sent on its own
   * carries none): what a trial's check-in and offer are chosen by.
   */
  @Override
  public UsageFigures usageFigures(UsageFiguresRequest request) {
    return scoring.latestUsage(request.customerId()).orElse(UsageFigures.none());
  }

  @Override
  public ExpansionFigures expansionFigures(ExpansionFiguresRequest request) {
    Customer customer =
        directory
            .findCustomer(request.customerId())
            .orElseThrow(
                () ->
                    ApplicationFailure.newNonRetryableFailure(
                        "unknown customer " + request.customerId(),
                        FailureType.UNKNOWN_CUSTOMER.name()));
    return figures(customer, request.planUsage(), catalog);
  }

  /**
   * The figures as template variables: numbers and money formatted, no prose; the templates and
   * their {@code values.properties} phrase them. {@code roi.comparison} and {@code roi.offerTerms}
   * are {@value #NEXT_PLAN} or, when the catalogue has no bigger plan, {@value #CUSTOM}, as are
   * {@code roi.nextPlan}, {@code roi.nextFeatures} and {@code roi.nextLimit} then.
   */
  static ExpansionFigures figures(Customer customer, double planUsage, PlanCatalog catalog) {
    NumberFormat money = NumberFormat.getCurrencyInstance(Locale.US);
    money.setMaximumFractionDigits(0);
    NumberFormat count = NumberFormat.getIntegerInstance(Locale.US);
    long limit = customer.planUsageLimit();
    long used = Math.round(planUsage * limit);
    BigDecimal price = customer.mrr();
    Optional<PlanCatalog.Plan> next = catalog.next(customer.plan());

    Map<String, String> vars = new HashMap<>();
    vars.put("roi.currentPrice", money.format(price));
    vars.put("roi.usage", count.format(used));
    vars.put("roi.limit", count.format(limit));
    vars.put("roi.usagePercent", Long.toString(Math.round(planUsage * 100)));
    vars.put("roi.currentPricePerThousand", money2(perThousand(price, Math.max(used, 1))));
    if (next.isEmpty()) {
      for (String name :
          List.of(
              "roi.nextPlan",
              "roi.nextFeatures",
              "roi.nextLimit",
              "roi.comparison",
              "roi.offerTerms")) {
        vars.put(name, CUSTOM);
      }
      return new ExpansionFigures(customer.plan(), "custom", vars);
    }
    PlanCatalog.Plan plan = next.get();
    BigDecimal offer =
        plan.monthlyPrice()
            .multiply(BigDecimal.ONE.subtract(FIRST_YEAR_DISCOUNT))
            .setScale(0, RoundingMode.HALF_UP);
    double headroom = limit == 0 ? 0 : (double) plan.usageLimit() / limit;
    vars.put("roi.nextPlan", plan.name());
    vars.put("roi.nextFeatures", plan.features());
    vars.put("roi.nextLimit", count.format(plan.usageLimit()));
    vars.put("roi.headroom", String.format(Locale.US, "%.1f", headroom));
    vars.put("roi.nextPrice", money.format(plan.monthlyPrice()));
    vars.put("roi.offerPrice", money.format(offer));
    vars.put("roi.nextPricePerThousand", money2(perThousand(offer, plan.usageLimit())));
    vars.put("roi.comparison", NEXT_PLAN);
    vars.put("roi.offerTerms", NEXT_PLAN);
    return new ExpansionFigures(customer.plan(), plan.name(), vars);
  }

  private static BigDecimal perThousand(BigDecimal monthly, long units) {
    return monthly
        .multiply(BigDecimal.valueOf(1000))
        .divide(BigDecimal.valueOf(units), 2, RoundingMode.HALF_UP);
  }

  private static String money2(BigDecimal value) {
    NumberFormat money = NumberFormat.getCurrencyInstance(Locale.US);
    return money.format(value);
  }
}
