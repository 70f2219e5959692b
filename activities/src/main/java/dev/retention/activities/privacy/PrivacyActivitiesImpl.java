package dev.retention.activities.privacy;

import dev.retention.data.privacy.PersonalData;
import dev.retention.workflows.ports.PrivacyActivities;
import dev.retention.workflows.ports.PurgeReport;
import dev.retention.workflows.ports.PurgeRequest;
import io.temporal.spring.boot.ActivityImpl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** The retention purge: what is older than {@code retention.privacy.retention-days} goes. */
@Component
@ActivityImpl(taskQueues = "${retention.task-queue}")
public class PrivacyActivitiesImpl implements PrivacyActivities {

  private static final Logger log = LoggerFactory.getLogger(PrivacyActivitiesImpl.class);

  private final PersonalData personalData;
  private final Clock clock;
  private final int retentionDays;

  public PrivacyActivitiesImpl(
      PersonalData personalData,
      Clock clock,
      @Value("${retention.privacy.retention-days:365}") int retentionDays) {
    if (retentionDays < 1) {
      throw new IllegalArgumentException("retention.privacy.retention-days must be at least 1");
    }
    this.personalData = personalData;
    this.clock = clock;
    this.retentionDays = retentionDays;
  }

  @Override
  public PurgeReport purgeExpired(PurgeRequest request) {
    Instant cutoff = clock.instant().minus(Duration.ofDays(retentionDays));
    Map<String, Integer> rows = personalData.purgeBefore(cutoff);
    log.info("retention purge ({}): before {} {}", request.trigger(), cutoff, rows);
    return new PurgeReport(
        cutoff.toString(), retentionDays, rows.get("emailBodies"), rows.get("timelineEntries"));
  }
}
