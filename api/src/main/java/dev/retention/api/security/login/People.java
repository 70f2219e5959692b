package dev.retention.api.security.login;

import dev.retention.api.security.Caller;
import dev.retention.api.security.Role;
import dev.retention.api.security.Scope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** People who log in: CSMs, managers and admins, with their password hash when they have one. */
@Component
public class People {

  public record Person(
      String username,
      String name,
      String email,
      Role role,
      String csmId,
      boolean hasPassword,
      Instant createdAt,
      Instant disabledAt,
      boolean playbookEditor) {

    public Caller caller() {
      return Caller.person(
          username,
          name,
          role,
          csmId,
          email,
          playbookEditor ? Set.of(Scope.PLAYBOOK_EDITOR) : Set.of());
    }

    public boolean enabled() {
      return disabledAt == null;
    }
  }

  private final JdbcClient jdbc;

  public People(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Creates or changes a person; a null password hash keeps the current one. True when created. */
  public boolean upsert(
      String username, String name, String email, Role role, String csmId, String passwordHash) {
    return jdbc.sql(
            """
            insert into people (username, name, email, role, csm_id, password_hash)
            values (:u, :name, :email, :role, :csm, :hash)
            on conflict (username) do update set
              name = excluded.name, email = excluded.email, role = excluded.role,
              csm_id = excluded.csm_id,
              password_hash = coalesce(excluded.password_hash, people.password_hash),
              disabled_at = null, updated_at = now()
            returning (xmax = 0)
            """)
        .param("u", username)
        .param("name", name)
        .param("email", email)
        .param("role", role.name())
        .param("csm", csmId)
        .param("hash", passwordHash)
        .query(Boolean.class)
        .single();
  }

  public Optional<Person> find(String username) {
    return jdbc.sql(SELECT + " where username = :u")
        .param("u", username)
        .query(this::row)
        .optional();
  }

  public Optional<Person> findByEmail(String email) {
    return jdbc.sql(SELECT + " where lower(email) = lower(:e)")
        .param("e", email)
        .query(this::row)
        .optional();
  }

  public Optional<String> passwordHash(String username) {
    return jdbc.sql(
            "select password_hash from people where username = :u and disabled_at is null"
                + " and password_hash is not null")
        .param("u", username)
        .query(String.class)
        .optional();
  }

  public List<Person> list() {
    return jdbc.sql(SELECT + " order by username").query(this::row).list();
  }

  /** Disables a login (kept for the audit trail); true when it was enabled. */
  public boolean disable(String username) {
    return jdbc.sql(
                "update people set disabled_at = now(), updated_at = now()"
                    + " where username = :u and disabled_at is null")
            .param("u", username)
            .update()
        == 1;
  }

  /** The CSMs a manager leads: those whose manager address is the manager's. */
  public List<String> teamCsmIds(String managerEmail) {
    return jdbc.sql("select id from csms where lower(manager_email) = lower(:e) order by id")
        .param("e", managerEmail)
        .query(String.class)
        .list();
  }

  private static final String SELECT =
      "select username, name, email, role, csm_id, password_hash is not null as has_password,"
          + " created_at, disabled_at, playbook_editor from people";

  private Person row(ResultSet rs, int n) throws SQLException {
    var disabled = rs.getTimestamp("disabled_at");
    return new Person(
        rs.getString("username"),
        rs.getString("name"),
        rs.getString("email"),
        Role.valueOf(rs.getString("role")),
        rs.getString("csm_id"),
        rs.getBoolean("has_password"),
        rs.getTimestamp("created_at").toInstant(),
        disabled == null ? null : disabled.toInstant(),
        rs.getBoolean("playbook_editor"));
  }

  /** Grants or withdraws the playbook-editor permission; true when the person exists. */
  public boolean grantPlaybookEditor(String username, boolean granted) {
    return jdbc.sql(
                "update people set playbook_editor = :g, updated_at = now() where username = :u")
            .param("g", granted)
            .param("u", username)
            .update()
        == 1;
  }
}
