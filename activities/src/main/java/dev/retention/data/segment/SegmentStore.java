package dev.retention.data.segment;

import dev.retention.data.scoring.HealthMetrics;
import dev.retention.data.scoring.Sentiment;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Segment messages in PostgreSQL, set-based: a batch is a few statements whatever its size. Who is
 * whose (groups and users mapped to customers by group and identify calls), every accepted message
 * once by its {@code messageId}, the usage rolled up per customer and day in the same statement as
 * the insert (so a figure is never ahead of or behind the events it counts), events for unknown
 * customers kept and replayed when a later call maps their group or user, and the customers whose
 * figures moved, for the scorer.
 */
@Service
public class SegmentStore {

  /** Identity kinds. */
  public static final String GROUP = "group";

  public static final String USER = "user";
  public static final String ANONYMOUS = "anonymous";

  /** Metrics a track event can count. */
  public static final String LOGINS = "logins";

  public static final String QUERIES = "queries";
  public static final String FEATURES = "features";

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;

  public SegmentStore(JdbcClient jdbc, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.tx = tx;
  }

  /**
   * One message, validated and classified by the mapping.
   *
   * @param kind track, identify or group
   * @param customerTrait for identify and group: the customer id the traits name, or null
   * @param metric {@link #LOGINS}, {@link #QUERIES}, {@link #FEATURES} or null
   * @param effect {@code milestone:<MILESTONE>}, {@code nps}, {@code cancellation} or null
   * @param properties the properties as JSON, kept for events with an effect or no customer yet
   * @param planUsage for group: the plan-usage trait (0..1), or null
   * @param openTickets for group: the open-tickets trait, or null
   */
  public record Message(
      String messageId,
      String kind,
      String event,
      String userId,
      String anonymousId,
      String groupId,
      String customerTrait,
      Instant at,
      String metric,
      String feature,
      String effect,
      String properties,
      Double planUsage,
      Integer openTickets) {}

  /** An accepted message (new, not a retry) with an effect to apply for its customer. */
  public record Effect(
      String messageId, String customerId, String event, String effect, String properties) {}

  /**
   * What became of a batch: messages new and stored, retries of stored ones, new ones without a
   * customer, earlier unmatched events now matched (replayed), and the effects to apply.
   */
  public record Stored(
      int accepted, int duplicates, int unmatched, int replayed, List<Effect> effects) {}

  /** The weekly figures of a customer whose Segment figures moved. */
  public record Weekly(
      String customerId,
      int logins,
      int queries,
      int features,
      Double planUsage,
      Integer openTickets) {}

  /** An event kept without a customer, for the report. */
  public record Unmatched(
      String messageId,
      String kind,
      String event,
      String userId,
      String anonymousId,
      String groupId,
      Instant at,
      Instant receivedAt) {}

  /** Stores a batch in one transaction. */
  public Stored store(List<Message> batch, Instant now) {
    return tx.execute(status -> storeInTx(batch, now));
  }

  private Stored storeInTx(List<Message> batch, Instant now) {
    // 1. Who is whose: group and identify calls naming a known customer map their ids.
    // Only mappings that are new or changed come back: those replay kept events (below).
    Map<List<String>, String> changed = mapIdentities(batch, knownCustomers(batch), now);

    // 2. Each message's customer: its group, else its user, else its anonymous id.
    Map<List<String>, String> identities = lookUp(batch);
    int n = batch.size();
    List<Effect> applied = new ArrayList<>();
    int[] accepted = {0};
    int[] newUnmatched = {0};
    jdbc.sql(INSERT.replace("{rollup}", ROLLUP))
        .params(columns(batch, identities))
        .param("now", Timestamp.from(now))
        .query(
            (rs, i) -> {
              accepted[0]++;
              String customer = rs.getString("customer_id");
              if (customer == null) {
                newUnmatched[0]++;
              } else if (rs.getString("effect") != null) {
                applied.add(
                    new Effect(
                        rs.getString("message_id"),
                        customer,
                        rs.getString("event"),
                        rs.getString("effect"),
                        rs.getString("properties")));
              }
              return null;
            })
        .list();

    // 3. Events kept without a customer whose group or user this batch mapped: replayed.
    int replayed = changed.isEmpty() ? 0 : replay(changed, applied);
    return new Stored(accepted[0], n - accepted[0], newUnmatched[0], replayed, applied);
  }

  /** The customers that the group and identify calls of the batch name and that exist. */
  private List<String> knownCustomers(List<Message> batch) {
    Collection<String> candidates = new java.util.HashSet<>();
    for (Message m : batch) {
      if (!"track".equals(m.kind())) {
        if (m.customerTrait() != null) {
          candidates.add(m.customerTrait());
        }
        if ("group".equals(m.kind()) && m.groupId() != null) {
          candidates.add(m.groupId());
        }
      }
    }
    return candidates.isEmpty()
        ? List.of()
        : jdbc.sql("select id from customers where id = any(:ids)")
            .param("ids", candidates.toArray(String[]::new))
            .query(String.class)
            .list();
  }

  /**
   * Maps the group, user and anonymous ids of calls naming a known customer and stores the traits
   * groups carry: the mappings that are new or changed.
   */
  private Map<List<String>, String> mapIdentities(
      List<Message> batch, List<String> known, Instant now) {
    // (kind, external id) -> customer; later calls in the batch win, as they would one by one.
    Map<List<String>, String> mapped = new LinkedHashMap<>();
    Map<String, Message> traits = new TreeMap<>();
    for (Message m : batch) {
      if ("track".equals(m.kind())) {
        continue;
      }
      String customer =
          m.customerTrait() != null && known.contains(m.customerTrait())
              ? m.customerTrait()
              : "group".equals(m.kind()) && m.groupId() != null && known.contains(m.groupId())
                  ? m.groupId()
                  : null;
      if (customer == null) {
        continue;
      }
      if ("group".equals(m.kind())) {
        mapped.put(List.of(GROUP, m.groupId()), customer);
        if (m.planUsage() != null || m.openTickets() != null) {
          traits.put(customer, m);
        }
      }
      if (m.userId() != null) {
        mapped.put(List.of(USER, m.userId()), customer);
      }
      if (m.anonymousId() != null) {
        mapped.put(List.of(ANONYMOUS, m.anonymousId()), customer);
      }
    }
    Map<List<String>, String> changed =
        mapped.isEmpty() ? Map.of() : upsertIdentities(byKey(mapped), now);
    traits.forEach(this::storeTraits);
    return changed;
  }

  private void storeTraits(String customer, Message m) {
    jdbc.sql(
            """
            insert into segment_customers (customer_id, plan_usage, open_tickets, moved)
            values (:c, :usage, :tickets, true)
            on conflict (customer_id) do update set
              plan_usage = coalesce(excluded.plan_usage, segment_customers.plan_usage),
              open_tickets = coalesce(excluded.open_tickets, segment_customers.open_tickets),
              moved = true
            """)
        .param("c", customer)
        .param("usage", m.planUsage(), java.sql.Types.DOUBLE)
        .param("tickets", m.openTickets(), java.sql.Types.INTEGER)
        .update();
  }

  /** The batch as the insert's column arrays, each message with its customer. */
  private static Map<String, Object> columns(
      List<Message> batch, Map<List<String>, String> identities) {
    int n = batch.size();
    String[] ids = new String[n];
    String[] kinds = new String[n];
    String[] events = new String[n];
    String[] customers = new String[n];
    String[] users = new String[n];
    String[] anons = new String[n];
    String[] groups = new String[n];
    String[] metrics = new String[n];
    String[] features = new String[n];
    String[] effects = new String[n];
    String[] props = new String[n];
    long[] ats = new long[n];
    for (int i = 0; i < n; i++) {
      Message m = batch.get(i);
      String customer = customerOf(m, identities);
      ids[i] = m.messageId();
      kinds[i] = m.kind();
      events[i] = m.event();
      customers[i] = customer;
      users[i] = m.userId();
      anons[i] = m.anonymousId();
      groups[i] = m.groupId();
      metrics[i] = m.metric();
      features[i] = m.feature();
      effects[i] = m.effect();
      // Properties only where still needed: the effect's, or an unmatched track event's replay.
      props[i] =
          m.effect() != null || (customer == null && "track".equals(m.kind()))
              ? m.properties()
              : null;
      ats[i] = m.at().toEpochMilli();
    }
    Map<String, Object> columns = new LinkedHashMap<>();
    columns.put("ids", ids);
    columns.put("kinds", kinds);
    columns.put("events", events);
    columns.put("customers", customers);
    columns.put("users", users);
    columns.put("anons", anons);
    columns.put("groups", groups);
    columns.put("metrics", metrics);
    columns.put("features", features);
    columns.put("effects", effects);
    columns.put("props", props);
    columns.put("ats", ats);
    return columns;
  }

  /** Replays the kept events of the ids just mapped; their effects join {@code applied}. */
  private int replay(Map<List<String>, String> changed, List<Effect> applied) {
    Map<List<String>, String> keys = byKey(changed);
    String[] mKinds = keys.keySet().stream().map(k -> k.get(0)).toArray(String[]::new);
    String[] mIds = keys.keySet().stream().map(k -> k.get(1)).toArray(String[]::new);
    String[] mCustomers = keys.values().toArray(String[]::new);
    List<Effect> replayedEffects = new ArrayList<>();
    int[] count = {0};
    jdbc.sql(REPLAY.replace("{rollup}", ROLLUP))
        .param("kinds", mKinds)
        .param("xids", mIds)
        .param("customers", mCustomers)
        .query(
            (rs, i) -> {
              count[0]++;
              if (rs.getString("effect") != null) {
                replayedEffects.add(
                    new Effect(
                        rs.getString("message_id"),
                        rs.getString("customer_id"),
                        rs.getString("event"),
                        rs.getString("effect"),
                        rs.getString("properties")));
              }
              return null;
            })
        .list();
    applied.addAll(replayedEffects);
    return count[0];
  }

  private static Map<List<String>, String> byKey(Map<List<String>, String> mapped) {
    Map<List<String>, String> sorted =
        new TreeMap<>(
            (a, b) -> (a.get(0) + "\u0000" + a.get(1)).compareTo(b.get(0) + "\u0000" + b.get(1)));
    sorted.putAll(mapped);
    return sorted;
  }

  /**
   * Writes the mappings; a mapping that is already so is left alone (no row rewritten on every
   * repeated identify). Answers those that are new or changed.
   */
  private Map<List<String>, String> upsertIdentities(
      Map<List<String>, String> mapped, Instant now) {
    Map<List<String>, String> changed = new HashMap<>();
    jdbc.sql(
            """
            insert into segment_identities (kind, external_id, customer_id, updated_at)
            select k, x, c, :now from unnest(cast(:kinds as text[]), cast(:xids as text[]),
              cast(:customers as text[])) as m(k, x, c)
            on conflict (kind, external_id) do update set
              customer_id = excluded.customer_id, updated_at = excluded.updated_at
            where segment_identities.customer_id <> excluded.customer_id
            returning kind, external_id, customer_id
            """)
        .param("kinds", mapped.keySet().stream().map(k -> k.get(0)).toArray(String[]::new))
        .param("xids", mapped.keySet().stream().map(k -> k.get(1)).toArray(String[]::new))
        .param("customers", mapped.values().toArray(String[]::new))
        .param("now", Timestamp.from(now))
        .query(
            (rs, i) ->
                changed.put(
                    List.of(rs.getString("kind"), rs.getString("external_id")),
                    rs.getString("customer_id")))
        .list();
    return changed;
  }

  /** The batch's groups, users and anonymous ids with a customer (one query). */
  private Map<List<String>, String> lookUp(List<Message> batch) {
    List<String> kinds = new ArrayList<>();
    List<String> xids = new ArrayList<>();
    java.util.Set<List<String>> seen = new java.util.HashSet<>();
    for (Message m : batch) {
      add(seen, kinds, xids, GROUP, m.groupId());
      add(seen, kinds, xids, USER, m.userId());
      add(seen, kinds, xids, ANONYMOUS, m.anonymousId());
    }
    Map<List<String>, String> found = new HashMap<>();
    if (kinds.isEmpty()) {
      return found;
    }
    jdbc.sql(
            """
            select i.kind, i.external_id, i.customer_id
            from unnest(cast(:kinds as text[]), cast(:xids as text[])) as k(kind, external_id)
            join segment_identities i on i.kind = k.kind and i.external_id = k.external_id
            union all
            select 'customer', c.id, c.id from customers c
            where c.id = any(cast(:xids as text[]))
            """)
        .param("kinds", kinds.toArray(String[]::new))
        .param("xids", xids.toArray(String[]::new))
        .query(
            (rs, i) ->
                found.put(
                    List.of(rs.getString("kind"), rs.getString("external_id")),
                    rs.getString("customer_id")))
        .list();
    return found;
  }

  private static void add(
      java.util.Set<List<String>> seen,
      List<String> kinds,
      List<String> xids,
      String kind,
      String id) {
    if (id != null && seen.add(List.of(kind, id))) {
      kinds.add(kind);
      xids.add(id);
    }
  }

  /**
   * A group mapped to a customer, or a group id that is a customer's own id; else the user, else
   * the anonymous id, mapped by an identify or group call.
   */
  private static String customerOf(Message m, Map<List<String>, String> identities) {
    if (m.groupId() != null) {
      String c = identities.get(List.of(GROUP, m.groupId()));
      if (c == null) {
        c = identities.get(List.of("customer", m.groupId()));
      }
      if (c != null) {
        return c;
      }
    }
    if (m.userId() != null && identities.containsKey(List.of(USER, m.userId()))) {
      return identities.get(List.of(USER, m.userId()));
    }
    if (m.anonymousId() != null) {
      return identities.get(List.of(ANONYMOUS, m.anonymousId()));
    }
    return null;
  }

  private static final String INSERT =
      """
      with input as (
        select * from unnest(cast(:ids as text[]), cast(:kinds as text[]),
          cast(:events as text[]), cast(:customers as text[]), cast(:users as text[]),
          cast(:anons as text[]), cast(:groups as text[]), cast(:metrics as text[]),
          cast(:features as text[]), cast(:effects as text[]), cast(:props as text[]),
          cast(:ats as bigint[]))
          as i(message_id, kind, event, customer_id, user_id, anonymous_id, group_id, metric,
            feature, effect, properties, at_ms)
      ),
      stored as (
        insert into segment_events (message_id, kind, event, customer_id, user_id, anonymous_id,
          group_id, metric, feature, effect, properties, at, received_at)
        select message_id, kind, event, customer_id, user_id, anonymous_id, group_id, metric,
          feature, effect, cast(properties as jsonb), to_timestamp(at_ms / 1000.0), :now
        from input
        on conflict (message_id) do nothing
        returning message_id, customer_id, event, metric, feature, effect, at, properties
      ),
      {rollup}
      select message_id, customer_id, event, effect, cast(properties as text) as properties
      from stored
      """;

  private static final String REPLAY =
      """
      with mapped as (
        select * from unnest(cast(:kinds as text[]), cast(:xids as text[]),
          cast(:customers as text[])) as m(kind, external_id, customer_id)
      ),
      matches as (
        select distinct on (e.message_id) e.message_id, m.customer_id
        from segment_events e join mapped m on
          (m.kind = 'group' and e.group_id = m.external_id)
          or (m.kind = 'user' and e.user_id = m.external_id and e.group_id is null)
          or (m.kind = 'anonymous' and e.anonymous_id = m.external_id and e.group_id is null
              and e.user_id is null)
        where e.customer_id is null and e.kind = 'track'
        order by e.message_id, m.kind
      ),
      stored as (
        update segment_events e set customer_id = x.customer_id,
          properties = case when e.effect is null then null else e.properties end
        from matches x where e.message_id = x.message_id
        returning e.message_id, e.customer_id, e.event, e.metric, e.feature, e.effect, e.at, e.properties
      ),
      {rollup}
      select message_id, customer_id, event, effect, cast(properties as text) as properties
      from stored
      """;

  /**
   * The rollup of the rows in {@code stored}: counts per customer and day, the features used per
   * day, and the customers marked as moved. Rows are written in key order so concurrent batches
   * touching the same customers wait for each other instead of deadlocking.
   */
  private static final String ROLLUP =
      """
      daily as (
        insert into segment_daily (customer_id, day, logins, queries)
        select customer_id, cast(at at time zone 'UTC' as date),
          count(*) filter (where metric = 'logins'), count(*) filter (where metric = 'queries')
        from stored where customer_id is not null and metric in ('logins', 'queries')
        group by 1, 2 order by 1, 2
        on conflict (customer_id, day) do update set
          logins = segment_daily.logins + excluded.logins,
          queries = segment_daily.queries + excluded.queries
      ),
      used as (
        insert into segment_features (customer_id, day, feature)
        select distinct customer_id, cast(at at time zone 'UTC' as date), feature
        from stored where customer_id is not null and metric = 'features' and feature is not null
        order by 1, 2, 3
        on conflict do nothing
      ),
      moved as (
        insert into segment_customers (customer_id, moved, last_event_at)
        select customer_id, bool_or(metric is not null), max(at)
        from stored where customer_id is not null
        group by customer_id order by customer_id
        on conflict (customer_id) do update set
          moved = segment_customers.moved or excluded.moved,
          last_event_at = greatest(segment_customers.last_event_at, excluded.last_event_at)
      )
      """;

  /**
   * Takes up to {@code limit} customers whose figures moved (clearing the mark) and answers their
   * weekly figures: the sums of the last seven days up to {@code now}. Safe with several instances
   * (skip locked).
   */
  public List<Weekly> takeMoved(int limit, Instant now) {
    return tx.execute(
        status ->
            jdbc.sql(
                    """
                    with taken as (
                      update segment_customers s set moved = false
                      where s.customer_id in (
                        select customer_id from segment_customers where moved
                        order by customer_id limit :limit for update skip locked)
                      returning s.customer_id, s.plan_usage, s.open_tickets
                    )
                    select t.customer_id, t.plan_usage, t.open_tickets,
                      coalesce((select sum(d.logins) from segment_daily d
                        where d.customer_id = t.customer_id and d.day > cast(:today as date) - 7
                          and d.day <= cast(:today as date)), 0) as logins,
                      coalesce((select sum(d.queries) from segment_daily d
                        where d.customer_id = t.customer_id and d.day > cast(:today as date) - 7
                          and d.day <= cast(:today as date)), 0) as queries,
                      (select count(distinct f.feature) from segment_features f
                        where f.customer_id = t.customer_id and f.day > cast(:today as date) - 7
                          and f.day <= cast(:today as date)) as features
                    from taken t order by t.customer_id
                    """)
                .param("limit", limit)
                .param("today", today(now))
                .query((rs, i) -> weekly(rs))
                .list());
  }

  /** Marks customers as moved again (their scoring failed; the next pass retries). */
  public void markMoved(Collection<String> customerIds) {
    // Locked in key order, as the batches lock them, so the two cannot deadlock.
    jdbc.sql(
            """
            update segment_customers s set moved = true
            from (select customer_id from segment_customers where customer_id = any(:ids)
              order by customer_id for no key update) x
            where s.customer_id = x.customer_id
            """)
        .param("ids", customerIds.toArray(String[]::new))
        .update();
  }

  /** A customer's weekly figures now, without taking them (for reports and tests). */
  public Optional<Weekly> weekly(String customerId, Instant now) {
    return jdbc.sql(
            """
            select c.customer_id, c.plan_usage, c.open_tickets,
              coalesce((select sum(d.logins) from segment_daily d where d.customer_id = c.customer_id
                and d.day > cast(:today as date) - 7 and d.day <= cast(:today as date)), 0) as logins,
              coalesce((select sum(d.queries) from segment_daily d
                where d.customer_id = c.customer_id and d.day > cast(:today as date) - 7 and d.day <= cast(:today as date)), 0)
                as queries,
              (select count(distinct f.feature) from segment_features f
                where f.customer_id = c.customer_id and f.day > cast(:today as date) - 7 and f.day <= cast(:today as date))
                as features
            from segment_customers c where c.customer_id = :c
            """)
        .param("c", customerId)
        .param("today", today(now))
        .query((rs, i) -> weekly(rs))
        .optional();
  }

  /**
   * The metrics of each customer's latest computed score (what the backend last posted, or the last
   * Segment scoring), for the figures Segment does not count; customers without one are left out.
   */
  public Map<String, HealthMetrics> lastMetrics(Collection<String> customerIds) {
    Map<String, HealthMetrics> found = new HashMap<>();
    jdbc.sql(
            """
            select distinct on (customer_id) customer_id, queries_per_week, features_used,
              logins_per_week, email_open_rate, open_tickets, sentiment, plan_usage
            from health_scores where customer_id = any(:ids) and source = 'COMPUTED'
            order by customer_id, scored_at desc, id desc
            """)
        .param("ids", customerIds.toArray(String[]::new))
        .query(
            (rs, i) ->
                found.put(
                    rs.getString("customer_id"),
                    new HealthMetrics(
                        rs.getInt("queries_per_week"),
                        rs.getInt("features_used"),
                        rs.getInt("logins_per_week"),
                        rs.getDouble("email_open_rate"),
                        rs.getInt("open_tickets"),
                        Sentiment.valueOf(rs.getString("sentiment")),
                        rs.getDouble("plan_usage"))))
        .list();
    return found;
  }

  /** Records why an event's effect could not be applied (the report shows it). */
  public void effectFailed(String messageId, String reason) {
    jdbc.sql("update segment_events set effect_error = :r where message_id = :m")
        .param("r", reason)
        .param("m", messageId)
        .update();
  }

  /** The events kept without a customer, newest first. */
  public List<Unmatched> unmatched(int limit) {
    return jdbc.sql(
            """
            select message_id, kind, event, user_id, anonymous_id, group_id, at, received_at
            from segment_events where customer_id is null order by received_at desc, message_id
            limit :limit
            """)
        .param("limit", limit)
        .query(
            (rs, i) ->
                new Unmatched(
                    rs.getString("message_id"),
                    rs.getString("kind"),
                    rs.getString("event"),
                    rs.getString("user_id"),
                    rs.getString("anonymous_id"),
                    rs.getString("group_id"),
                    rs.getTimestamp("at").toInstant(),
                    rs.getTimestamp("received_at").toInstant()))
        .list();
  }

  /** How many events are kept without a customer. */
  public long unmatchedCount() {
    return jdbc.sql("select count(*) from segment_events where customer_id is null")
        .query(Long.class)
        .single();
  }

  /** A row of weekly figures: the sums of the last seven days and the group's traits. */
  private static Weekly weekly(java.sql.ResultSet rs) throws java.sql.SQLException {
    double usage = rs.getDouble("plan_usage");
    Double planUsage = rs.wasNull() ? null : usage;
    int tickets = rs.getInt("open_tickets");
    Integer openTickets = rs.wasNull() ? null : tickets;
    return new Weekly(
        rs.getString("customer_id"),
        rs.getInt("logins"),
        rs.getInt("queries"),
        rs.getInt("features"),
        planUsage,
        openTickets);
  }

  /** The UTC day of {@code now}: the weekly figures end with it. */
  private static java.sql.Date today(Instant now) {
    return java.sql.Date.valueOf(now.atZone(java.time.ZoneOffset.UTC).toLocalDate());
  }
}
