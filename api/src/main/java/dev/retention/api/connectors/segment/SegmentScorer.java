package dev.retention.api.connectors.segment;

import dev.retention.api.events.CustomerEvents;
import dev.retention.api.events.HealthIntake;
import dev.retention.data.scoring.BatchScoring;
import dev.retention.data.scoring.HealthMetrics;
import dev.retention.data.scoring.Sentiment;
import dev.retention.data.segment.SegmentStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Scores the customers whose Segment figures moved, every {@code retention.segment.score-interval}
 * (a minute by default), not per event: their weekly figures (the last seven days' logins and
 * queries, the distinct features used; the plan usage and open tickets traits) stand in for the
 * ones the mapping counts, the rest (email open rate, sentiment, and any figure no event counts)
 * are the customer's last posted metrics. Taken in like the metrics batch ({@link HealthIntake}:
 * scored set-based, the runs the scores start queued with them and started here, a failed start
 * made again by the relay), so each customer's playbooks hear the new health exactly as after
 * {@code POST /api/customers/{id}/metrics} ({@link CustomerEvents#healthScored}).
 */
@Service
class SegmentScorer {

  private static final Logger log = LoggerFactory.getLogger(SegmentScorer.class);

  static final int PASS = 1000;

  private final SegmentStore store;
  private final SegmentSettings settings;
  private final HealthIntake intake;
  private final Clock clock;

  SegmentScorer(SegmentStore store, SegmentSettings settings, HealthIntake intake, Clock clock) {
    this.store = store;
    this.settings = settings;
    this.intake = intake;
    this.clock = clock;
  }

  @Scheduled(
      initialDelayString = "${retention.segment.score-interval:PT1M}",
      fixedDelayString = "${retention.segment.score-interval:PT1M}")
  void scheduled() {
    try {
      int scored = scoreMoved();
      if (scored > 0) {
        log.info("segment: scored {} customer(s) whose figures moved", scored);
      }
    } catch (RuntimeException e) {
      log.warn("segment: scoring the customers whose figures moved failed; retried next time", e);
    }
  }

  /**
   * Scores every customer whose figures moved, each once: one that moves again while this runs (a
   * steady stream of events) is left marked for the next pass, so a pass ends. Answers how many.
   */
  int scoreMoved() {
    int total = 0;
    java.util.Set<String> done = new java.util.HashSet<>();
    while (true) {
      List<SegmentStore.Weekly> taken = store.takeMoved(PASS, clock.instant());
      List<SegmentStore.Weekly> fresh =
          taken.stream().filter(w -> !done.contains(w.customerId())).toList();
      List<String> again =
          taken.stream().map(SegmentStore.Weekly::customerId).filter(done::contains).toList();
      if (!again.isEmpty()) {
        store.markMoved(again);
      }
      if (fresh.isEmpty()) {
        return total;
      }
      List<String> ids = fresh.stream().map(SegmentStore.Weekly::customerId).toList();
      try {
        total += score(fresh);
      } catch (RuntimeException e) {
        store.markMoved(ids);
        throw e;
      }
      done.addAll(ids);
      if (taken.size() < PASS || !again.isEmpty()) {
        return total;
      }
    }
  }

  private int score(List<SegmentStore.Weekly> moved) {
    List<String> ids = moved.stream().map(SegmentStore.Weekly::customerId).toList();
    Map<String, HealthMetrics> last = store.lastMetrics(ids);
    SegmentSettings.Mapping mapping = settings.mapping();
    List<BatchScoring.Reported> reported = new ArrayList<>();
    for (SegmentStore.Weekly w : moved) {
      HealthMetrics before =
          last.getOrDefault(
              w.customerId(), new HealthMetrics(0, 0, 0, 0.0, 0, Sentiment.NEUTRAL, 0.0));
      reported.add(
          new BatchScoring.Reported(
              w.customerId(),
              new HealthMetrics(
                  mapping.counts(SegmentStore.QUERIES) ? w.queries() : before.queriesPerWeek(),
                  mapping.counts(SegmentStore.FEATURES) ? w.features() : before.featuresUsed(),
                  mapping.counts(SegmentStore.LOGINS) ? w.logins() : before.loginsPerWeek(),
                  before.emailOpenRate(),
                  w.openTickets() != null ? w.openTickets() : before.openTickets(),
                  before.sentiment(),
                  w.planUsage() != null ? w.planUsage() : before.planUsage())));
    }
    // Scored with the runs they start queued in the same transaction, then started here; those
    // of customers that do not exist (never created here, or erased since their events came) are
    // left out, as before.
    HealthIntake.Outcome outcome = intake.take(reported, true);
    for (HealthIntake.Failure failure : outcome.failed()) {
      log.warn("segment: customer {} {}", failure.customerId(), failure.reason());
    }
    return reported.size() - outcome.unknown().size();
  }
}
