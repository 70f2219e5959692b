package dev.retention.api.batch;

import dev.retention.api.events.HealthIntake;
import dev.retention.api.input.Ids;
import dev.retention.data.scoring.BatchScoring;
import dev.retention.data.scoring.ScoredHealth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * {@code POST /api/metrics/batch}: the records that passed validation go to the {@link
 * HealthIntake}, which leaves out those of customers that do not exist (rejected here by index,
 * with how to create them) and learns that as it locks the customers to score them: scored
 * set-based, the runs their scores start queued with the scores, the running runs informed. Without
 * a preference the batch makes those starts before it answers; with {@code Prefer: respond-async}
 * it answers once they are queued (listed as {@code queued}) and the relay starts them right after.
 * A start that fails (Temporal unreachable) stays queued either way and is made again after a
 * backoff: listed as {@code queued} and, when the batch was to make it, in {@code failed}.
 */
@Service
class MetricsBatch {

  private final HealthIntake intake;

  MetricsBatch(HealthIntake intake) {
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
    List<BatchBody.Indexed<MetricsRecord>> records = validIds(read, rejected);
    HealthIntake.Outcome outcome =
        intake.take(
            records.stream()
                .map(r -> new BatchScoring.Reported(r.value().customerId(), r.value().toMetrics()))
                .toList(),
            !respondAsync);
    for (int position : outcome.unknown()) {
      BatchBody.Indexed<MetricsRecord> record = records.get(position);
      String id = record.value().customerId();
      rejected.add(
          new BatchBody.Rejected(
              record.index(),
              id,
              "customerId",
              "no customer "
                  + id
                  + "; create it with PUT /api/customers/{customerId} or POST"
                  + " /api/customers/batch first"));
    }
    rejected.sort(Comparator.comparingInt(BatchBody.Rejected::index));
    return new Result(
        read.received(),
        records.size() - outcome.unknown().size(),
        rejected,
        outcome.started(),
        outcome.queued(),
        outcome.informed(),
        (int) outcome.scores().stream().filter(ScoredHealth::dropAlerted).count(),
        outcome.failed().stream()
            .map(f -> new Failed(records.get(f.position()).index(), f.customerId(), f.reason()))
            .toList());
  }

  /** The accepted records whose customer id is well formed; the others join {@code rejected}. */
  private static List<BatchBody.Indexed<MetricsRecord>> validIds(
      BatchBody.Read<MetricsRecord> read, List<BatchBody.Rejected> rejected) {
    List<BatchBody.Indexed<MetricsRecord>> records = new ArrayList<>();
    for (BatchBody.Indexed<MetricsRecord> record : read.accepted()) {
      if (Ids.valid(record.value().customerId())) {
        records.add(record);
      } else {
        rejected.add(
            new BatchBody.Rejected(
                record.index(),
                null,
                "customerId",
                "customerId must be 1-64 characters of letters, digits, '.', '_' or '-'"));
      }
    }
    return records;
  }
}
