package dev.retention.data.console;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What the console's pages read that the API's services do not answer in one query: the customer
 * list with latest health and running playbooks, health over time, emails with their bodies, the
 * runs that may wait on a person, NPS per week, and a team's escalations and breached SLAs. Each
 * read is one indexed query (see V8__console_indexes.sql), so a page stays fast with 10 000
 * customers and 50 000 runs. {@code csmIds} null means every CSM's customers.
 */
@Repository
public class ConsoleReads {

  /** How the customer list is ordered. */
  public enum Sort {
    /** (100 − health) × MRR, highest first: the customers most worth saving on top. */
    RISK("risk desc nulls last, c.mrr desc, c.id"),
    HEALTH("h.score asc nulls last, c.id"),
    MRR("c.mrr desc, c.id"),
    NAME("c.name, c.id");

    private final String orderBy;

    Sort(String orderBy) {
      this.orderBy = orderBy;
    }
  }

  /**
   * A filter of the customer list: every part optional. {@code query} matches any part of the name,
   * id or email domain (case-insensitive); {@code uncovered} keeps the at-risk customers no save
   * playbook covers ({@link CustomerLine#uncovered()}).
   */
  public record CustomerFilter(
      List<String> csmIds,
      String band,
      String csmId,
      String playbook,
      Sort sort,
      String query,
      boolean uncovered) {

    public CustomerFilter(
        List<String> csmIds, String band, String csmId, String playbook, Sort sort) {
      this(csmIds, band, csmId, playbook, sort, null, false);
    }
  }

  /**
   * The playbooks that work on saving a customer: an at-risk customer (band AT_RISK or CRITICAL)
   * with none of them running is {@link CustomerLine#uncovered() uncovered}.
   */
  public static final List<String> SAVE_PLAYBOOKS = List.of("at-risk", "cancellation-save");

  private static final String UNCOVERED =
      """
      (h.band in ('AT_RISK', 'CRITICAL') and not exists (select 1 from playbook_runs u
        where u.customer_id = c.id and u.status = 'RUNNING'
          and u.playbook = any(cast(:savePlaybooks as text[]))))""";

  public record CustomerLine(
      String id,
      String name,
      String csmId,
      String csmName,
      BigDecimal mrr,
      String plan,
      Integer score,
      String band,
      String trend,
      List<String> running,
      BigDecimal risk,
      java.time.LocalDate renewalDate,
      BigDecimal arr,
      boolean uncovered) {}

  public record CustomerPage(List<CustomerLine> items, int page, int size, long total) {}

  public record HealthPoint(
      Instant at, int score, String band, double usage, double engagement, double support) {}

  public record Email(
      long id,
      String workflowId,
      String step,
      String template,
      String subject,
      String to,
      String fromName,
      String fromAddress,
      String replyTo,
      String body,
      String status,
      String deliveryStatus,
      Instant sentAt,
      Instant createdAt) {}

  public record RunLine(
      String workflowId,
      String playbook,
      String customerId,
      String customerName,
      String status,
      String stage,
      String outcome,
      String nextStep,
      Instant nextStepAt,
      Instant startedAt,
      Instant closedAt) {}

  public record NpsWeek(Instant week, long responses, long promoters, long detractors, int nps) {}

  public record TeamTask(
      long id,
      String customerId,
      String customerName,
      String workflowId,
      String title,
      String assignee,
      String priority,
      String status,
      Instant dueAt,
      Instant createdAt) {}

  public record CsmLine(String id, String name) {}

  private final JdbcClient jdbc;

  public ConsoleReads(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public CustomerPage customers(CustomerFilter f, int page, int size) {
    String where =
        """
         where (cast(:scoped as boolean) is false or c.csm_id = any(cast(:csms as text[])))
           and (cast(:band as text) is null or h.band = :band)
           and (cast(:csm as text) is null or c.csm_id = :csm)
           and (cast(:playbook as text) is null or exists (select 1 from playbook_runs p
                where p.customer_id = c.id and p.status = 'RUNNING' and p.playbook = :playbook))
           and (cast(:q as text) is null or lower(c.name) like :q escape '\\'
                or lower(c.id) like :q escape '\\'
                or lower(split_part(c.email, '@', 2)) like :q escape '\\')
           and (cast(:uncovered as boolean) is false or"""
            + " "
            + UNCOVERED
            + ")";
    String from =
        """
         from customers c join csms s on s.id = c.csm_id
         left join lateral (select score, band, trend from health_scores hs
           where hs.customer_id = c.id order by hs.scored_at desc, hs.id desc limit 1) h on true
        """;
    // The latest score is needed to count only when filtering by band.
    String countFrom =
        f.band() == null && !f.uncovered()
            ? " from customers c cross join (select null::text as band) h "
            : from;
    long total =
        bind(jdbc.sql("select count(*)" + countFrom + where), f).query(Long.class).single();
    List<CustomerLine> items =
        bind(
                jdbc.sql(
                    """
                    select c.id, c.name, c.csm_id, s.name as csm_name, c.mrr, c.plan, h.score,
                      h.band, h.trend, (100 - h.score) * c.mrr as risk, c.renewal_date, c.arr,
                    """
                        + UNCOVERED
                        + " as uncovered "
                        + from
                        + where
                        + " order by "
                        + f.sort().orderBy
                        + " limit :limit offset :offset"),
                f)
            .param("limit", size)
            .param("offset", (long) page * size)
            .query((rs, i) -> customerLine(rs))
            .list();
    return new CustomerPage(withRunningPlaybooks(items), page, size, total);
  }

  private static CustomerLine customerLine(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new CustomerLine(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("csm_id"),
        rs.getString("csm_name"),
        rs.getBigDecimal("mrr"),
        rs.getString("plan"),
        rs.getObject("score", Integer.class),
        rs.getString("band"),
        rs.getString("trend"),
        List.of(),
        rs.getBigDecimal("risk"),
        rs.getObject("renewal_date", java.time.LocalDate.class),
        rs.getBigDecimal("arr"),
        rs.getBoolean("uncovered"));
  }

  /** The lines with the running playbooks of this page's customers only, read in one query. */
  private List<CustomerLine> withRunningPlaybooks(List<CustomerLine> items) {
    java.util.Map<String, List<String>> running = new java.util.HashMap<>();
    if (!items.isEmpty()) {
      jdbc.sql(
              """
              select customer_id, playbook from playbook_runs
              where status = 'RUNNING' and customer_id = any(cast(:ids as text[]))
              order by customer_id, playbook
              """)
          .param("ids", items.stream().map(CustomerLine::id).toArray(String[]::new))
          .query(
              rs -> {
                running
                    .computeIfAbsent(rs.getString("customer_id"), k -> new ArrayList<>())
                    .add(rs.getString("playbook"));
              });
    }
    return items.stream()
        .map(
            c ->
                new CustomerLine(
                    c.id(),
                    c.name(),
                    c.csmId(),
                    c.csmName(),
                    c.mrr(),
                    c.plan(),
                    c.score(),
                    c.band(),
                    c.trend(),
                    running.getOrDefault(c.id(), List.of()),
                    c.risk(),
                    c.renewalDate(),
                    c.arr(),
                    c.uncovered()))
        .toList();
  }

  private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec spec, CustomerFilter f) {
    return spec.param("scoped", f.csmIds() != null)
        .param("csms", f.csmIds() == null ? new String[0] : f.csmIds().toArray(String[]::new))
        .param("band", f.band())
        .param("csm", f.csmId())
        .param("playbook", f.playbook())
        .param("q", f.query() == null || f.query().isBlank() ? null : like(f.query()))
        .param("uncovered", f.uncovered())
        .param("savePlaybooks", SAVE_PLAYBOOKS.toArray(String[]::new));
  }

  /** A search for any part of the text: lower case, LIKE's wildcards escaped. */
  private static String like(String query) {
    String q = query.strip().toLowerCase(java.util.Locale.ROOT);
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }

  /** The CSMs whose customers the caller sees, for the list's filter. */
  public List<CsmLine> csms(List<String> csmIds) {
    return jdbc.sql(
            """
            select id, name from csms
            where cast(:scoped as boolean) is false or id = any(cast(:csms as text[]))
            order by name, id limit 500
            """)
        .param("scoped", csmIds != null)
        .param("csms", csmIds == null ? new String[0] : csmIds.toArray(String[]::new))
        .query(CsmLine.class)
        .list();
  }

  /** The customer's scores, oldest first, at most {@code limit} of the latest. */
  public List<HealthPoint> healthHistory(String customerId, int limit) {
    List<HealthPoint> points =
        new ArrayList<>(
            jdbc.sql(
                    """
                    select scored_at, score, band, usage_score, engagement_score, support_score
                    from health_scores where customer_id = :c
                    order by scored_at desc, id desc limit :limit
                    """)
                .param("c", customerId)
                .param("limit", limit)
                .query(
                    (rs, i) ->
                        new HealthPoint(
                            rs.getTimestamp("scored_at").toInstant(),
                            rs.getInt("score"),
                            rs.getString("band"),
                            rs.getDouble("usage_score"),
                            rs.getDouble("engagement_score"),
                            rs.getDouble("support_score")))
                .list());
    Collections.reverse(points);
    return points;
  }

  /** The emails as they were sent: sender, recipient, subject and body. */
  public List<Email> emails(String customerId, int limit) {
    return jdbc.sql(
            """
            select id, workflow_id, step, template, subject, to_address, from_name, from_address,
              reply_to, body_text, status, delivery_status, sent_at, created_at
            from communications where customer_id = :c order by created_at desc, id desc
            limit :limit
            """)
        .param("c", customerId)
        .param("limit", limit)
        .query(
            (rs, i) ->
                new Email(
                    rs.getLong("id"),
                    rs.getString("workflow_id"),
                    rs.getString("step"),
                    rs.getString("template"),
                    rs.getString("subject"),
                    rs.getString("to_address"),
                    rs.getString("from_name"),
                    rs.getString("from_address"),
                    rs.getString("reply_to"),
                    rs.getString("body_text"),
                    rs.getString("status"),
                    rs.getString("delivery_status"),
                    instant(rs, "sent_at"),
                    instant(rs, "created_at")))
        .list();
  }

  /**
   * Running runs of these CSMs' customers that may wait on a person, the soonest next step first:
   * those whose last snapshot says they wait on the CSM, and those that do not say (written before
   * the projection kept it, or between two waits); the run's own state has the last word.
   */
  public List<RunLine> runsWaitingOnPeople(List<String> csmIds, int limit) {
    return jdbc.sql(
            """
            select r.workflow_id, r.playbook, r.customer_id, c.name as customer_name, r.status,
              r.stage, r.outcome, r.next_step, r.next_step_at, r.started_at, r.closed_at
            from playbook_runs r join customers c on c.id = r.customer_id
            where r.status = 'RUNNING' and (r.waiting_on is null or r.waiting_on = 'CSM')
              and (cast(:scoped as boolean) is false or c.csm_id = any(cast(:csms as text[])))
            order by r.next_step_at nulls last, r.started_at desc limit :limit
            """)
        .param("scoped", csmIds != null)
        .param("csms", csmIds == null ? new String[0] : csmIds.toArray(String[]::new))
        .param("limit", limit)
        .query(ConsoleReads::runLine)
        .list();
  }

  /** NPS per ISO week (Monday, UTC) of answers in [from, to) by these CSMs' customers. */
  public List<NpsWeek> npsByWeek(List<String> csmIds, Instant from, Instant to) {
    return jdbc.sql(
            """
            select date_trunc('week', responded_at at time zone 'UTC') as week,
              count(*) as responses,
              count(*) filter (where score >= 9) as promoters,
              count(*) filter (where score <= 6) as detractors
            from nps_responses
            where responded_at >= :from and responded_at < :to
              and (cast(:scoped as boolean) is false or customer_id in
                (select id from customers where csm_id = any(cast(:csms as text[]))))
            group by 1 order by 1
            """)
        .param("from", Timestamp.from(from))
        .param("to", Timestamp.from(to))
        .param("scoped", csmIds != null)
        .param("csms", csmIds == null ? new String[0] : csmIds.toArray(String[]::new))
        .query(
            (rs, i) -> {
              long responses = rs.getLong("responses");
              long promoters = rs.getLong("promoters");
              long detractors = rs.getLong("detractors");
              return new NpsWeek(
                  rs.getTimestamp("week").toLocalDateTime().toInstant(java.time.ZoneOffset.UTC),
                  responses,
                  promoters,
                  detractors,
                  (int) Math.round(100.0 * (promoters - detractors) / responses));
            })
        .list();
  }

  /** Tasks handed to the managers of these CSMs' customers, created in [from, to). */
  public List<TeamTask> escalations(List<String> csmIds, Instant from, Instant to, int limit) {
    return teamTasks(
        "t.assignee = 'MANAGER' and t.created_at >= :from and t.created_at < :to"
            + " order by t.created_at desc, t.id desc",
        csmIds,
        from,
        to,
        limit);
  }

  /** Open tasks past their due time (SLAs breached) for these CSMs' customers, oldest due first. */
  public List<TeamTask> breachedSlas(List<String> csmIds, Instant now, int limit) {
    return teamTasks(
        "t.status = 'OPEN' and t.due_at < :now order by t.due_at, t.id", csmIds, now, now, limit);
  }

  private List<TeamTask> teamTasks(
      String condition, List<String> csmIds, Instant from, Instant to, int limit) {
    return jdbc.sql(
            """
            select t.id, t.customer_id, c.name as customer_name, t.workflow_id, t.title, t.assignee,
              t.priority, t.status, t.due_at, t.created_at
            from crm_tasks t join customers c on c.id = t.customer_id
            where (cast(:scoped as boolean) is false or c.csm_id = any(cast(:csms as text[])))
              and"""
                + " "
                + condition
                + " limit :limit")
        .param("scoped", csmIds != null)
        .param("csms", csmIds == null ? new String[0] : csmIds.toArray(String[]::new))
        .param("from", Timestamp.from(from))
        .param("to", Timestamp.from(to))
        .param("now", Timestamp.from(to))
        .param("limit", limit)
        .query(
            (rs, i) ->
                new TeamTask(
                    rs.getLong("id"),
                    rs.getString("customer_id"),
                    rs.getString("customer_name"),
                    rs.getString("workflow_id"),
                    rs.getString("title"),
                    rs.getString("assignee"),
                    rs.getString("priority"),
                    rs.getString("status"),
                    instant(rs, "due_at"),
                    instant(rs, "created_at")))
        .list();
  }

  /** Display names of these customers, in one query. */
  public java.util.Map<String, String> customerNames(java.util.Collection<String> ids) {
    java.util.Map<String, String> names = new java.util.HashMap<>();
    if (ids.isEmpty()) {
      return names;
    }
    jdbc.sql("select id, name from customers where id = any(cast(:ids as text[]))")
        .param("ids", ids.stream().distinct().toArray(String[]::new))
        .query(
            rs -> {
              names.put(rs.getString("id"), rs.getString("name"));
            });
    return names;
  }

  /** A customer's display name, if the customer exists. */
  public Optional<String> customerName(String customerId) {
    return jdbc.sql("select name from customers where id = :c")
        .param("c", customerId)
        .query(String.class)
        .optional();
  }

  /** A customer's own time zone (an IANA id), to show their local time beside the viewer's. */
  public Optional<String> customerZone(String customerId) {
    return jdbc.sql("select timezone from customers where id = :c")
        .param("c", customerId)
        .query(String.class)
        .optional();
  }

  private static RunLine runLine(ResultSet rs, int i) throws SQLException {
    return new RunLine(
        rs.getString("workflow_id"),
        rs.getString("playbook"),
        rs.getString("customer_id"),
        rs.getString("customer_name"),
        rs.getString("status"),
        rs.getString("stage"),
        rs.getString("outcome"),
        rs.getString("next_step"),
        instant(rs, "next_step_at"),
        instant(rs, "started_at"),
        instant(rs, "closed_at"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp ts = rs.getTimestamp(column);
    return ts == null ? null : ts.toInstant();
  }
}
