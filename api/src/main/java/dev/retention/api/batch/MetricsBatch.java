package dev.retention.api.batch;

import dev.retention.api.events.CustomerEvents;
import dev.retention.api.input.Ids;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.ledger.RunProjection;
import dev.retention.data.scoring.BatchScoring;
import dev.retention.data.scoring.ScoredHealth;
import dev.retention.workflows.contract.PlaybookIds;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * {@code POST /api/metrics/batch}: the records that passed validation and name a known customer are
 * scored set-based ({@link BatchScoring}); then, per customer and in the batch's order, the same
 * rules as a single metrics post ({@link CustomerEvents#healthScored}): running runs hear the
 * score, a crossing starts at-risk or expansion (one run per customer, never while a cancellation
 * is being handled). Customers are handled in parallel, at most {@code retention.batch.parallelism}
 * at a time, on virtual threads; the running runs of the whole batch come from one query of the
 * projection, so only runs that exist are signalled.
 */
@Service
class MetricsBatch {

  private static final Logger log = LoggerFactory.getLogger(MetricsBatch.class);

  private final CustomerDirectory directory;
  private final BatchScoring scoring;
  private final RunProjection projection;
  private final CustomerEvents events;
  private final int parallelism;

  MetricsBatch(
      CustomerDirectory directory,
      BatchScoring scoring,
      RunProjection projection,
      CustomerEvents events,
      @Value("${retention.batch.parallelism:32}") int parallelism) {
    this.directory = directory;
    this.scoring = scoring;
    this.projection = projection;
    this.events = events;
    this.parallelism = Math.max(1, parallelism);
  }

  /** A scored record whose playbook rules could not be applied (Temporal unreachable, say). */
  record Failed(int index, String customerId, String reason) {}

  record Result(
      int received,
      int scored,
      List<BatchBody.Rejected> rejected,
      List<String> started,
      int informed,
      int alerts,
      List<Failed> failed) {}

  Result ingest(BatchBody.Read<MetricsRecord> read) {
    List<BatchBody.Rejected> rejected = new ArrayList<>(read.rejected());
    Map<String, Customer> customers = directory.findCustomers(validIds(read));
    List<BatchBody.Indexed<MetricsRecord>> records = known(read, customers, rejected);
    rejected.sort(java.util.Comparator.comparingInt(BatchBody.Rejected::index));
    if (records.isEmpty()) {
      return new Result(read.received(), 0, rejected, List.of(), 0, 0, List.of());
    }

    List<ScoredHealth> scores =
        scoring.recordAll(
            records.stream()
                .map(r -> new BatchScoring.Reported(r.value().customerId(), r.value().toMetrics()))
                .toList());
    int alerts = (int) scores.stream().filter(ScoredHealth::dropAlerted).count();

    // Each customer's records in the batch's order; customers in parallel.
    Map<String, List<Integer>> byCustomer = byCustomer(records);
    Map<String, List<RunProjection.Running>> running = projection.running(byCustomer.keySet());
    // The published model and definitions once for the whole batch, not per customer.
    CustomerEvents.ScoreRules rules = events.scoreRules();
    ConcurrentLinkedQueue<String> started = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Failed> failed = new ConcurrentLinkedQueue<>();
    AtomicInteger informed = new AtomicInteger();
    Semaphore permits = new Semaphore(parallelism);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Map.Entry<String, List<Integer>> customer : byCustomer.entrySet()) {
        permits.acquireUninterruptibly();
        threads.execute(
            () -> {
              try {
                Customer c = customers.get(customer.getKey());
                inform(
                    c,
                    rules,
                    customer.getValue(),
                    running.getOrDefault(c.id(), List.of()),
                    records,
                    scores,
                    started,
                    failed,
                    informed);
              } finally {
                permits.release();
              }
            });
      }
    }
    return new Result(
        read.received(),
        records.size(),
        rejected,
        started.stream().sorted().toList(),
        informed.get(),
        alerts,
        failed.stream().sorted(java.util.Comparator.comparingInt(Failed::index)).toList());
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

  /** One customer's records, in the batch's order: their playbook rules, given its new scores. */
  private void inform(
      Customer c,
      CustomerEvents.ScoreRules rules,
      List<Integer> indexes,
      List<RunProjection.Running> running,
      List<BatchBody.Indexed<MetricsRecord>> records,
      List<ScoredHealth> scores,
      Collection<String> started,
      Collection<Failed> failed,
      AtomicInteger informed) {
    Set<String> playbooks =
        new HashSet<>(running.stream().map(RunProjection.Running::playbook).toList());
    for (int i : indexes) {
      try {
        CustomerEvents.Touched touched =
            events.healthScored(c, scores.get(i), List.copyOf(playbooks), rules);
        started.addAll(touched.started());
        informed.addAndGet(touched.workflowIds().size() - touched.started().size());
        playbooks.addAll(playbookIds(c.id(), touched.started()));
      } catch (RuntimeException e) {
        log.warn("batch: playbook rules for customer {} failed", c.id(), e);
        failed.add(
            new Failed(
                records.get(i).index(),
                c.id(),
                "scored, but its playbooks could not be informed or started: "
                    + e.getClass().getSimpleName()));
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
