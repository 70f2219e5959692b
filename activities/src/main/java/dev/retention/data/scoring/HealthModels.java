package dev.retention.data.scoring;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The health model's versions in PostgreSQL (V22__health_models.sql): drafts, exactly one published
 * version, the ones it replaced. The shipped default ({@link HealthModel#defaults()}) becomes
 * version 1, published by {@code system}, the first time the model is read. A version's definition
 * never changes once stored, so parsed models are kept per version.
 */
@Service
public class HealthModels {

  /** Who stored the shipped default. */
  public static final String SYSTEM = "system";

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final Clock clock;
  private final Map<String, HealthModel> parsed = new ConcurrentHashMap<>();

  public HealthModels(JdbcClient jdbc, TransactionTemplate tx, Clock clock) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.clock = clock;
  }

  /** A stored version: its status (DRAFT, PUBLISHED, SUPERSEDED), who made it, the definition. */
  public record Version(
      int version,
      String status,
      String definition,
      String createdBy,
      Instant createdAt,
      String note,
      String publishedBy,
      Instant publishedAt) {}

  /** The published version and its model, numbered. */
  public record Published(int version, HealthModel model) {}

  /** The published model (the shipped default, stored as version 1, when none is yet). */
  public Published published() {
    Optional<Version> published = find("status = 'PUBLISHED'");
    if (published.isEmpty()) {
      seed();
      published = find("status = 'PUBLISHED'");
    }
    Version v = published.orElseThrow();
    return new Published(v.version(), model(v));
  }

  public HealthModel model(Version v) {
    return parsed.computeIfAbsent(v.definition(), HealthModel::parse);
  }

  /** Every version, newest first. */
  public List<Version> versions() {
    published();
    return jdbc.sql(SELECT + " order by version desc").query(HealthModels::version).list();
  }

  public Optional<Version> version(int version) {
    published();
    return jdbc.sql(SELECT + " where version = :v")
        .param("v", version)
        .query(HealthModels::version)
        .optional();
  }

  /** Stores a draft (validated first: {@link HealthModel.Invalid} when it is not a model). */
  public Version draft(String definition, String by, String note) {
    HealthModel.parse(definition);
    published();
    return tx.execute(
        status -> {
          lockVersions();
          int next =
              jdbc.sql("select coalesce(max(version), 0) + 1 from health_models")
                  .query(Integer.class)
                  .single();
          jdbc.sql(
                  """
                  insert into health_models (version, status, definition, created_by, created_at,
                    note)
                  values (:v, 'DRAFT', :d, :by, :at, :note)
                  """)
              .param("v", next)
              .param("d", definition)
              .param("by", by)
              .param("at", Timestamp.from(clock.instant()))
              .param("note", note)
              .update();
          return version(next).orElseThrow();
        });
  }

  /** Why a version cannot be published. */
  public static final class NotPublishable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotPublishable(String detail) {
      super(detail);
    }
  }

  /**
   * Publishes a draft, or a version published before (rolling back): it scores every score from now
   * on; the one published until now becomes SUPERSEDED. Scores already stored keep theirs. Empty
   * when there is no such version.
   */
  public Optional<Version> publish(int version, String by, String note) {
    published();
    return tx.execute(
        status -> {
          lockVersions();
          Optional<Version> v =
              jdbc.sql(SELECT + " where version = :v")
                  .param("v", version)
                  .query(HealthModels::version)
                  .optional();
          if (v.isEmpty()) {
            return Optional.<Version>empty();
          }
          if (v.get().status().equals("PUBLISHED")) {
            throw new NotPublishable("version " + version + " is the published version already");
          }
          jdbc.sql("update health_models set status = 'SUPERSEDED' where status = 'PUBLISHED'")
              .update();
          jdbc.sql(
                  """
                  update health_models set status = 'PUBLISHED', published_by = :by,
                    published_at = :at, note = coalesce(:note, note)
                  where version = :v
                  """)
              .param("by", by)
              .param("at", Timestamp.from(clock.instant()))
              .param("note", note)
              .param("v", version)
              .update();
          return jdbc.sql(SELECT + " where version = :v")
              .param("v", version)
              .query(HealthModels::version)
              .optional();
        });
  }

  private void seed() {
    Instant now = clock.instant();
    jdbc.sql(
            """
            insert into health_models (version, status, definition, created_by, created_at, note,
              published_by, published_at)
            select 1, 'PUBLISHED', :d, :by, :at, :note, :by, :at
            where not exists (select 1 from health_models where status = 'PUBLISHED')
            on conflict do nothing
            """)
        .param("d", HealthModel.defaultJson())
        .param("by", SYSTEM)
        .param("at", Timestamp.from(now))
        .param("note", "the shipped default (health/default-model.json)")
        .update();
  }

  /** Versions are numbered and published one writer at a time. */
  private void lockVersions() {
    jdbc.sql("select pg_advisory_xact_lock(hashtext('health_models'))").query().singleRow();
  }

  private Optional<Version> find(String where) {
    return jdbc.sql(SELECT + " where " + where).query(HealthModels::version).optional();
  }

  private static final String SELECT =
      """
      select version, status, definition, created_by, created_at, note, published_by,
        published_at
      from health_models""";

  private static Version version(ResultSet rs, int i) throws SQLException {
    Timestamp published = rs.getTimestamp("published_at");
    return new Version(
        rs.getInt("version"),
        rs.getString("status"),
        rs.getString("definition"),
        rs.getString("created_by"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getString("note"),
        rs.getString("published_by"),
        published == null ? null : published.toInstant());
  }
}
