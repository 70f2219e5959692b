package dev.retention.api.batch;

import dev.retention.api.input.SingleLine;
import dev.retention.api.input.TextRules;
import dev.retention.data.scoring.HealthMetrics;
import dev.retention.data.scoring.Sentiment;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

/** One customer's metrics in {@code POST /api/metrics/batch}: the single post's body and the id. */
record MetricsRecord(
    @NotBlank @SingleLine(max = TextRules.ID_MAX) String customerId,
    @NotNull @PositiveOrZero Integer queriesPerWeek,
    @NotNull @PositiveOrZero Integer featuresUsed,
    @NotNull @PositiveOrZero Integer loginsPerWeek,
    @NotNull @DecimalMin("0") @DecimalMax("1") Double emailOpenRate,
    @NotNull @PositiveOrZero Integer openTickets,
    @NotNull Sentiment sentiment,
    @NotNull @DecimalMin("0") @DecimalMax("1") Double planUsage) {

  HealthMetrics toMetrics() {
    return new HealthMetrics(
        queriesPerWeek,
        featuresUsed,
        loginsPerWeek,
        emailOpenRate,
        openTickets,
        sentiment,
        planUsage);
  }
}
