package dev.retention.api.runtime;

import dev.retention.data.ledger.RunRecords;
import dev.retention.data.ledger.Timeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The embedded Temporal service keeps its runs in memory, so a restart loses them while the
 * database remembers them as running. Say so in the projection and on the timeline instead of
 * showing ghosts. (With a real Temporal server runs survive restarts and this does not run.)
 */
@Component
@ConditionalOnProperty(name = "spring.temporal.test-server.enabled", havingValue = "true")
class EmbeddedRunReconciler implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedRunReconciler.class);

  private final Timeline timeline;
  private final RunRecords runs;

  EmbeddedRunReconciler(Timeline timeline, RunRecords runs) {
    this.timeline = timeline;
    this.runs = runs;
  }

  @Override
  public void run(ApplicationArguments args) {
    timeline.addLostOnRestart();
    int lost = runs.terminateAllRunning();
    if (lost > 0) {
      log.warn(
          "{} run(s) from a previous start were lost with the embedded Temporal service; marked"
              + " TERMINATED. Use TEMPORAL_ADDRESS for runs that survive restarts.",
          lost);
    }
  }
}
