package dev.retention.activities.offers;

import dev.retention.activities.customers.Customer;
import dev.retention.activities.customers.CustomerDirectory;
import dev.retention.workflows.ports.ExpansionFigures;
import dev.retention.workflows.ports.ExpansionFiguresRequest;
import dev.retention.workflows.ports.FailureType;
import dev.retention.workflows.ports.OfferActivities;
import io.temporal.failure.ApplicationFailure;
import io.temporal.spring.boot.ActivityImpl;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.NumberFormat;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The expansion ROI from the customer's own usage and the plan prices: what they use of their plan,
 * what the next plan gives for its price, and the first year with the 20% expansion offer.
 */
@Component
@ActivityImpl(taskQueues = "${retention.task-queue}")
public class OfferActivitiesImpl implements OfferActivities {

  static final BigDecimal FIRST_YEAR_DISCOUNT = new BigDecimal("0.20");

  private final CustomerDirectory directory;
  private final PlanCatalog catalog;

  public OfferActivitiesImpl(CustomerDirectory directory, PlanCatalog catalog) {
    this.directory = directory;
    this.catalog = catalog;
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
    if (next.isEmpty()) {
      vars.put("roi.nextPlan", "a custom plan");
      vars.put("roi.nextFeatures", "capacity and terms shaped to your team");
      vars.put("roi.nextLimit", "as much as you need");
      vars.put("roi.nextPrice", "a custom price");
      vars.put("roi.offerPrice", "20% less in the first year");
      vars.put(
          "roi.summary",
          "You use "
              + count.format(used)
              + " of the "
              + count.format(limit)
              + " queries a month in your plan. A custom plan removes the limit; I'll put the"
              + " figures together with you.");
      return new ExpansionFigures(customer.plan(), "custom", vars);
    }
    PlanCatalog.Plan plan = next.get();
    BigDecimal offer =
        plan.monthlyPrice()
            .multiply(BigDecimal.ONE.subtract(FIRST_YEAR_DISCOUNT))
            .setScale(0, RoundingMode.HALF_UP);
    double headroom = limit == 0 ? 0 : (double) plan.usageLimit() / limit;
    BigDecimal perThousandNow = perThousand(price, Math.max(used, 1));
    BigDecimal perThousandNext = perThousand(offer, plan.usageLimit());
    vars.put("roi.nextPlan", plan.name());
    vars.put("roi.nextFeatures", plan.features());
    vars.put("roi.nextLimit", count.format(plan.usageLimit()) + " queries");
    vars.put("roi.nextPrice", money.format(plan.monthlyPrice()));
    vars.put("roi.offerPrice", money.format(offer));
    vars.put(
        "roi.summary",
        String.format(
            Locale.US,
            "You use %s of the %s queries a month in %s (%d%%), at %s per 1,000 queries used."
                + " %s gives you %s queries (%.1fx the room) for %s a month; with 20%% off the"
                + " first year that is %s a month, or %s per 1,000 queries of capacity.",
            count.format(used),
            count.format(limit),
            customer.plan(),
            Math.round(planUsage * 100),
            money2(perThousandNow),
            plan.name(),
            count.format(plan.usageLimit()),
            headroom,
            money.format(plan.monthlyPrice()),
            money.format(offer),
            money2(perThousandNext)));
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
