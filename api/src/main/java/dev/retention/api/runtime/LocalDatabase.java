package dev.retention.api.runtime;

/** A database the app runs itself (the embedded PostgreSQL), described for the start-up block. */
@FunctionalInterface
interface LocalDatabase {
  String describe();
}
