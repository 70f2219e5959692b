package dev.retention.activities.scoring;

/** 80–100 healthy (expand), 60–79 neutral (engage), 40–59 at risk (intervene), 0–39 critical. */
public enum HealthBand {
  HEALTHY,
  NEUTRAL,
  AT_RISK,
  CRITICAL;

  public static HealthBand of(int score) {
    if (score >= 80) {
      return HEALTHY;
    }
    if (score >= 60) {
      return NEUTRAL;
    }
    if (score >= 40) {
      return AT_RISK;
    }
    return CRITICAL;
  }
}
