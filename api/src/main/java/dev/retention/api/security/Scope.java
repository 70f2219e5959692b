package dev.retention.api.security;

import java.util.Arrays;
import java.util.Optional;

/** What an integration key may do. {@link #ADMIN} includes every other scope. */
public enum Scope {
  /** Health metrics and backend events in. */
  EVENTS_WRITE("events:write"),
  /** Customers and CSMs created and changed. */
  CUSTOMERS_WRITE("customers:write"),
  /** Playbooks started, stopped, and outcomes recorded. */
  PLAYBOOKS_WRITE("playbooks:write"),
  /** Every read of customers, runs, reports and templates. */
  READ("read"),
  /**
   * The playbook-editor permission: drafts and publishes the health model (people: admins, who have
   * every permission; managers may draft).
   */
  PLAYBOOK_EDITOR("playbook-editor"),
  /** Operations: metrics and the Temporal payload codec. */
  OPS("ops"),
  /** Keys, people, audit and erasure. */
  ADMIN("admin");

  private final String id;

  Scope(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static Optional<Scope> fromId(String id) {
    return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
  }

  public static java.util.List<String> ids() {
    return Arrays.stream(values()).map(Scope::id).toList();
  }
}
