package dev.retention.data.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The health model format: the shipped default reads back as the seed formula, and a bad model is
 * refused naming the place with a JSON pointer.
 */
class HealthModelTest {

  @Test
  void theShippedDefault_isTheSeedFormula_withTheZeroUseTiers() {
    HealthModel model = HealthModel.defaults();
    assertThat(model.usageWeight()).isEqualByComparingTo("0.4");
    assertThat(model.engagementWeight()).isEqualByComparingTo("0.3");
    assertThat(model.supportWeight()).isEqualByComparingTo("0.3");
    assertThat(model.queriesPerWeek())
        .containsExactly(
            new HealthModel.Tier(0, 0),
            new HealthModel.Tier(1, 50),
            new HealthModel.Tier(10, 75),
            new HealthModel.Tier(50, 100));
    assertThat(model.bands())
        .containsExactly(
            new HealthModel.Band(HealthBand.CRITICAL, 0, 39),
            new HealthModel.Band(HealthBand.AT_RISK, 40, 59),
            new HealthModel.Band(HealthBand.NEUTRAL, 60, 79),
            new HealthModel.Band(HealthBand.HEALTHY, 80, 100));
  }

  @Test
  void weightsAreExactDecimals_soThirdsThatSumToOneAreAccepted() {
    HealthModel model =
        HealthModel.parse(weights("0.3333", "0.3333", "0.3334").apply(HealthModel.defaultJson()));
    // 100 everywhere: exactly 100, no binary 99.99.
    assertThat(model.score(new HealthMetrics(50, 5, 5, 0.5, 0, Sentiment.POSITIVE, 1)).score())
        .isEqualTo(100);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "weights summing to 0.9 | \"weight\": 0.4 | \"weight\": 0.3 | /components | sum to 1",
        "a negative weight | \"weight\": 0.4 | \"weight\": -0.4 | /components/usage/weight | 0 to 1",
        "tiers out of order | {\"from\": 10, \"score\": 75} | {\"from\": 0.5, \"score\": 75}"
            + " | /components/usage/metrics/queriesPerWeek/2/from | whole number",
        "overlapping tiers | {\"from\": 10, \"score\": 75} | {\"from\": 1, \"score\": 75}"
            + " | /components/usage/metrics/queriesPerWeek/2/from | ascending",
        "a first tier above 0 | {\"from\": 0, \"score\": 100} | {\"from\": 1, \"score\": 100}"
            + " | /components/support/metrics/openTickets/0/from | start at 0",
        "a score above 100 | \"POSITIVE\": 100 | \"POSITIVE\": 101"
            + " | /components/support/metrics/sentiment/POSITIVE | 0 to 100",
        "a gap between bands | \"min\": 40, \"max\": 59 | \"min\": 41, \"max\": 59"
            + " | /bands/1/min | without gap",
        "bands not reaching 100 | \"min\": 80, \"max\": 100 | \"min\": 80, \"max\": 99"
            + " | /bands/3/max | end at 100",
        "bands out of order | \"band\": \"AT_RISK\" | \"band\": \"NEUTRAL\" | /bands/1/band | AT_RISK",
        "an unknown metric | \"featuresUsed\" | \"seatsUsed\""
            + " | /components/usage/metrics/seatsUsed | unknown property",
        "an unknown format | \"format\": 1 | \"format\": 2 | /format | format must be 1",
      })
  void aBadModel_isRefused_namingThePlace(
      String what, String from, String to, String pointer, String detail) {
    String json = HealthModel.defaultJson().replaceFirst(java.util.regex.Pattern.quote(from), to);
    assertThat(json).as(what).isNotEqualTo(HealthModel.defaultJson());
    assertThatThrownBy(() -> HealthModel.parse(json))
        .as(what)
        .isInstanceOfSatisfying(
            HealthModel.Invalid.class,
            e -> {
              assertThat(e.pointer()).isEqualTo(pointer);
              assertThat(e.getMessage()).contains(detail);
            });
  }

  @Test
  void notJson_isRefused() {
    assertThatThrownBy(() -> HealthModel.parse("{\"format\": 1,"))
        .isInstanceOfSatisfying(
            HealthModel.Invalid.class, e -> assertThat(e.pointer()).isEqualTo(""));
    assertThatThrownBy(() -> HealthModel.parse("{\"format\": 1, \"format\": 1}"))
        .isInstanceOf(HealthModel.Invalid.class);
  }

  private static UnaryOperator<String> weights(String usage, String engagement, String support) {
    return json ->
        json.replace("\"weight\": 0.4", "\"weight\": " + usage)
            .replaceFirst("\"weight\": 0\\.3,", "\"weight\": " + engagement + ",")
            .replace("\"weight\": 0.3,", "\"weight\": " + support + ",");
  }
}
