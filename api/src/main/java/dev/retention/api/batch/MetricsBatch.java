package dev.retention.api.batch;

import dev.retention.api.events.AtMost;
import dev.retention.api.events.CustomerEvents;
import dev.retention.api.events.QueuedStartRelay;
import dev.retention.api.input.Ids;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.ledger.QueuedStarts;
import dev.retention.data.ledger.RunProjection;
import dev.retention.data.scoring.BatchScoring;
import dev.retention.data.scoring.ScoredHealth;
import dev.retention.workflows.contract.PlaybookIds;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * {@code POST /api/metrics/batch}: the records that passed validation and name a known customer are
 * scored set-based ({@link BatchScoring}), and in each scoring round's transaction the runs its
 * scores start are queued ({@link QueuedStarts}; the crossings of {@link CustomerEvents#crossings}:
 * falling into at-risk, rising into expansion, a team-defined trigger), so a crossing is stored
 * with its score or not at all. Then, per customer and in the batch's order, the same rules as a
 * single metrics post: running runs hear the score, and the crossing's run starts (one run per
 * customer, never while a cancellation is being handled). Customers are handled in parallel, at
 * most {@code retention.batch.parallelism} at a time, on virtual threads; the running runs of the
 * whole batch come from one query of the projection, so only runs that exist are signalled.
 *
 * <p>With {@code Prefer: respond-async} the batch answers once the scores and their queued starts
 * are stored and the running runs have heard: the {@link QueuedStartRelay} starts the queued runs
 * right after, and the answer lists them as {@code queued}. A start that fails (Temporal
 * unreachable) stays queued either way and is made again after a backoff: listed as {@code queued}
 * and, when the batch was to make it, in {@code failed}.
 */
@Service
class MetricsBatch {

  private static final Logger log = LoggerFactory.getLogger(MetricsBatch.class);

  private final CustomerDirectory directory;
  private final BatchScoring scoring;
  private final RunProjection projection;
  private final CustomerEvents events;
  private final QueuedStarts queue;
  private final QueuedStartRelay relay;
  private final Clock clock;
  private final int parallelism;

  MetricsBatch(
      CustomerDirectory directory,
      BatchScoring scoring,
      RunProjection projection,
      CustomerEvents events,
      QueuedStarts queue,
      QueuedStartRelay relay,
      Clock clock,
      @Value("${retention.batch.parallelism:32}") int parallelism) {
    this.directory = directory;
    this.scoring = scoring;
    this.projection = projection;
    this.events = events;
    this.queue = queue;
    this.relay = relay;
    this.clock = clock;
    this.parallelism = Math.max(1, parallelism);
  }

  /** A scored record whose playbook rules could not be applied (Temporal unreachable, say). */
  record Failed(int index, String customerId, String reason) {}

  record Result(
      int received,
      int scored,
      List<BatchBody.Rejected> rejected,
      List<String> started,
      List<String> queued,
      int informed,
      int alerts,
      List<Failed> failed) {}

  /** What the batch collects from its customers, in parallel. */
  private record Collected(
      Collection<String> started,
      Collection<String> queued,
      Collection<Failed> failed,
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
   * Scores the records, queues their crossings' starts, and informs the running runs; makes the
   * queued starts itself unless {@code respondAsync}, when the relay makes them.
   */
  Result ingest(BatchBody.Read<MetricsRecord> read, boolean respondAsync) {
    List<BatchBody.Rejected> rejected = new ArrayList<>(read.rejected());
    Map<String, Customer> customers = directory.findCustomers(validIds(read));
    List<BatchBody.Indexed<MetricsRecord>> records = known(read, customers, rejected);
    rejected.sort(java.util.Comparator.comparingInt(BatchBody.Rejected::index));
    if (records.isEmpty()) {
      return new Result(read.received(), 0, rejected, List.of(), List.of(), 0, 0, List.of());
    }

    // Each customer's records in the batch's order; customers in parallel.
    Map<String, List<Integer>> byCustomer = byCustomer(records);
    Map<String, List<RunProjection.Running>> running = projection.running(byCustomer.keySet());
    // The published model and definitions once for the whole batch, not per customer.
    CustomerEvents.ScoreRules rules = events.scoreRules();
    Scored batch = score(records, customers, rules, respondAsync);
    Map<Integer, List<QueuedStarts.Queued>> starts = batch.starts();
    if (respondAsync && !starts.isEmpty()) {
      relay.wake();
    }

    Collected collected = new Collected();
    // Only customers with a run to inform or one to start have anything to do.
    List<Map.Entry<String, List<Integer>>> busy =
        byCustomer.entrySet().stream()
            .filter(
                customer ->
                    running.containsKey(customer.getKey())
                        || customer.getValue().stream().anyMatch(starts::containsKey))
            .toList();
    AtMost.forEach(
        busy,
        parallelism,
        customer -> {
          Customer c = customers.get(customer.getKey());
          inform(
              c,
              rules,
              customer.getValue(),
              running.getOrDefault(c.id(), List.of()),
              batch,
              collected);
        });
    return new Result(
        read.received(),
        records.size(),
        rejected,
        collected.started().stream().sorted().toList(),
        collected.queued().stream().sorted().distinct().toList(),
        collected.informed().get(),
        (int) batch.scores().stream().filter(ScoredHealth::dropAlerted).count(),
        collected.failed().stream()
            .sorted(java.util.Comparator.comparingInt(Failed::index))
            .toList());
  }

  /**
   * Scores the records, and in each round's transaction queues the runs its scores start: taken by
   * this request until it has made them, or due at once for the relay ({@code respondAsync}).
   */
  private Scored score(
      List<BatchBody.Indexed<MetricsRecord>> records,
      Map<String, Customer> customers,
      CustomerEvents.ScoreRules rules,
      boolean respondAsync) {
    Instant takenUntil =
        respondAsync ? clock.instant() : clock.instant().plus(QueuedStartRelay.LEASE);
    Map<Integer, List<QueuedStarts.Queued>> starts = new HashMap<>();
    List<ScoredHealth> scores =
        scoring.recordAll(
            records.stream()
                .map(r -> new BatchScoring.Reported(r.value().customerId(), r.value().toMetrics()))
                .toList(),
            (round, scored) ->
                starts.putAll(
                    queueCrossings(round, scored, records, customers, rules, takenUntil)));
    return new Scored(records, scores, starts, respondAsync);
  }

  /**
   * In a scoring round's transaction: the runs its scores start, queued, by the record's place in
   * {@code records}.
   */
  private Map<Integer, List<QueuedStarts.Queued>> queueCrossings(
      List<Integer> round,
      ScoredHealth[] scored,
      List<BatchBody.Indexed<MetricsRecord>> records,
      Map<String, Customer> customers,
      CustomerEvents.ScoreRules rules,
      Instant takenUntil) {
    List<Integer> of = new ArrayList<>();
    List<QueuedStarts.NewStart> crossings = new ArrayList<>();
    for (int i : round) {
      Customer c = customers.get(records.get(i).value().customerId());
      for (CustomerEvents.Crossing x : events.crossings(c, scored[i], rules)) {
        of.add(i);
        crossings.add(new QueuedStarts.NewStart(c.id(), x.playbook(), x.score(), x.planUsage()));
      }
    }
    List<QueuedStarts.Queued> queued = queue.queue(crossings, takenUntil);
    Map<Integer, List<QueuedStarts.Queued>> byRecord = new HashMap<>();
    for (int k = 0; k < queued.size(); k++) {
      byRecord.computeIfAbsent(of.get(k), i -> new ArrayList<>()).add(queued.get(k));
    }
    return byRecord;
  }

  /** The distinct valid customer ids of the accepted records, to read those customers at once. */
  private static List<String> validIds(BatchBody.Read<MetricsRecord> read) {
    return read.accepted().stream()
        .map(r -> r.value().customerId())
        .filter(Ids::valid)
        .distinct()
        .toList();
  }

  private static Map<String, List<Integer>> byCustomer(
      List<BatchBody.Indexed<MetricsRecord>> records) {
    Map<String, List<Integer>> byCustomer = new LinkedHashMap<>();
    for (int i = 0; i < records.size(); i++) {
      byCustomer
          .computeIfAbsent(records.get(i).value().customerId(), c -> new ArrayList<>())
          .add(i);
    }
    return byCustomer;
  }

  /** The accepted records of customers that exist; the others join {@code rejected}. */
  private static List<BatchBody.Indexed<MetricsRecord>> known(
      BatchBody.Read<MetricsRecord> read,
      Map<String, Customer> customers,
      List<BatchBody.Rejected> rejected) {
    List<BatchBody.Indexed<MetricsRecord>> records = new ArrayList<>();
    for (BatchBody.Indexed<MetricsRecord> record : read.accepted()) {
      String id = record.value().customerId();
      if (!Ids.valid(id)) {
        rejected.add(
            new BatchBody.Rejected(
                record.index(),
                null,
                "customerId",
                "customerId must be 1-64 characters of letters, digits, '.', '_' or '-'"));
      } else if (!customers.containsKey(id)) {
        rejected.add(
            new BatchBody.Rejected(
                record.index(),
                id,
                "customerId",
                "no customer "
                    + id
                    + "; create it with PUT /api/customers/{customerId} or POST"
                    + " /api/customers/batch first"));
      } else {
        records.add(record);
      }
    }
    return records;
  }

  /** The batch's scored records, their scores and queued starts (by the record's place). */
  private record Scored(
      List<BatchBody.Indexed<MetricsRecord>> records,
      List<ScoredHealth> scores,
      Map<Integer, List<QueuedStarts.Queued>> starts,
      boolean respondAsync) {}

  /**
   * One customer's records, in the batch's order: its running runs hear each new score, then the
   * runs that score queued start (unless the relay is to start them).
   */
  private void inform(
      Customer c,
      CustomerEvents.ScoreRules rules,
      List<Integer> indexes,
      List<RunProjection.Running> running,
      Scored batch,
      Collected out) {
    Set<String> playbooks =
        new HashSet<>(running.stream().map(RunProjection.Running::playbook).toList());
    for (int i : indexes) {
      int index = batch.records().get(i).index();
      try {
        out.informed().addAndGet(events.inform(c, batch.scores().get(i), playbooks).size());
      } catch (RuntimeException e) {
        log.warn("batch: the running runs of customer {} could not be informed", c.id(), e);
        out.failed()
            .add(
                new Failed(
                    index,
                    c.id(),
                    "scored, but its running runs could not be informed: "
                        + e.getClass().getSimpleName()));
      }
      for (QueuedStarts.Queued start : batch.starts().getOrDefault(i, List.of())) {
        String workflowId = PlaybookIds.workflowId(start.playbook(), c.id());
        if (batch.respondAsync()) {
          out.queued().add(workflowId);
          continue;
        }
        switch (relay.start(start, c, rules)) {
          case QueuedStartRelay.Attempt.Made made -> {
            out.started().addAll(made.touched().started());
            out.informed()
                .addAndGet(made.touched().workflowIds().size() - made.touched().started().size());
            playbooks.addAll(playbookIds(c.id(), made.touched().started()));
          }
          case QueuedStartRelay.Attempt.Retrying retrying -> {
            out.queued().add(workflowId);
            out.failed()
                .add(
                    new Failed(
                        index,
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

  private static List<String> playbookIds(String customerId, Collection<String> workflowIds) {
    List<String> ids = new ArrayList<>();
    for (String p : PlaybookIds.known()) {
      if (workflowIds.contains(PlaybookIds.workflowId(p, customerId))) {
        ids.add(p);
      }
    }
    return ids;
  }
}
