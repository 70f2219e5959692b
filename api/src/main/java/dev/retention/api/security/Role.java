package dev.retention.api.security;

/** What a person who logs in is: a CSM sees their customers, a manager the team's, an admin all. */
public enum Role {
  CSM,
  MANAGER,
  ADMIN
}
