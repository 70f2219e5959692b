package dev.retention.data.scoring;

/**
 * The four bands, lowest last. Where each begins is the health model's (by default 80–100 healthy
 * (expand), 60–79 neutral (engage), 40–59 at risk (intervene), 0–39 critical (save)).
 */
public enum HealthBand {
  HEALTHY,
  NEUTRAL,
  AT_RISK,
  CRITICAL;

  /** The band of a score under the shipped default model. */
  public static HealthBand of(int score) {
    return HealthModel.defaults().band(score);
  }

  /** At risk or critical: the bands the at-risk playbook is for. */
  public boolean atRiskOrWorse() {
    return this == AT_RISK || this == CRITICAL;
  }
}
