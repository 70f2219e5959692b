package dev.retention.data.webhooks;

import java.security.SecureRandom;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The webhook subscriptions and their delivery logs. A subscription's secret is read here only to
 * show it once (creation, rotation); the relay reads it to sign.
 */
@Repository
public class WebhookSubscriptions {

  private static final java.security.SecureRandom SECRETS = new java.security.SecureRandom();

  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcClient jdbc;
  private final Clock clock;

  public WebhookSubscriptions(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * A subscription as admins see it.
   *
   * @param eventTypes the types it receives, or null for every type
   */
  public record Subscription(
      String id,
      String url,
      String description,
      List<String> eventTypes,
      boolean enabled,
      String createdBy,
      Instant createdAt,
      Instant updatedAt) {}

  /** A subscription and its secret, which is in this answer only. */
  public record WithSecret(Subscription subscription, String secret) {}

  /** One event to one subscriber, as the delivery log shows it. */
  public record Delivery(
      long id,
      String eventId,
      String type,
      String status,
      int attempts,
      Integer lastStatus,
      String lastError,
      Instant nextAttemptAt,
      Instant deliveredAt,
      Instant createdAt) {}

  /** What the connection status shows: subscribers, the last delivery and failures. */
  public record Figures(
      int subscriptions,
      int enabled,
      Instant lastDelivered,
      int failing,
      String lastError,
      Instant lastErrorAt) {}

  public WithSecret create(
      String url, String description, List<String> eventTypes, boolean enabled, String by) {
    String id = "whs_" + HexFormat.of().formatHex(randomBytes(10));
    String secret = newSecret();
    Instant now = clock.instant();
    jdbc.sql(
            """
            insert into webhook_subscriptions (id, url, description, event_types, enabled, secret,
              created_by, created_at, updated_at)
            values (:id, :url, :description, :types, :enabled, :secret, :by, :now, :now)
            """)
        .param("id", id)
        .param("url", url)
        .param("description", description)
        .param("types", eventTypes == null ? null : eventTypes.toArray(String[]::new))
        .param("enabled", enabled)
        .param("secret", secret)
        .param("by", by)
        .param("now", Timestamp.from(now))
        .update();
    return new WithSecret(find(id).orElseThrow(), secret);
  }

  public List<Subscription> list() {
    return jdbc.sql("select * from webhook_subscriptions order by created_at, id")
        .query(WebhookSubscriptions::subscription)
        .list();
  }

  public Optional<Subscription> find(String id) {
    return jdbc.sql("select * from webhook_subscriptions where id = :id")
        .param("id", id)
        .query(WebhookSubscriptions::subscription)
        .optional();
  }

  /**
   * Changes what is given (null: unchanged); {@code allTypes} sets the filter to every type.
   * Returns the subscription as it is now, empty when there is none.
   */
  public Optional<Subscription> update(
      String id,
      String url,
      String description,
      List<String> eventTypes,
      boolean allTypes,
      Boolean enabled) {
    int changed =
        jdbc.sql(
                """
                update webhook_subscriptions set url = coalesce(:url, url),
                  description = coalesce(:description, description),
                  event_types = case when :all then null
                                     else coalesce(cast(:types as text[]), event_types) end,
                  enabled = coalesce(:enabled, enabled), updated_at = :now
                where id = :id
                """)
            .param("url", url)
            .param("description", description)
            .param("all", allTypes)
            .param("types", eventTypes == null ? null : eventTypes.toArray(String[]::new))
            .param("enabled", enabled)
            .param("now", Timestamp.from(clock.instant()))
            .param("id", id)
            .update();
    return changed == 0 ? Optional.empty() : find(id);
  }

  /** Deletes the subscription and its delivery log; false when there was none. */
  public boolean delete(String id) {
    return jdbc.sql("delete from webhook_subscriptions where id = :id").param("id", id).update()
        > 0;
  }

  /** A new secret, used from the next attempt on; the old one stops at once. */
  public Optional<WithSecret> rotateSecret(String id) {
    String secret = newSecret();
    int changed =
        jdbc.sql("update webhook_subscriptions set secret = :s, updated_at = :now where id = :id")
            .param("s", secret)
            .param("now", Timestamp.from(clock.instant()))
            .param("id", id)
            .update();
    return changed == 0 ? Optional.empty() : find(id).map(s -> new WithSecret(s, secret));
  }

  /** The subscription's signing secret, for the relay and the connection test. */
  public Optional<String> secret(String id) {
    return jdbc.sql("select secret from webhook_subscriptions where id = :id")
        .param("id", id)
        .query(String.class)
        .optional();
  }

  /** The delivery log, newest first, optionally of one status. */
  public List<Delivery> deliveries(String subscriptionId, String status, int limit) {
    return jdbc.sql(
            """
            select * from webhook_deliveries
            where subscription_id = :s and (cast(:status as text) is null or status = :status)
            order by id desc limit :limit
            """)
        .param("s", subscriptionId)
        .param("status", status)
        .param("limit", limit)
        .query(WebhookSubscriptions::delivery)
        .list();
  }

  /**
   * Sends a delivery again from its first attempt, under the same webhook-id (a delivered one too:
   * the subscriber may have lost it). Empty when the subscription has no such delivery.
   */
  public Optional<Delivery> replay(String subscriptionId, long deliveryId) {
    return jdbc.sql(
            """
            update webhook_deliveries set status = 'PENDING', attempts = 0, next_attempt_at = :now,
              delivered_at = null
            where subscription_id = :s and id = :d
            returning *
            """)
        .param("now", Timestamp.from(clock.instant()))
        .param("s", subscriptionId)
        .param("d", deliveryId)
        .query(WebhookSubscriptions::delivery)
        .optional();
  }

  /** Replays every FAILED delivery of the subscription; how many. */
  public int replayFailed(String subscriptionId) {
    return jdbc.sql(
            """
            update webhook_deliveries set status = 'PENDING', attempts = 0, next_attempt_at = :now
            where subscription_id = :s and status = 'FAILED'
            """)
        .param("now", Timestamp.from(clock.instant()))
        .param("s", subscriptionId)
        .update();
  }

  public Figures figures() {
    return jdbc.sql(
            """
            select (select count(*) from webhook_subscriptions) as subscriptions,
              (select count(*) from webhook_subscriptions where enabled) as enabled,
              (select max(delivered_at) from webhook_deliveries) as last_delivered,
              (select count(*) from webhook_deliveries
                where status = 'FAILED' or (status = 'PENDING' and attempts > 0)) as failing,
              e.last_error, e.last_error_at
            from (select 1) one left join lateral (
              select last_error, last_attempt_at as last_error_at
              from webhook_deliveries
              where last_error is not null and status <> 'DELIVERED'
              order by id desc limit 1) e on true
            """)
        .query(
            (rs, i) ->
                new Figures(
                    rs.getInt("subscriptions"),
                    rs.getInt("enabled"),
                    instant(rs.getTimestamp("last_delivered")),
                    rs.getInt("failing"),
                    rs.getString("last_error"),
                    instant(rs.getTimestamp("last_error_at"))))
        .single();
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  static Subscription subscription(ResultSet rs, int row) throws SQLException {
    Array types = rs.getArray("event_types");
    return new Subscription(
        rs.getString("id"),
        rs.getString("url"),
        rs.getString("description"),
        types == null ? null : Arrays.asList((String[]) types.getArray()),
        rs.getBoolean("enabled"),
        rs.getString("created_by"),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("updated_at")));
  }

  static Delivery delivery(ResultSet rs, int row) throws SQLException {
    return new Delivery(
        rs.getLong("id"),
        rs.getString("message_id"),
        rs.getString("type"),
        rs.getString("status"),
        rs.getInt("attempts"),
        rs.getObject("last_status", Integer.class),
        rs.getString("last_error"),
        "PENDING".equals(rs.getString("status"))
            ? instant(rs.getTimestamp("next_attempt_at"))
            : null,
        instant(rs.getTimestamp("delivered_at")),
        instant(rs.getTimestamp("created_at")));
  }

  private static Instant instant(Timestamp ts) {
    return ts == null ? null : ts.toInstant();
  }

  /** A new secret: {@code whsec_} and base64 of 32 random bytes (Standard Webhooks' form). */
  private static String newSecret() {
    byte[] bytes = new byte[32];
    SECRETS.nextBytes(bytes);
    return "whsec_" + java.util.Base64.getEncoder().encodeToString(bytes);
  }
}
