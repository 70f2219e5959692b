package dev.retention.data.privacy;

/**
 * The marks an erasure leaves, as the writers of each table check them (see {@link PersonalData}):
 * what an erased text reads, and the SQL that tells a write whether its customer was erased since
 * its run started. Apart from PersonalData so that a table's owner (the timeline's, say) can use
 * them without depending on the erasure that uses that owner.
 */
public final class Tombstone {

  /** What an erased text reads. */
  public static final String ERASED = "[erased]";

  /**
   * SQL, true when the customer's personal data was erased at or after the run with id {@code :r}
   * started (no projection row: any erasure counts). For an insert that selects {@code from
   * customers c where c.id = :c for key share}: the lock waits for an erasure in progress, and the
   * row it returns is then the erased one (PostgreSQL re-reads a row locked after a concurrent
   * update), so a write that lands after the erasure sees its tombstone.
   */
  public static final String ERASED_FOR_RUN =
      "(c.personal_data_erased_at is not null and c.personal_data_erased_at >= coalesce((select"
          + " p.started_at from playbook_runs p where p.run_id = :r), '-infinity'::timestamptz))";

  /** The same for a run whose start is the parameter {@code :runStartedAt}. */
  public static final String ERASED_SINCE_START =
      "(c.personal_data_erased_at is not null and c.personal_data_erased_at >= :runStartedAt)";

  private Tombstone() {}
}
