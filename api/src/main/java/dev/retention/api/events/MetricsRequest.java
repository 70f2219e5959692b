package dev.retention.api.events;

import dev.retention.data.scoring.HealthMetrics;
import dev.retention.data.scoring.Sentiment;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

record MetricsRequest(
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
