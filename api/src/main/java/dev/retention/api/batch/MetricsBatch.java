package dev.retention.api.batch;

import dev.retention.api.events.HealthIntake;
import dev.retention.api.input.Ids;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.scoring.BatchScoring;
import dev.retention.data.scoring.ScoredHealth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * {@code POST /api/metrics/batch}: the records that passed validation and name a known customer go
 * to the {@link HealthIntake}: scored set-based, the runs their scores start queued with the
 * scores, the running runs informed. Without a preference the batch makes those starts before it
 * answers; with {@code Prefer: respond-async} it answers once they are queued (listed as {@code
 * queued}) and the relay starts them right after. A start that fails (Temporal unreachable) stays
 * queued either way and is made again after a backoff: listed as {@code queued} and, when the batch
 * was to make it, in {@code failed}.
 */
@Service
class MetricsBatch {

  private final CustomerDirectory directory;
  private final HealthIntake intake;

  MetricsBatch(CustomerDirectory directory, HealthIntake intake) {
    this.directory = directory;
    this.intake = intake;
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

  /**
   * Scores the records, queues their crossings' starts, and informs the running runs; makes the
   * queued starts itself unless {@code respondAsync}, when the relay makes them.
   */
  Result ingest(BatchBody.Read<MetricsRecord> read, boolean respondAsync) {
    List<BatchBody.Rejected> rejected = new ArrayList<>(read.rejected());
    Map<String, Customer> customers = directory.findCustomers(validIds(read));
    List<BatchBody.Indexed<MetricsRecord>> records = known(read, customers, rejected);
    rejected.sort(Comparator.comparingInt(BatchBody.Rejected::index));
    HealthIntake.Outcome outcome =
        intake.take(
            records.stream()
                .map(r -> new BatchScoring.Reported(r.value().customerId(), r.value().toMetrics()))
                .toList(),
            customers,
            !respondAsync);
    return new Result(
        read.received(),
        records.size(),
        rejected,
        outcome.started(),
        outcome.queued(),
        outcome.informed(),
        (int) outcome.scores().stream().filter(ScoredHealth::dropAlerted).count(),
        outcome.failed().stream()
            .map(f -> new Failed(records.get(f.position()).index(), f.customerId(), f.reason()))
            .toList());
  }

  /** The distinct valid customer ids of the accepted records, to read those customers at once. */
  private static List<String> validIds(BatchBody.Read<MetricsRecord> read) {
    return read.accepted().stream()
        .map(r -> r.value().customerId())
        .filter(Ids::valid)
        .distinct()
        .toList();
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
}
