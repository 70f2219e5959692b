package dev.retention.data.scoring;

/**
 * A health score: the whole score, its band and the three components it was computed from. {@link
 * HealthModel#score} computes it with a model; {@link #of} with the shipped default.
 */
public record HealthScore(int score, HealthBand band, Components components) {

  /** The three component scores, each 0–100 (means of two sub-scores, so halves occur). */
  public record Components(double usage, double engagement, double support) {}

  /** The score under the shipped default model ({@link HealthModel#defaults()}). */
  public static HealthScore of(HealthMetrics m) {
    return HealthModel.defaults().score(m);
  }
}
