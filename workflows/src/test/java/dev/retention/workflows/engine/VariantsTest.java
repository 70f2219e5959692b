package dev.retention.workflows.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VariantsTest {

  private static final List<Step.Variant> HALVES =
      List.of(new Step.Variant("A", 50, List.of()), new Step.Variant("B", 50, List.of()));

  @Test
  void theSameCustomerAndExperiment_alwaysGetTheSameVariant() {
    for (int i = 0; i < 1_000; i++) {
      String customer = "c-" + i;
      assertThat(Variants.assign(customer, "day-1-subject", HALVES))
          .isEqualTo(Variants.assign(customer, "day-1-subject", List.copyOf(HALVES)));
    }
  }

  @Test
  void theHash_isTheFirstEightBytesOfSha256_soItNeverChangesUnderARunOrAReport() {
    // printf 'day-1-subject:c-42' | sha256sum: e52146f1f9862754...; as unsigned, mod 100 = 24.
    assertThat(Long.toHexString(Variants.hash("day-1-subject:c-42"))).isEqualTo("e52146f1f9862754");
    assertThat(Variants.assign("c-42", "day-1-subject", HALVES)).isEqualTo("A");
  }

  @Test
  void overManyCustomers_theSharesFollowTheWeights() {
    List<Step.Variant> ninetyTen =
        List.of(new Step.Variant("control", 90, List.of()), new Step.Variant("new", 10, List.of()));
    Map<String, Integer> halves = new HashMap<>();
    Map<String, Integer> skewed = new HashMap<>();
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      halves.merge(Variants.assign("c-" + i, "day-1-subject", HALVES), 1, Integer::sum);
      skewed.merge(Variants.assign("c-" + i, "offer-size", ninetyTen), 1, Integer::sum);
    }
    // Within 2 percentage points (about 5.6 standard deviations at n = 20 000).
    assertThat(halves.get("A") / (double) n).isBetween(0.48, 0.52);
    assertThat(skewed.get("new") / (double) n).isBetween(0.08, 0.12);
  }

  @Test
  void anotherExperiment_shufflesCustomersIndependently() {
    int same = 0;
    int n = 10_000;
    for (int i = 0; i < n; i++) {
      if (Variants.assign("c-" + i, "first", HALVES)
          .equals(Variants.assign("c-" + i, "second", HALVES))) {
        same++;
      }
    }
    assertThat(same / (double) n).isBetween(0.47, 0.53);
  }

  @Test
  void variantsWithoutAPositiveWeight_areRefused() {
    assertThatThrownBy(
            () ->
                Variants.assign(
                    "c-1",
                    "x",
                    List.of(new Step.Variant("A", 0, List.of()), new Step.Variant("B", 1, null))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
