package dev.retention.api.events;

import dev.retention.data.customers.Customer;
import dev.retention.data.ledger.QueuedStarts;
import dev.retention.data.ledger.RunProjection;
import dev.retention.data.scoring.BatchScoring;
import dev.retention.data.scoring.ScoredHealth;
import dev.retention.workflows.contract.PlaybookIds;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Many customers' new metrics at once (the metrics batch, the Segment scorer): scored set-based
 * ({@link BatchScoring}, which reads the customers as it locks them: a report of a customer that
 * does not exist is left out and named in the outcome), and in each scoring round's transaction the
 * runs the scores start are queued ({@link QueuedStarts}; the crossings of {@link
 * CustomerEvents#crossings}: falling into at-risk, rising into expansion, a team-defined trigger),
 * so a crossing is stored with its score or not at all. Then, per customer and in the order
 * reported, the same rules as a single metrics post: running runs hear the score, and the
 * crossing's run starts (one run per customer, never while a cancellation is being handled), unless
 * the {@link QueuedStartRelay} is to start it right after. Customers are handled in parallel, at
 * most {@code retention.batch.parallelism} at a time, on virtual threads; the running runs of all
 * of them come from one query of the projection, so only runs that exist are signalled. A start
 * that fails (Temporal unreachable) stays queued and is made again after a backoff.
 */
@Service
public class HealthIntake {

  private static final Logger log = LoggerFactory.getLogger(HealthIntake.class);

  private final BatchScoring scoring;
  private final RunProjection projection;
  private final CustomerEvents events;
  private final QueuedStarts queue;
  private final QueuedStartRelay relay;
  private final Clock clock;
  private final int parallelism;

  HealthIntake(
      BatchScoring scoring,
      RunProjection projection,
      CustomerEvents events,
      QueuedStarts queue,
      QueuedStartRelay relay,
      Clock clock,
      @Value("${retention.batch.parallelism:32}") int parallelism) {
    this.scoring = scoring;
    this.projection = projection;
    this.events = events;
    this.queue = queue;
    this.relay = relay;
    this.clock = clock;
    this.parallelism = Math.max(1, parallelism);
  }

  /** A report scored whose playbook rules could not all be applied: its place and why. */
  public record Failure(int position, String customerId, String reason) {}

  /**
   * The scores (of the reports scored, in the order reported), the places of the reports left
   * unscored since their customers do not exist, the runs started, those queued and not started
   * (all of them when the relay is to start them; otherwise those whose start failed), the runs
   * informed, and the failures, in the order reported.
   */
  public record Outcome(
      List<ScoredHealth> scores,
      List<Integer> unknown,
      List<String> started,
      List<String> queued,
      int informed,
      List<Failure> failed) {}

  /** What the customers' threads collect. */
  private record Collected(
      Collection<String> started,
      Collection<String> queued,
      Collection<Failure> failed,
      AtomicInteger informed) {
    Collected() {
      this(
          new ConcurrentLinkedQueue<>(),
          new ConcurrentLinkedQueue<>(),
          new ConcurrentLinkedQueue<>(),
          new AtomicInteger());
    }
  }

  /**
   * The reports scored, with their scores (by the report's place, null where its customer does not
   * exist), the places left unscored, their customers and queued starts (by the report's place).
   */
  private record Scored(
      List<BatchScoring.Reported> reported,
      List<ScoredHealth> scores,
      List<Integer> unknown,
      Map<String, Customer> customers,
      Map<Integer, List<QueuedStarts.Queued>> starts,
      boolean startNow) {}

  /**
   * Scores the reports of the customers that exist, queues their crossings' starts and informs the
   * running runs; makes the queued starts itself when {@code startNow}, else wakes the relay to
   * make them.
   */
  public Outcome take(List<BatchScoring.Reported> reported, boolean startNow) {
    if (reported.isEmpty()) {
      return new Outcome(List.of(), List.of(), List.of(), List.of(), 0, List.of());
    }
    // Each customer's reports in their order; customers in parallel.
    Map<String, List<Integer>> byCustomer = byCustomer(reported);
    Map<String, List<RunProjection.Running>> running = projection.running(byCustomer.keySet());
    // The published model and definitions once for all, not per customer.
    CustomerEvents.ScoreRules rules = events.scoreRules();
    Scored batch = score(reported, rules, startNow);
    if (!startNow && !batch.starts().isEmpty()) {
      relay.wake();
    }
    Collected collected = new Collected();
    // Only customers that exist with a run to inform or one to start have anything to do.
    List<Map.Entry<String, List<Integer>>> busy =
        byCustomer.entrySet().stream()
            .filter(customer -> batch.customers().containsKey(customer.getKey()))
            .filter(
                customer ->
                    running.containsKey(customer.getKey())
                        || customer.getValue().stream().anyMatch(batch.starts()::containsKey))
            .toList();
    AtMost.forEach(
        busy,
        parallelism,
        customer ->
            inform(
                batch.customers().get(customer.getKey()),
                rules,
                customer.getValue(),
                running.getOrDefault(customer.getKey(), List.of()),
                batch,
                collected));
    return new Outcome(
        batch.scores().stream().filter(Objects::nonNull).toList(),
        batch.unknown(),
        collected.started().stream().sorted().toList(),
        collected.queued().stream().sorted().distinct().toList(),
        collected.informed().get(),
        collected.failed().stream().sorted(Comparator.comparingInt(Failure::position)).toList());
  }

  /**
   * Scores the reports, and in each round's transaction queues the runs its scores start: taken by
   * the caller until it has made them ({@code startNow}), or due at once for the relay.
   */
  private Scored score(
      List<BatchScoring.Reported> reported, CustomerEvents.ScoreRules rules, boolean startNow) {
    Instant takenUntil = startNow ? clock.instant().plus(QueuedStartRelay.LEASE) : clock.instant();
    Map<Integer, List<QueuedStarts.Queued>> starts = new HashMap<>();
    BatchScoring.Recorded recorded =
        scoring.recordAll(
            reported,
            (round, scored, customers) ->
                starts.putAll(
                    queueCrossings(round, scored, reported, customers, rules, takenUntil)));
    return new Scored(
        reported,
        recorded.scores(),
        List.copyOf(recorded.unknown()),
        recorded.customers(),
        starts,
        startNow);
  }

  /** In a scoring round's transaction: the runs its scores start, queued, by the report's place. */
  private Map<Integer, List<QueuedStarts.Queued>> queueCrossings(
      List<Integer> round,
      ScoredHealth[] scored,
      List<BatchScoring.Reported> reported,
      Map<String, Customer> customers,
      CustomerEvents.ScoreRules rules,
      Instant takenUntil) {
    List<Integer> of = new ArrayList<>();
    List<QueuedStarts.NewStart> crossings = new ArrayList<>();
    for (int i : round) {
      Customer c = customers.get(reported.get(i).customerId());
      for (CustomerEvents.Crossing x : events.crossings(c, scored[i], rules)) {
        of.add(i);
        crossings.add(new QueuedStarts.NewStart(c.id(), x.playbook(), x.score(), x.planUsage()));
      }
    }
    List<QueuedStarts.Queued> queued = queue.queue(crossings, takenUntil);
    Map<Integer, List<QueuedStarts.Queued>> byReport = new HashMap<>();
    for (int k = 0; k < queued.size(); k++) {
      byReport.computeIfAbsent(of.get(k), i -> new ArrayList<>()).add(queued.get(k));
    }
    return byReport;
  }

  private static Map<String, List<Integer>> byCustomer(List<BatchScoring.Reported> reported) {
    Map<String, List<Integer>> byCustomer = new LinkedHashMap<>();
    for (int i = 0; i < reported.size(); i++) {
      byCustomer.computeIfAbsent(reported.get(i).customerId(), c -> new ArrayList<>()).add(i);
    }
    return byCustomer;
  }

  /**
   * One customer's reports, in order: its running runs hear each new score, then the runs that
   * score queued start (unless the relay is to start them).
   */
  private void inform(
      Customer c,
      CustomerEvents.ScoreRules rules,
      List<Integer> positions,
      List<RunProjection.Running> running,
      Scored batch,
      Collected out) {
    Set<String> playbooks =
        new HashSet<>(running.stream().map(RunProjection.Running::playbook).toList());
    for (int i : positions) {
      if (batch.scores().get(i) == null) {
        continue; // the customer was erased between two of the batch's rounds
      }
      try {
        out.informed().addAndGet(events.inform(c, batch.scores().get(i), playbooks).size());
      } catch (RuntimeException e) {
        log.warn("the running runs of customer {} could not be informed", c.id(), e);
        out.failed()
            .add(
                new Failure(
                    i,
                    c.id(),
                    "scored, but its running runs could not be informed: "
                        + e.getClass().getSimpleName()));
      }
      for (QueuedStarts.Queued start : batch.starts().getOrDefault(i, List.of())) {
        if (!batch.startNow()) {
          out.queued().add(PlaybookIds.workflowId(start.playbook(), c.id()));
          continue;
        }
        switch (relay.start(start, c, rules)) {
          case QueuedStartRelay.Attempt.Made made -> {
            out.started().addAll(made.touched().started());
            out.informed()
                .addAndGet(made.touched().workflowIds().size() - made.touched().started().size());
            made.touched().started().stream()
                .flatMap(id -> PlaybookIds.playbookOf(id).stream())
                .forEach(playbooks::add);
          }
          case QueuedStartRelay.Attempt.Retrying retrying -> {
            out.queued().add(PlaybookIds.workflowId(start.playbook(), c.id()));
            out.failed()
                .add(
                    new Failure(
                        i,
                        c.id(),
                        "scored, but its "
                            + start.playbook()
                            + " run could not be started yet ("
                            + retrying.reason().split(":", 2)[0]
                            + "); it stays queued and is started once Temporal answers"));
          }
        }
      }
    }
  }
}
