package dev.retention.api.console;

import java.util.List;
import java.util.Map;

/**
 * The dry-run panel beside the playbook editor: what a definition would do to a customer, as a
 * timeline. The console calls it in the app, never over HTTP.
 */
public interface ConsoleDryRun {

  /**
   * One entry of the timeline: its offset from the start, day, time, kind and the rest in words.
   */
  record Row(String offset, String day, String at, String kind, String details) {}

  /** The timeline a dry-run produced, and how the run ended (or stands). */
  record Result(
      List<Row> timeline, String status, String stage, String outcome, String outcomeReason) {}

  /**
   * What runs a dry-run: takes the body of {@code POST /api/playbooks/dry-run} ({@code playbook,
   * customerId, events, yaml}) as a map and answers its answer ({@code timeline, status, stage,
   * outcome, outcomeReason}) as a map. Without a bean of this type the panel says the dry-run is
   * not available.
   */
  @FunctionalInterface
  interface Engine {
    Map<String, Object> dryRun(Map<String, Object> body);
  }

  /** Whether a dry-run engine is wired in this app. */
  boolean available();

  /**
   * Dry-runs the YAML definition of {@code playbook} for a customer, with events given one a line
   * ({@code P3D customer-responded}, {@code P5D outcome SAVED a note}, {@code P2D health 35},
   * {@code P4D milestone FIRST_QUERY}, {@code P6D upgraded Business}).
   *
   * @throws IllegalArgumentException an events line that does not read, naming its number
   * @throws IllegalStateException when no engine is wired
   */
  Result run(String playbook, String customerId, String events, String yaml);
}
