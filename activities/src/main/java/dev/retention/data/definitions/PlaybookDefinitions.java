package dev.retention.data.definitions;

import dev.retention.workflows.contract.PlaybookIds;
import dev.retention.workflows.engine.PlaybookDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every version of every playbook definition, and which one new runs follow. A version is a draft
 * until published; published, it never changes. The shipped definitions seed version 1 of their
 * playbook the first time it is asked for.
 */
@Repository
public class PlaybookDefinitions implements SmartInitializingSingleton {

  /** How long a read of the published versions is reused (starts are frequent, publishes rare). */
  static final Duration CACHED_FOR = Duration.ofSeconds(5);

  /** Who stored a version loaded from a file. */
  public static final String SYSTEM = "system";

  /** A stored version. */
  public record Version(
      String playbookId,
      int version,
      String status,
      PlaybookDefinition definition,
      String source,
      String note,
      String createdBy,
      Instant createdAt,
      String publishedBy,
      Instant publishedAt) {

    public boolean published() {
      return "PUBLISHED".equals(status);
    }
  }

  /** A publication: which version became the one new runs follow, by whom, when and why. */
  public record Publication(
      String playbookId, int version, String publishedBy, Instant publishedAt, String note) {}

  private record Cached(PlaybookDefinition definition, Instant readAt) {}

  private record CachedIds(List<String> ids, Instant readAt) {}

  private volatile CachedIds cachedIds;

  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public PlaybookDefinitions(JdbcClient jdbc, TransactionTemplate transactions, Clock clock) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.clock = clock;
  }

  /**
   * Publishes the shipped playbooks never stored before, and makes every stored playbook id known
   * to the process ({@link PlaybookIds}) before the worker and the client start, so the runs of a
   * playbook defined by a team are found by their workflow id (the payload codec's customer key,
   * access checks, erasure) from the first workflow task.
   */
  @Override
  public void afterSingletonsInstantiated() {
    // Every shipped playbook published from the start (version 1 on a first start), so that the
    // events their definitions name start them before anything else has asked for them.
    for (String shipped : DefinitionFiles.SHIPPED) {
      var unused = published(shipped);
    }
    ids();
  }

  /**
   * The version new runs of {@code playbookId} follow, its number set; a shipped playbook never
   * stored before is stored and published as version 1 first.
   */
  public Optional<PlaybookDefinition> published(String playbookId) {
    Cached cached = cache.get(playbookId);
    Instant now = clock.instant();
    if (cached != null && cached.readAt().plus(CACHED_FOR).isAfter(now)) {
      return Optional.of(cached.definition());
    }
    Optional<PlaybookDefinition> found = readPublished(playbookId);
    if (found.isEmpty()) {
      Optional<PlaybookDefinition> shipped = DefinitionFiles.shipped(playbookId);
      if (shipped.isEmpty()) {
        return Optional.empty();
      }
      seed(shipped.get(), "shipped file playbooks/" + playbookId + ".yaml");
      found = readPublished(playbookId);
    }
    found.ifPresent(
        d -> {
          PlaybookIds.register(playbookId);
          cache.put(playbookId, new Cached(d, now));
        });
    return found;
  }

  private Optional<PlaybookDefinition> readPublished(String playbookId) {
    return jdbc.sql(
            """
            select v.definition::text as definition, v.version from playbook_definition_published p
            join playbook_definition_versions v using (playbook_id, version)
            where p.playbook_id = :id
            """)
        .param("id", playbookId)
        .query((rs, i) -> parse(rs.getString("definition")).withVersion(rs.getInt("version")))
        .optional();
  }

  /**
   * Stores {@code definition} as version 1 of its playbook, published, unless the playbook has a
   * version already (idempotent: instances starting together store it once).
   */
  public void seed(PlaybookDefinition definition, String source) {
    transactions.executeWithoutResult(
        tx -> {
          lock(definition.id());
          if (latest(definition.id()) > 0) {
            return;
          }
          Instant at = clock.instant();
          insert(definition.withVersion(1), 1, "PUBLISHED", source, null, SYSTEM, at, SYSTEM, at);
          point(definition.id(), 1, SYSTEM, at, "shipped with the app");
        });
  }

  /** Stores a new draft version; its number is the next free one. */
  public Version addDraft(PlaybookDefinition definition, String source, String note, String by) {
    return transactions.execute(
        tx -> {
          lock(definition.id());
          int number = latest(definition.id()) + 1;
          Instant at = clock.instant();
          insert(definition.withVersion(number), number, "DRAFT", source, note, by, at, null, null);
          return version(definition.id(), number).orElseThrow();
        });
  }

  /** Replaces a draft's definition (a published version never changes); false if not a draft. */
  public boolean replaceDraft(PlaybookDefinition definition, int number, String note, String by) {
    return jdbc.sql(
                """
                update playbook_definition_versions
                set definition = cast(:definition as jsonb), note = :note, created_by = :by,
                    created_at = :at
                where playbook_id = :id and version = :version and status = 'DRAFT'
                """)
            .param("definition", DefinitionFiles.json(definition.withVersion(number)))
            .param("note", note)
            .param("by", by)
            .param("at", Timestamp.from(clock.instant()))
            .param("id", definition.id())
            .param("version", number)
            .update()
        == 1;
  }

  /**
   * Makes a version the one new runs follow (a draft becomes published; an older published version
   * is published again: a rollback), and records the publication.
   */
  public Publication publish(String playbookId, int number, String note, String by) {
    return transactions.execute(
        tx -> {
          lock(playbookId);
          Instant at = clock.instant();
          jdbc.sql(
                  """
                  update playbook_definition_versions
                  set status = 'PUBLISHED', published_by = coalesce(published_by, :by),
                      published_at = coalesce(published_at, :at)
                  where playbook_id = :id and version = :version
                  """)
              .param("by", by)
              .param("at", Timestamp.from(at))
              .param("id", playbookId)
              .param("version", number)
              .update();
          point(playbookId, number, by, at, note);
          cache.remove(playbookId);
          cachedIds = null;
          return new Publication(playbookId, number, by, at, note);
        });
  }

  private void point(String playbookId, int number, String by, Instant at, String note) {
    jdbc.sql(
            """
            insert into playbook_definition_published (playbook_id, version, published_by, published_at)
            values (:id, :version, :by, :at)
            on conflict (playbook_id) do update
              set version = excluded.version, published_by = excluded.published_by,
                  published_at = excluded.published_at
            """)
        .param("id", playbookId)
        .param("version", number)
        .param("by", by)
        .param("at", Timestamp.from(at))
        .update();
    jdbc.sql(
            """
            insert into playbook_definition_publications
              (playbook_id, version, published_by, published_at, note)
            values (:id, :version, :by, :at, :note)
            """)
        .param("id", playbookId)
        .param("version", number)
        .param("by", by)
        .param("at", Timestamp.from(at))
        .param("note", note)
        .update();
  }

  /** One version. */
  public Optional<Version> version(String playbookId, int number) {
    return jdbc.sql(SELECT + " where playbook_id = :id and version = :version")
        .param("id", playbookId)
        .param("version", number)
        .query(PlaybookDefinitions::map)
        .optional();
  }

  /** Every version of a playbook, newest first. */
  public List<Version> versions(String playbookId) {
    return jdbc.sql(SELECT + " where playbook_id = :id order by version desc")
        .param("id", playbookId)
        .query(PlaybookDefinitions::map)
        .list();
  }

  /** The publications of a playbook, newest first. */
  public List<Publication> publications(String playbookId) {
    return jdbc.sql(
            """
            select playbook_id, version, published_by, published_at, note
            from playbook_definition_publications where playbook_id = :id order by id desc
            """)
        .param("id", playbookId)
        .query(
            (rs, i) ->
                new Publication(
                    rs.getString("playbook_id"),
                    rs.getInt("version"),
                    rs.getString("published_by"),
                    rs.getTimestamp("published_at").toInstant(),
                    rs.getString("note")))
        .list();
  }

  /** The number of the version new runs follow, if any. */
  public Optional<Integer> publishedVersion(String playbookId) {
    return jdbc.sql("select version from playbook_definition_published where playbook_id = :id")
        .param("id", playbookId)
        .query(Integer.class)
        .optional();
  }

  /**
   * The published version of every playbook that has one, from the caches (ids and versions are
   * read again after {@link #CACHED_FOR}): what each new health score is checked against.
   */
  public List<PlaybookDefinition> publishedAll() {
    CachedIds known = cachedIds;
    Instant now = clock.instant();
    if (known == null || !known.readAt().plus(CACHED_FOR).isAfter(now)) {
      known =
          new CachedIds(
              ids().stream()
                  .filter(
                      id ->
                          DefinitionFiles.SHIPPED.contains(id) || publishedVersion(id).isPresent())
                  .toList(),
              now);
      cachedIds = known;
    }
    return known.ids().stream().flatMap(id -> published(id).stream()).toList();
  }

  /** Every playbook with a stored version, the shipped ones first. */
  public List<String> ids() {
    List<String> stored =
        jdbc.sql("select distinct playbook_id from playbook_definition_versions order by 1")
            .query(String.class)
            .list();
    java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>(DefinitionFiles.SHIPPED);
    ids.addAll(stored);
    ids.forEach(PlaybookIds::register);
    return List.copyOf(ids);
  }

  /** How many runs follow each version of a playbook: running, and all. */
  public record RunsOfVersion(int version, long running, long total) {}

  /** The runs per version of a playbook (runs on the engine; newest version first). */
  public List<RunsOfVersion> runsPerVersion(String playbookId) {
    return jdbc.sql(
            """
            select definition_version, count(*) filter (where status = 'RUNNING') as running,
              count(*) as total
            from playbook_runs where playbook = :id and definition_version is not null
            group by definition_version order by definition_version desc
            """)
        .param("id", playbookId)
        .query(
            (rs, i) ->
                new RunsOfVersion(
                    rs.getInt("definition_version"), rs.getLong("running"), rs.getLong("total")))
        .list();
  }

  private int latest(String playbookId) {
    return jdbc.sql(
            "select coalesce(max(version), 0) from playbook_definition_versions where playbook_id = :id")
        .param("id", playbookId)
        .query(Integer.class)
        .single();
  }

  /** Serialises writes to one playbook's versions (numbers and the published pointer). */
  private void lock(String playbookId) {
    var unused =
        jdbc.sql("select pg_advisory_xact_lock(hashtext('playbook-definition:' || :id))")
            .param("id", playbookId)
            .query((rs, i) -> 1)
            .list();
  }

  private void insert(
      PlaybookDefinition definition,
      int number,
      String status,
      String source,
      String note,
      String by,
      Instant at,
      String publishedBy,
      Instant publishedAt) {
    PlaybookIds.register(definition.id());
    jdbc.sql(
            """
            insert into playbook_definition_versions (playbook_id, version, definition, status,
              source, note, created_by, created_at, published_by, published_at)
            values (:id, :version, cast(:definition as jsonb), :status, :source, :note, :by, :at,
              :publishedBy, :publishedAt)
            """)
        .param("id", definition.id())
        .param("version", number)
        .param("definition", DefinitionFiles.json(definition))
        .param("status", status)
        .param("source", source)
        .param("note", note)
        .param("by", by)
        .param("at", Timestamp.from(at))
        .param("publishedBy", publishedBy)
        .param("publishedAt", publishedAt == null ? null : Timestamp.from(publishedAt))
        .update();
  }

  private static final String SELECT =
      """
      select playbook_id, version, definition::text as definition, status, source, note,
        created_by, created_at, published_by, published_at
      from playbook_definition_versions
      """;

  private static Version map(ResultSet rs, int row) throws SQLException {
    Timestamp publishedAt = rs.getTimestamp("published_at");
    return new Version(
        rs.getString("playbook_id"),
        rs.getInt("version"),
        rs.getString("status"),
        parse(rs.getString("definition")).withVersion(rs.getInt("version")),
        rs.getString("source"),
        rs.getString("note"),
        rs.getString("created_by"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getString("published_by"),
        publishedAt == null ? null : publishedAt.toInstant());
  }

  private static PlaybookDefinition parse(String json) {
    try {
      return DefinitionFiles.parse(json);
    } catch (IOException e) {
      throw new UncheckedIOException("a stored definition does not read", e);
    }
  }
}
