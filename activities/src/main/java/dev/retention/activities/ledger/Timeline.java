package dev.retention.activities.ledger;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The customer's timeline: emails, tasks, outcomes and score changes, newest first. */
@Repository
public class Timeline {

  private final JdbcClient jdbc;

  public Timeline(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Adds an entry that belongs to no run (e.g. a score change). */
  public void add(String customerId, Instant at, String kind, String summary) {
    jdbc.sql(
            "insert into timeline (customer_id, at, kind, summary) values (:c, :at, :kind, :summary)")
        .param("c", customerId)
        .param("at", Timestamp.from(at))
        .param("kind", kind)
        .param("summary", summary)
        .update();
  }

  public List<TimelineItem> forCustomer(String customerId, int limit) {
    return jdbc.sql(
            """
            select at, kind, playbook, workflow_id, summary from timeline
            where customer_id = :c order by at desc, id desc limit :limit
            """)
        .param("c", customerId)
        .param("limit", limit)
        .query(
            (rs, i) ->
                new TimelineItem(
                    rs.getTimestamp("at").toInstant(),
                    rs.getString("kind"),
                    rs.getString("playbook"),
                    rs.getString("workflow_id"),
                    rs.getString("summary")))
        .list();
  }
}
