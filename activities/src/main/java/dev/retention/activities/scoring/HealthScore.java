package dev.retention.activities.scoring;

/**
 * The health score of docs/playbooks.md (Health score) as a pure function.
 *
 * <pre>
 * Health = Usage × 0.4 + Engagement × 0.3 + Support × 0.3
 * </pre>
 *
 * Where the source's ranges overlap (10 queries in "0–10" and "10–50"), the lower range's upper
 * bound is exclusive: 10 queries → 75, 5 logins → 100, 20% opens → 75, 50% → 100. The weighted sum
 * is rounded half up to a whole score.
 */
public record HealthScore(int score, HealthBand band, Components components) {

  /** The three component scores, each 0–100 (means of two sub-scores, so halves occur). */
  public record Components(double usage, double engagement, double support) {}

  public static HealthScore of(HealthMetrics m) {
    double usage = mean(queriesScore(m.queriesPerWeek()), featuresScore(m.featuresUsed()));
    double engagement = mean(loginsScore(m.loginsPerWeek()), openRateScore(m.emailOpenRate()));
    double support = mean(ticketsScore(m.openTickets()), sentimentScore(m.sentiment()));
    double weighted = usage * 0.4 + engagement * 0.3 + support * 0.3;
    // Round on a tenth-of-a-point grid first so binary noise (59.4999…) cannot flip a band.
    int score = (int) Math.round(Math.round(weighted * 10) / 10.0);
    return new HealthScore(score, HealthBand.of(score), new Components(usage, engagement, support));
  }

  static int queriesScore(int perWeek) {
    return perWeek < 10 ? 50 : perWeek < 50 ? 75 : 100;
  }

  static int featuresScore(int used) {
    return used <= 2 ? 50 : used <= 4 ? 75 : 100;
  }

  static int loginsScore(int perWeek) {
    return perWeek <= 2 ? 50 : perWeek < 5 ? 75 : 100;
  }

  static int openRateScore(double rate) {
    return rate < 0.20 ? 50 : rate < 0.50 ? 75 : 100;
  }

  static int ticketsScore(int open) {
    return open == 0 ? 100 : open <= 2 ? 75 : 50;
  }

  static int sentimentScore(Sentiment sentiment) {
    return switch (sentiment) {
      case NEGATIVE -> 25;
      case NEUTRAL -> 75;
      case POSITIVE -> 100;
    };
  }

  private static double mean(int a, int b) {
    return (a + b) / 2.0;
  }
}
