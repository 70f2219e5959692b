package dev.retention.api.security;

import java.io.Serializable;
import java.util.Set;

/**
 * Who is calling: an integration key (with scopes) or a person (with a role). The principal of
 * every authenticated request, whatever way it authenticated.
 */
public record Caller(
    Kind kind, String id, String name, Role role, String csmId, String email, Set<Scope> scopes)
    implements Serializable {

  public enum Kind {
    KEY,
    PERSON
  }

  public Caller {
    scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
  }

  public static Caller key(String id, String name, Set<Scope> scopes) {
    return new Caller(Kind.KEY, id, name, null, null, null, scopes);
  }

  public static Caller person(String username, String name, Role role, String csmId, String email) {
    return new Caller(Kind.PERSON, username, name, role, csmId, email, Set.of());
  }

  /** How the audit log names this caller: {@code key:k-3f9a…} or {@code person:petra}. */
  public String actor() {
    return kind == Kind.KEY ? "key:" + id : personActor(id);
  }

  /** How the audit log (and the session index) names a person: {@code person:petra}. */
  public static String personActor(String username) {
    return "person:" + username;
  }

  public boolean isKey() {
    return kind == Kind.KEY;
  }

  public boolean isAdmin() {
    return isKey() ? scopes.contains(Scope.ADMIN) : role == Role.ADMIN;
  }

  /**
   * The playbook-editor permission (publishing the health model): keys with its scope (or admin),
   * people who are admins.
   */
  public boolean isPlaybookEditor() {
    return isKey() ? hasScope(Scope.PLAYBOOK_EDITOR) : role == Role.ADMIN;
  }

  /** For keys: the scope, or admin. People have no scopes; their role decides. */
  public boolean hasScope(Scope scope) {
    return isKey() && (scopes.contains(scope) || scopes.contains(Scope.ADMIN));
  }
}
