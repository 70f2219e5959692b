package dev.retention.activities.offers;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The plans the SaaS sells ({@code retention.plans}), smallest first: name, monthly price, the
 * monthly usage limit, and what the plan adds.
 */
@ConfigurationProperties("retention")
public record PlanCatalog(List<Plan> plans) {

  public record Plan(String name, BigDecimal monthlyPrice, long usageLimit, String features) {}

  public PlanCatalog {
    plans =
        plans == null
            ? List.of()
            : plans.stream().sorted(Comparator.comparing(Plan::monthlyPrice)).toList();
  }

  public Optional<Plan> find(String name) {
    return plans.stream().filter(p -> p.name().equalsIgnoreCase(name)).findFirst();
  }

  /** The next plan up from {@code name}, if there is one. */
  public Optional<Plan> next(String name) {
    for (int i = 0; i < plans.size() - 1; i++) {
      if (plans.get(i).name().equalsIgnoreCase(name)) {
        return Optional.of(plans.get(i + 1));
      }
    }
    return Optional.empty();
  }
}
