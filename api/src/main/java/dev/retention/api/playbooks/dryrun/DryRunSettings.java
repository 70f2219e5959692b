package dev.retention.api.playbooks.dryrun;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code retention.dry-run.*}: how many warm environments play dry-runs (one dry-run each at a
 * time), how long a request waits for one before a 503, the hard limit of one dry-run in real time,
 * how many playbook days of a run it plays at most, and after how many dry-runs an environment is
 * replaced by a fresh one (each keeps its finished runs in memory).
 */
@ConfigurationProperties("retention.dry-run")
public record DryRunSettings(
    Integer environments,
    Duration queueWait,
    Duration timeout,
    Integer horizonDays,
    Integer maxUses) {

  public DryRunSettings {
    environments = environments == null ? 2 : environments;
    queueWait = queueWait == null ? Duration.ofSeconds(2) : queueWait;
    timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
    horizonDays = horizonDays == null ? 120 : horizonDays;
    maxUses = maxUses == null ? 200 : maxUses;
    if (environments < 1 || horizonDays < 1 || maxUses < 1) {
      throw new IllegalArgumentException(
          "retention.dry-run.environments, horizon-days and max-uses must be at least 1");
    }
    if (!timeout.isPositive() || queueWait.isNegative()) {
      throw new IllegalArgumentException(
          "retention.dry-run.timeout must be positive and queue-wait not negative");
    }
  }
}
