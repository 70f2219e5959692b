package dev.retention.data.reports;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reports for a CS lead, computed in SQL over the run projection and the NPS answers, for runs
 * started (answers given) in [from, to), over the runs of some CSMs ({@code csmIds}; null for every
 * CSM's). A run counts for the CSM it was started for (the projection's {@code csm_id}: the
 * customer's CSM at the start), an NPS answer for the customer's CSM.
 */
@Repository
public class Reports {

  public static final List<String> PLAYBOOKS =
      List.of(
          "at-risk",
          "expansion",
          "onboarding",
          "nps-follow-up",
          "cancellation-save",
          "trial-conversion");

  /** The playbooks whose success is an upgrade: their reports give the upgrade rate. */
  public static final java.util.Set<String> UPGRADES =
      java.util.Set.of("expansion", "trial-conversion");

  /**
   * One playbook's numbers. Rates are over runs with a decided outcome, leaving out runs that were
   * {@code CANCELLED} or {@code SUPERSEDED} (they say nothing about the playbook); null when there
   * are none.
   */
  public record PlaybookReport(
      String playbook,
      long started,
      long running,
      Map<String, Long> outcomes,
      Double saveRate,
      Double upgradeRate) {}

  /**
   * One A/B experiment of a playbook (a split in its definition): its variants, and which rate
   * compares them: {@code saveRate} for at-risk and cancellation-save, {@code upgradeRate} for
   * expansion and any playbook whose final outcomes include {@code UPGRADED}, else null.
   */
  public record ExperimentReport(
      String playbook, String experiment, String rate, List<VariantReport> variants) {}

  /**
   * One variant's runs started in the window: how many, how many still run, how many per outcome,
   * the runs the rate is computed on ({@code decided}: an outcome other than {@code CANCELLED} or
   * {@code SUPERSEDED}, as in the playbook report), how many of those count as a success (saved or
   * upgraded), the rate, and its 95% Wilson score interval (null without a rate).
   */
  public record VariantReport(
      String variant,
      long runs,
      long running,
      Map<String, Long> outcomes,
      long decided,
      long successes,
      Double rate,
      Interval interval) {}

  /** A confidence interval, low and high, as fractions (0.2366 is 23.66%). */
  public record Interval(double low, double high) {}

  /** The z of a two-sided 95% interval. */
  static final double Z95 = 1.959963984540054;

  /**
   * The Wilson score interval for {@code successes} out of {@code n} at {@code z}: unlike the
   * normal approximation it stays within [0, 1] and is honest for small n and rates near 0 or 1.
   * Null when {@code n} is 0. Rounded to four decimals.
   */
  public static Interval wilson(long successes, long n, double z) {
    if (n == 0) {
      return null;
    }
    double p = successes / (double) n;
    double z2 = z * z;
    double denominator = 1 + z2 / n;
    double center = (p + z2 / (2.0 * n)) / denominator;
    double half = z / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return new Interval(round(Math.max(0, center - half)), round(Math.min(1, center + half)));
  }

  private static double round(double value) {
    return Math.round(value * 10000.0) / 10000.0;
  }

  /**
   * Per playbook, experiment and variant (the runs' recorded A/B variants), over runs started in
   * [from, to), optionally of one playbook, with the rate the playbook is judged by.
   */
  public List<ExperimentReport> experiments(
      Instant from, Instant to, String playbook, List<String> csmIds) {
    Set<String> upgrades = upgradePlaybooks();
    // playbook -> experiment -> variant -> {runs, running, decided, successes}, and outcomes
    Map<String, Map<String, Map<String, long[]>>> counts = new TreeMap<>();
    Map<String, Map<String, Long>> outcomes = new LinkedHashMap<>();
    jdbc.sql(
            """
            select r.playbook, v.experiment, v.variant, r.outcome, count(*) as runs,
              count(*) filter (where r.status = 'RUNNING') as running
            from playbook_run_variants v join playbook_runs r on r.run_id = v.run_id
            where r.started_at >= :from and r.started_at < :to
              and (cast(:playbook as text) is null or r.playbook = :playbook) and %s
            group by r.playbook, v.experiment, v.variant, r.outcome
            """
                .formatted(runScope(csmIds)))
        .param("from", Timestamp.from(from))
        .param("to", Timestamp.from(to))
        .param("playbook", playbook)
        .param("csms", csms(csmIds))
        .query(
            rs -> {
              String p = rs.getString("playbook");
              String experiment = rs.getString("experiment");
              String variant = rs.getString("variant");
              String outcome = rs.getString("outcome");
              long runs = rs.getLong("runs");
              long[] c =
                  counts
                      .computeIfAbsent(p, k -> new TreeMap<>())
                      .computeIfAbsent(experiment, k -> new TreeMap<>())
                      .computeIfAbsent(variant, k -> new long[4]);
              c[0] += runs;
              c[1] += rs.getLong("running");
              if (outcome == null) {
                return;
              }
              outcomes
                  .computeIfAbsent(p + "\n" + experiment + "\n" + variant, k -> new TreeMap<>())
                  .put(outcome, runs);
              if (!outcome.equals("CANCELLED") && !outcome.equals("SUPERSEDED")) {
                c[2] += runs;
                if (success(p, outcome, upgrades)) {
                  c[3] += runs;
                }
              }
            });
    return experimentReports(counts, outcomes, upgrades);
  }

  /** The playbooks judged by upgrades: expansion, and every definition that can end UPGRADED. */
  private Set<String> upgradePlaybooks() {
    Set<String> upgrades = new HashSet<>(List.of("expansion"));
    upgrades.addAll(
        jdbc.sql(
                """
                select distinct playbook_id from playbook_definition_versions
                where definition -> 'finalOutcomes' @> '["UPGRADED"]'::jsonb
                """)
            .query(String.class)
            .list());
    return upgrades;
  }

  private static List<ExperimentReport> experimentReports(
      Map<String, Map<String, Map<String, long[]>>> counts,
      Map<String, Map<String, Long>> outcomes,
      Set<String> upgrades) {
    List<ExperimentReport> reports = new ArrayList<>();
    counts.forEach(
        (p, experiments) ->
            experiments.forEach(
                (experiment, variants) -> {
                  String rate = rateOf(p, upgrades);
                  List<VariantReport> list = new ArrayList<>();
                  variants.forEach(
                      (variant, c) ->
                          list.add(
                              new VariantReport(
                                  variant,
                                  c[0],
                                  c[1],
                                  outcomes.getOrDefault(
                                      p + "\n" + experiment + "\n" + variant, Map.of()),
                                  c[2],
                                  rate == null ? 0 : c[3],
                                  rate == null ? null : rate(c[3], c[2]),
                                  rate == null ? null : wilson(c[3], c[2], Z95))));
                  reports.add(new ExperimentReport(p, experiment, rate, list));
                }));
    return reports;
  }

  /** Saves count for at-risk and cancellation-save (as in the playbook report), else upgrades. */
  private static boolean saves(String playbook) {
    return playbook.equals("at-risk") || playbook.equals("cancellation-save");
  }

  private static String rateOf(String playbook, Set<String> upgrades) {
    if (saves(playbook)) {
      return "saveRate";
    }
    return upgrades.contains(playbook) ? "upgradeRate" : null;
  }

  private static boolean success(String playbook, String outcome, Set<String> upgrades) {
    if (saves(playbook)) {
      return outcome.equals("SAVED") || (playbook.equals("at-risk") && outcome.equals("RECOVERED"));
    }
    return upgrades.contains(playbook) && outcome.equals("UPGRADED");
  }

  public record NpsReport(
      long responses, long promoters, long passives, long detractors, Integer nps) {}

  public record OnboardingReport(
      long started,
      long completed,
      long closed,
      Double completionRate,
      long reachedFirstValue,
      Duration medianTimeToFirstValue,
      Double firstValueWithin24HoursRate) {}

  /**
   * Only the runs of {@code :csms}, or every run: two statements rather than one with a {@code
   * :scoped} switch, so the scoped one can read a team's runs by the (csm_id, started_at) index (10
   * of 200 CSMs over 500 000 runs: 10 ms). The ids are a set, not {@code = any(:csms)}: over a
   * bound array that is a linear search per run (85 ms for 200 CSMs over 50 000 runs, against 15).
   */
  private static String runScope(List<String> csmIds) {
    return csmIds == null ? "true" : "csm_id in (select unnest(cast(:csms as text[])))";
  }

  private final JdbcClient jdbc;

  public Reports(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public List<PlaybookReport> playbooks(Instant from, Instant to, List<String> csmIds) {
    // started, running, decided (an outcome other than CANCELLED/SUPERSEDED), saved, upgraded
    Map<String, long[]> counts = new LinkedHashMap<>();
    Map<String, Map<String, Long>> outcomes = new LinkedHashMap<>();
    PLAYBOOKS.forEach(
        p -> {
          counts.put(p, new long[5]);
          outcomes.put(p, new LinkedHashMap<>());
        });
    // One pass over the window: runs per playbook and outcome (null while running); the totals
    // and rates are sums of these groups.
    jdbc.sql(
            """
            select playbook, outcome, count(*) as runs,
              count(*) filter (where status = 'RUNNING') as running
            from playbook_runs
            where started_at >= :from and started_at < :to and %s
            group by playbook, outcome order by playbook, outcome
            """
                .formatted(runScope(csmIds)))
        .param("from", Timestamp.from(from))
        .param("to", Timestamp.from(to))
        .param("csms", csms(csmIds))
        .query(
            rs -> {
              String playbook = rs.getString("playbook");
              String outcome = rs.getString("outcome");
              long runs = rs.getLong("runs");
              long[] c = counts.computeIfAbsent(playbook, p -> new long[5]);
              c[0] += runs;
              c[1] += rs.getLong("running");
              if (outcome == null) {
                return;
              }
              outcomes.computeIfAbsent(playbook, p -> new LinkedHashMap<>()).put(outcome, runs);
              if (!outcome.equals("CANCELLED") && !outcome.equals("SUPERSEDED")) {
                c[2] += runs;
              }
              if (outcome.equals("SAVED")
                  || (playbook.equals("at-risk") && outcome.equals("RECOVERED"))) {
                c[3] += runs;
              }
              if (outcome.equals("UPGRADED")) {
                c[4] += runs;
              }
            });
    return playbookReports(counts, outcomes);
  }

  private static List<PlaybookReport> playbookReports(
      Map<String, long[]> counts, Map<String, Map<String, Long>> outcomes) {
    return counts.entrySet().stream()
        .map(
            e -> {
              String playbook = e.getKey();
              long[] c = e.getValue();
              boolean saves = playbook.equals("at-risk") || playbook.equals("cancellation-save");
              return new PlaybookReport(
                  playbook,
                  c[0],
                  c[1],
                  outcomes.getOrDefault(playbook, Map.of()),
                  saves ? rate(c[3], c[2]) : null,
                  UPGRADES.contains(playbook) ? rate(c[4], c[2]) : null);
            })
        .toList();
  }

  public NpsReport nps(Instant from, Instant to, List<String> csmIds) {
    return jdbc.sql(
            """
            select count(*) as responses,
              count(*) filter (where score >= 9) as promoters,
              count(*) filter (where score between 7 and 8) as passives,
              count(*) filter (where score <= 6) as detractors,
              round(100.0 * (count(*) filter (where score >= 9) - count(*) filter (where score <= 6))
                / nullif(count(*), 0))::integer as nps
            from nps_responses
            where responded_at >= :from and responded_at < :to
              -- The customers of these CSMs as a hashed set, read once: as a semi join, a generic
              -- plan guessing a small window made it a nested loop over every answer, 10x slower.
              and (cast(:scoped as boolean) is false or customer_id in
                (select id from customers where csm_id = any(cast(:csms as text[]))))
            """)
        .param("from", Timestamp.from(from))
        .param("to", Timestamp.from(to))
        .param("scoped", csmIds != null)
        .param("csms", csms(csmIds))
        .query(
            (rs, i) ->
                new NpsReport(
                    rs.getLong("responses"),
                    rs.getLong("promoters"),
                    rs.getLong("passives"),
                    rs.getLong("detractors"),
                    rs.getObject("nps", Integer.class)))
        .single();
  }

  public OnboardingReport onboarding(Instant from, Instant to, List<String> csmIds) {
    return jdbc.sql(
            """
            select count(*) as started,
              count(*) filter (where outcome = 'COMPLETED') as completed,
              count(*) filter (where outcome is not null
                and outcome not in ('CANCELLED', 'SUPERSEDED')) as closed,
              count(first_value_at) as reached,
              percentile_cont(0.5) within group (
                order by extract(epoch from first_value_at - coalesce(run_started_at, started_at)))
                filter (where first_value_at is not null) as median_seconds,
              count(*) filter (
                where first_value_at - coalesce(run_started_at, started_at) <= interval '24 hours')
                as fast
            from playbook_runs
            where playbook = 'onboarding' and started_at >= :from and started_at < :to and %s
            """
                .formatted(runScope(csmIds)))
        .param("from", Timestamp.from(from))
        .param("to", Timestamp.from(to))
        .param("csms", csms(csmIds))
        .query(
            (rs, i) -> {
              Double median = rs.getObject("median_seconds", Double.class);
              long reached = rs.getLong("reached");
              return new OnboardingReport(
                  rs.getLong("started"),
                  rs.getLong("completed"),
                  rs.getLong("closed"),
                  rate(rs.getLong("completed"), rs.getLong("closed")),
                  reached,
                  median == null ? null : Duration.ofMillis(Math.round(median * 1000)),
                  rate(rs.getLong("fast"), reached));
            })
        .single();
  }

  private static String[] csms(List<String> csmIds) {
    return csmIds == null ? new String[0] : csmIds.toArray(String[]::new);
  }

  private static Double rate(long part, long whole) {
    return whole == 0 ? null : Math.round(10000.0 * part / whole) / 10000.0;
  }
}
