package dev.retention.activities.scoring;

import java.time.Instant;

/**
 * A stored health score: score, band, trend against the previous score ({@code UP}, {@code DOWN},
 * {@code STABLE}, or {@code NEW} for the first), its components, the drop from the highest score of
 * the last 30 days, and whether this score raised the CSM alert.
 */
public record ScoredHealth(
    int score,
    HealthBand band,
    String trend,
    HealthScore.Components components,
    Instant scoredAt,
    Integer previousScore,
    int dropWithin30Days,
    boolean dropAlerted,
    double planUsage,
    Double previousPlanUsage) {}
