package dev.retention.data.ledger;

import dev.retention.workflows.contract.NextStep;
import dev.retention.workflows.contract.RunView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads the projection of playbook runs, a run read as a {@link RunView}; {@link RunRecords} writes
 * it.
 */
@Repository
public class RunProjection {

  private final JdbcClient jdbc;

  public RunProjection(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Runs filtered by any of customer, playbook and status, newest first. */
  public List<RunView> list(String customerId, String playbook, String status, int limit) {
    return list(customerId, playbook, status, null, limit);
  }

  /**
   * The same, limited to the customers that the given CSMs own now (null: every customer), so a CSM
   * sees the runs of their portfolio and a manager those of their team.
   */
  public List<RunView> list(
      String customerId, String playbook, String status, List<String> csmIds, int limit) {
    return jdbc.sql(
            """
            select * from playbook_runs
            where (cast(:customer as text) is null or customer_id = :customer)
              and (cast(:playbook as text) is null or playbook = :playbook)
              and (cast(:status as text) is null or status = :status)
              and (cast(:scoped as boolean) is false or customer_id in
                    (select id from customers where csm_id = any(cast(:csms as text[]))))
            order by started_at desc, run_id limit :limit
            """)
        .param("customer", customerId)
        .param("playbook", playbook)
        .param("status", status)
        .param("scoped", csmIds != null)
        .param("csms", csmIds == null ? new String[0] : csmIds.toArray(String[]::new))
        .param("limit", limit)
        .query(RunProjection::map)
        .list();
  }

  /** The latest run of a workflow id. */
  public Optional<RunView> latest(String workflowId) {
    return jdbc.sql(
            "select * from playbook_runs where workflow_id = :w order by started_at desc limit 1")
        .param("w", workflowId)
        .query(RunProjection::map)
        .optional();
  }

  /**
   * A page of runs, newest first, after the run the cursor names (its {@code started_at} and {@code
   * run_id}; null for the first page). Keyset paging: a page costs the same however deep.
   */
  public List<RunView> page(
      String customerId,
      String playbook,
      String status,
      List<String> csmIds,
      int limit,
      Instant afterStartedAt,
      String afterRunId) {
    return jdbc.sql(
            """
            select * from playbook_runs
            where (cast(:customer as text) is null or customer_id = :customer)
              and (cast(:playbook as text) is null or playbook = :playbook)
              and (cast(:status as text) is null or status = :status)
              and (cast(:scoped as boolean) is false or customer_id in
                    (select id from customers where csm_id = any(cast(:csms as text[]))))
              and (cast(:afterAt as timestamptz) is null
                    or started_at < :afterAt or (started_at = :afterAt and run_id > :afterRun))
            order by started_at desc, run_id limit :limit
            """)
        .param("customer", customerId)
        .param("playbook", playbook)
        .param("status", status)
        .param("scoped", csmIds != null)
        .param("csms", csmIds == null ? new String[0] : csmIds.toArray(String[]::new))
        .param("afterAt", afterStartedAt == null ? null : Timestamp.from(afterStartedAt))
        .param("afterRun", afterRunId == null ? "" : afterRunId)
        .param("limit", limit)
        .query(RunProjection::map)
        .list();
  }

  /** A playbook's running run, as far as the projection knows. */
  public record Running(String customerId, String playbook, String workflowId) {}

  /**
   * The running runs of these customers, by customer, in one query: which runs a new score or event
   * must reach, instead of asking Temporal about every playbook id of every customer.
   */
  public Map<String, List<Running>> running(Collection<String> customerIds) {
    Map<String, List<Running>> byCustomer = new HashMap<>();
    jdbc.sql(
            """
            select distinct customer_id, playbook, workflow_id from playbook_runs
            where status = 'RUNNING' and customer_id = any(:ids)
            """)
        .param("ids", customerIds.stream().distinct().toArray(String[]::new))
        .query(
            (rs, i) ->
                new Running(
                    rs.getString("customer_id"),
                    rs.getString("playbook"),
                    rs.getString("workflow_id")))
        .list()
        .forEach(r -> byCustomer.computeIfAbsent(r.customerId(), c -> new ArrayList<>()).add(r));
    return byCustomer;
  }

  static RunView map(ResultSet rs, int row) throws SQLException {
    String nextStep = rs.getString("next_step");
    return RunView.projected(
        rs.getString("workflow_id"),
        rs.getString("run_id"),
        rs.getString("playbook"),
        rs.getObject("definition_version", Integer.class),
        rs.getString("customer_id"),
        rs.getString("csm_id"),
        rs.getString("status"),
        rs.getString("stage"),
        rs.getString("outcome"),
        nextStep == null ? null : new NextStep(nextStep, instant(rs.getTimestamp("next_step_at"))),
        instant(rs.getTimestamp("started_at")),
        instant(rs.getTimestamp("closed_at")));
  }

  private static Instant instant(Timestamp ts) {
    return ts == null ? null : ts.toInstant();
  }
}
