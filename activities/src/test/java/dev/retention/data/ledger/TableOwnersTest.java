package dev.retention.data.ledger;

import static dev.retention.activities.testing.Fixtures.ACME;
import static dev.retention.activities.testing.Fixtures.GLOBEX;
import static dev.retention.activities.testing.Fixtures.PETRA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.retention.activities.testing.Fixtures;
import dev.retention.activities.testing.PostgresExtension;
import dev.retention.data.customers.CustomerDirectory;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The writes that moved into the tables' owners ({@link Timeline}, {@link RunRecords}) from the
 * batch scorer and the embedded runtime's restart pass, each as it behaved in place.
 */
@ExtendWith(PostgresExtension.class)
class TableOwnersTest {

  private static final Instant AT = Instant.parse("2026-03-02T09:00:00Z");

  private static JdbcClient jdbc;
  private static Timeline timeline;
  private static RunRecords records;
  private static RunProjection projection;

  @BeforeAll
  static void wire(DataSource dataSource) {
    jdbc = JdbcClient.create(dataSource);
    timeline = new Timeline(jdbc);
    records = new RunRecords(jdbc);
    projection = new RunProjection(jdbc);
  }

  @BeforeEach
  void customers() {
    Fixtures.petraWithCustomers(new CustomerDirectory(jdbc));
  }

  @Test
  void addAll_writesTheEntriesInTheirOrderAtOneTime() {
    timeline.addAll(
        AT,
        List.of(
            new Timeline.NewEntry(ACME.id(), "SCORE", "Health 40 (RED), was 75"),
            new Timeline.NewEntry(ACME.id(), "ALERT", "Health dropped 35 points: CSM alerted"),
            new Timeline.NewEntry(GLOBEX.id(), "SCORE", "Health 80 (GREEN)")));
    timeline.addAll(AT, List.of());

    assertThat(
            jdbc.sql("select customer_id, at, kind, summary, run_id from timeline order by id")
                .query(
                    (rs, i) ->
                        tuple(
                            rs.getString("customer_id"),
                            rs.getTimestamp("at").toInstant(),
                            rs.getString("kind"),
                            rs.getString("summary"),
                            rs.getString("run_id")))
                .list())
        .containsExactly(
            tuple(ACME.id(), AT, "SCORE", "Health 40 (RED), was 75", null),
            tuple(ACME.id(), AT, "ALERT", "Health dropped 35 points: CSM alerted", null),
            tuple(GLOBEX.id(), AT, "SCORE", "Health 80 (GREEN)", null));
  }

  @Test
  void aRestartOfTheEmbeddedService_marksRunningRunsLost_onceEach() {
    records.recordStarted("run-a", "at-risk-acme", "at-risk", ACME.id(), PETRA.id(), AT, 1);
    records.recordStarted("run-g", "at-risk-globex", "at-risk", GLOBEX.id(), PETRA.id(), AT, 1);
    records.markClosed("run-g", "FAILED", AT.plusSeconds(60));

    assertThat(timeline.addLostOnRestart()).isEqualTo(1);
    assertThat(records.terminateAllRunning()).isEqualTo(1);
    // A second restart finds nothing running and writes nothing twice.
    assertThat(timeline.addLostOnRestart()).isZero();
    assertThat(records.terminateAllRunning()).isZero();

    assertThat(projection.latest("at-risk-acme").orElseThrow().status()).isEqualTo("TERMINATED");
    assertThat(projection.latest("at-risk-acme").orElseThrow().closedAt()).isNotNull();
    assertThat(projection.latest("at-risk-globex").orElseThrow().status()).isEqualTo("FAILED");
    assertThat(timeline.forCustomer(ACME.id(), 10))
        .extracting(TimelineItem::kind, TimelineItem::workflowId, TimelineItem::summary)
        .containsExactly(
            tuple(
                "OUTCOME",
                "at-risk-acme",
                "at-risk run lost: the embedded Temporal service was restarted"));
    assertThat(timeline.forCustomer(GLOBEX.id(), 10)).isEmpty();
  }
}
