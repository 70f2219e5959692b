package dev.retention.api.security.keys;

import dev.retention.api.security.Caller;
import dev.retention.api.security.Scope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Integration keys: {@code rpk_<id>_<secret>}, 256 random bits of secret. Only a SHA-256 of the
 * whole key is stored; the key is shown once, when it is created. A key is found by its id and
 * checked by comparing hashes in constant time; its last use is recorded at most once a minute.
 */
@Component
public class ApiKeys {

  private static final Pattern FORMAT = Pattern.compile("rpk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})");
  private static final Duration LAST_USE_RESOLUTION = Duration.ofMinutes(1);
  private static final SecureRandom RANDOM = new SecureRandom();

  public record KeyInfo(
      String id,
      String name,
      List<String> scopes,
      String createdBy,
      Instant createdAt,
      Instant revokedAt,
      Instant lastUsedAt) {}

  /** A key just made: the only moment its secret exists outside the caller's hands. */
  public record NewKey(KeyInfo info, String key) {}

  private final JdbcClient jdbc;
  private final Clock clock;
  private final ConcurrentHashMap<String, Instant> lastUseWritten = new ConcurrentHashMap<>();

  public ApiKeys(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  public NewKey create(String name, Set<Scope> scopes, String createdBy) {
    String id = randomId();
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String key = "rpk_" + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    return new NewKey(register(id, name, key, scopes, createdBy), key);
  }

  /** Registers a key made elsewhere (the bootstrap key from configuration), if it is new. */
  public Optional<KeyInfo> registerIfAbsent(String key, String name, Set<Scope> scopes) {
    Matcher m = FORMAT.matcher(key);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "an integration key has the form rpk_<12 lowercase letters or digits>_<43 base64url"
              + " characters>");
    }
    if (find(m.group(1)).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(register(m.group(1), name, key, scopes, "configuration"));
  }

  private KeyInfo register(
      String id, String name, String key, Set<Scope> scopes, String createdBy) {
    String[] scopeIds = scopes.stream().map(Scope::id).sorted().toArray(String[]::new);
    jdbc.sql(
            """
            insert into api_keys (id, name, secret_hash, scopes, created_by, created_at)
            values (:id, :name, :hash, :scopes, :by, :at)
            """)
        .param("id", id)
        .param("name", name)
        .param("hash", hash(key))
        .param("scopes", scopeIds)
        .param("by", createdBy)
        .param("at", java.sql.Timestamp.from(clock.instant()))
        .update();
    return find(id).orElseThrow();
  }

  /** The id part of a presented key of the right shape (the secret is never kept). */
  public static Optional<String> idOf(String presented) {
    Matcher m = FORMAT.matcher(presented);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** The caller a presented key stands for, if it is well-formed, known, matching and live. */
  public Optional<Caller> authenticate(String presented) {
    Optional<String> shaped = idOf(presented);
    if (shaped.isEmpty()) {
      return Optional.empty();
    }
    String id = shaped.get();
    record Stored(String name, String hash, Set<Scope> scopes, Instant revokedAt) {}
    Optional<Stored> stored =
        jdbc.sql("select name, secret_hash, scopes, revoked_at from api_keys where id = :id")
            .param("id", id)
            .query(
                (rs, n) ->
                    new Stored(
                        rs.getString("name"),
                        rs.getString("secret_hash"),
                        scopes(rs.getArray("scopes")),
                        instant(rs.getTimestamp("revoked_at"))))
            .optional();
    if (stored.isEmpty()
        || stored.get().revokedAt() != null
        || !MessageDigest.isEqual(
            stored.get().hash().getBytes(StandardCharsets.US_ASCII),
            hash(presented).getBytes(StandardCharsets.US_ASCII))) {
      return Optional.empty();
    }
    recordUse(id);
    return Optional.of(Caller.key(id, stored.get().name(), stored.get().scopes()));
  }

  private void recordUse(String id) {
    Instant now = clock.instant();
    Instant written = lastUseWritten.get(id);
    if (written != null && written.plus(LAST_USE_RESOLUTION).isAfter(now)) {
      return;
    }
    lastUseWritten.put(id, now);
    jdbc.sql("update api_keys set last_used_at = :at where id = :id")
        .param("at", java.sql.Timestamp.from(now))
        .param("id", id)
        .update();
  }

  public List<KeyInfo> list() {
    return jdbc.sql(SELECT + " order by created_at, id").query(this::info).list();
  }

  public Optional<KeyInfo> find(String id) {
    return jdbc.sql(SELECT + " where id = :id").param("id", id).query(this::info).optional();
  }

  /** Revokes a key; true when it was live. Revoking twice changes nothing. */
  public boolean revoke(String id) {
    return jdbc.sql("update api_keys set revoked_at = :at where id = :id and revoked_at is null")
            .param("at", java.sql.Timestamp.from(clock.instant()))
            .param("id", id)
            .update()
        == 1;
  }

  /** Whether any live key has the admin scope (the embedded runtime makes one when none does). */
  public boolean anyLiveAdmin() {
    return jdbc.sql(
            "select exists (select 1 from api_keys where revoked_at is null and 'admin' = any(scopes))")
        .query(Boolean.class)
        .single();
  }

  private static final String SELECT =
      "select id, name, scopes, created_by, created_at, revoked_at, last_used_at from api_keys";

  private KeyInfo info(java.sql.ResultSet rs, int row) throws SQLException {
    return new KeyInfo(
        rs.getString("id"),
        rs.getString("name"),
        scopes(rs.getArray("scopes")).stream().map(Scope::id).sorted().toList(),
        rs.getString("created_by"),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("revoked_at")),
        instant(rs.getTimestamp("last_used_at")));
  }

  private static Set<Scope> scopes(Array array) throws SQLException {
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    Arrays.stream((String[]) array.getArray())
        .map(Scope::fromId)
        .flatMap(Optional::stream)
        .forEach(scopes::add);
    return scopes;
  }

  private static Instant instant(java.sql.Timestamp ts) {
    return ts == null ? null : ts.toInstant();
  }

  private static String randomId() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder id = new StringBuilder(12);
    for (int i = 0; i < 12; i++) {
      id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return id.toString();
  }

  static String hash(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
