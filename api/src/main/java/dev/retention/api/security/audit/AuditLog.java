package dev.retention.api.security.audit;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The append-only record of every write: who, what, about which customer and run, when, result. */
@Component
public class AuditLog {

  public record AuditEntry(
      long id,
      Instant at,
      String actorKind,
      String actorId,
      String action,
      String customerId,
      String workflowId,
      int status,
      String result) {}

  public record AuditPage(List<AuditEntry> items, int page, int size, long total) {}

  private final JdbcClient jdbc;

  public AuditLog(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public void append(
      String actorKind,
      String actorId,
      String action,
      String customerId,
      String workflowId,
      int status,
      String result) {
    jdbc.sql(
            """
            insert into audit_log (actor_kind, actor_id, action, customer_id, workflow_id, status, result)
            values (:kind, :actor, :action, :customer, :workflow, :status, :result)
            """)
        .param("kind", actorKind)
        .param("actor", actorId)
        .param("action", action)
        .param("customer", customerId)
        .param("workflow", workflowId)
        .param("status", status)
        .param("result", result)
        .update();
  }

  /** Newest first; every filter optional. {@code actor} matches {@code key:…}/{@code person:…}. */
  public AuditPage find(
      String customerId, String actor, Instant from, Instant to, int page, int size) {
    List<String> where = new ArrayList<>();
    var params = new java.util.HashMap<String, Object>();
    if (customerId != null) {
      where.add("customer_id = :customer");
      params.put("customer", customerId);
    }
    if (actor != null) {
      int colon = actor.indexOf(':');
      if (colon > 0) {
        where.add("actor_kind = :kind and actor_id = :actor");
        params.put("kind", actor.substring(0, colon).toUpperCase(java.util.Locale.ROOT));
        params.put("actor", actor.substring(colon + 1));
      } else {
        where.add("actor_id = :actor");
        params.put("actor", actor);
      }
    }
    if (from != null) {
      where.add("at >= :from");
      params.put("from", Timestamp.from(from));
    }
    if (to != null) {
      where.add("at < :to");
      params.put("to", Timestamp.from(to));
    }
    String filter = where.isEmpty() ? "" : " where " + String.join(" and ", where);
    long total =
        jdbc.sql("select count(*) from audit_log" + filter)
            .params(params)
            .query(Long.class)
            .single();
    List<AuditEntry> items =
        jdbc.sql(
                "select * from audit_log"
                    + filter
                    + " order by at desc, id desc limit :limit offset :offset")
            .params(params)
            .param("limit", size)
            .param("offset", (long) page * size)
            .query(
                (rs, n) ->
                    new AuditEntry(
                        rs.getLong("id"),
                        rs.getTimestamp("at").toInstant(),
                        rs.getString("actor_kind"),
                        rs.getString("actor_id"),
                        rs.getString("action"),
                        rs.getString("customer_id"),
                        rs.getString("workflow_id"),
                        rs.getInt("status"),
                        rs.getString("result")))
            .list();
    return new AuditPage(items, page, size, total);
  }
}
