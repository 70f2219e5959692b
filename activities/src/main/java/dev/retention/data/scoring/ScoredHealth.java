package dev.retention.data.scoring;

import java.time.Instant;

/**
 * A stored health score: score, band, trend against the previous score ({@code UP}, {@code DOWN},
 * {@code STABLE}, or {@code NEW} for the first), its components, the drop from the highest score of
 * the last 30 days, whether this score raised the CSM alert, and the health model version it was
 * computed with (or, for a score the backend sent itself, whose bands it was put in; null for
 * scores stored before models were versioned). {@code components} is null for a backend's own
 * score.
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
    Double previousPlanUsage,
    Integer modelVersion) {}
