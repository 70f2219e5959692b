package dev.retention.api.bench;

import dev.retention.data.ledger.Timeline;
import dev.retention.data.scoring.BatchScoring;
import dev.retention.data.scoring.HealthMetrics;
import dev.retention.data.scoring.HealthModels;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A week's metrics for {@code n} customers, each way they can get in, against the limits
 * (the batch path at least 0.7× the same scoring set-based in SQL in every pair, and a million
 * customers in at most 120 s on two cores):
 *
 * <ul>
 *   <li>the batch path: {@code POST /api/metrics/batch}, up to 10 000 records a request,
 *       validation, set-based scoring, and the per-customer rules with the crossings' at-risk runs
 *       started;
 *   <li>the yardstick: the same records scored by {@link BatchScoring} in one statement straight
 *       into the app's database, without HTTP, JSON or the playbook rules (the floor);
 *   <li>single posts: {@code POST /api/customers/{id}/metrics}, a sample, extrapolated.
 * </ul>
 *
 * The two sides take turns in pairs, each on customers of its own that were never scored (same
 * metrics, the same share of crossings), the yardstick first in each pair and only once the worker
 * is idle (every run the previous batch started waits for a later day), so neither side finds the
 * other's work in progress or its customers already scored. The customers are created first,
 * through {@code POST /api/customers/batch}.
 */
final class MetricsIngest {

  static final int BATCH = 10_000;
  private static final int MILLION = 1_000_000;
  private static final Pattern SCORED = Pattern.compile("\"scored\":(\\d+)");
  private static final Pattern STARTED = Pattern.compile("\"started\":\\[([^\\]]*)\\]");

  private final BenchApp app;
  private final double crossing;
  private final int concurrency;

  MetricsIngest(BenchApp app, double crossing, int concurrency) {
    this.app = app;
    this.crossing = crossing;
    this.concurrency = concurrency;
  }

  static String id(int i) {
    return "bench-" + i;
  }

  List<Figure> measure(int n, int sample) throws Exception {
    int pairs = Math.max(1, Integer.getInteger("bench.pairs", 5));
    int chunk = Math.max(1, n / (2 * pairs));
    int total = 2 * pairs * chunk;
    BenchHttp http = app.http;
    List<Figure> figures = new ArrayList<>();
    http.send("PUT", "/api/csms/" + BenchData.CSM_ID, BenchData.csm());
    long t0 = System.nanoTime();
    BenchHttp.forEachRange(
        total,
        BATCH,
        concurrency,
        (from, to) ->
            http.send(
                "POST", "/api/customers/batch", BenchData.customers(from, to, MetricsIngest::id)));
    figures.add(
        rate(
            "customers, batch path (" + BenchData.fmt(total) + ")",
            total,
            BenchData.seconds(t0),
            false,
            false));

    DataSource db = app.database();
    JdbcClient jdbc = JdbcClient.create(db);
    TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(db));
    BatchScoring scoring =
        new BatchScoring(
            jdbc,
            tx,
            Clock.systemUTC(),
            new HealthModels(jdbc, tx, Clock.systemUTC()),
            new Timeline(jdbc));
    double sqlSeconds = 0;
    double batchSeconds = 0;
    double[] ratios = new double[pairs];
    long started = 0;
    for (int p = 0; p < pairs; p++) {
      int sqlFrom = 2 * p * chunk;
      int batchFrom = sqlFrom + chunk;
      List<BatchScoring.Reported> reported = new ArrayList<>(chunk);
      for (int i = sqlFrom; i < sqlFrom + chunk; i++) {
        reported.add(new BatchScoring.Reported(id(i), metricsOf(i, sqlFrom)));
      }
      awaitIdleWorker();
      long s = System.nanoTime();
      scoring.recordAll(reported);
      double sql = BenchData.seconds(s);
      awaitIdleWorker();
      long b = System.nanoTime();
      started += batch(batchFrom, batchFrom + chunk);
      double batch = BenchData.seconds(b);
      sqlSeconds += sql;
      batchSeconds += batch;
      ratios[p] = sql / batch;
    }
    int scoredEach = pairs * chunk;
    figures.add(
        rate(
            "metrics, set-based SQL, the yardstick ("
                + BenchData.fmt(scoredEach)
                + " in "
                + pairs
                + " turns of "
                + BenchData.fmt(chunk)
                + ", one scoring round each)",
            scoredEach,
            sqlSeconds,
            true,
            false));
    figures.add(
        rate(
            "metrics, batch path ("
                + BenchData.fmt(scoredEach)
                + " in "
                + pairs
                + " turns; "
                + BenchData.fmt(started)
                + " at-risk runs started)",
            scoredEach,
            batchSeconds,
            true,
            true));
    double[] sorted = ratios.clone();
    java.util.Arrays.sort(sorted);
    figures.add(
        Figure.held(
            "metrics, batch path / set-based SQL, per pair",
            Figure.format(
                "worst %.2f x, median %.2f x (%s)",
                sorted[0],
                sorted[sorted.length / 2],
                java.util.Arrays.stream(ratios)
                    .mapToObj(r -> Figure.format("%.2f", r))
                    .collect(java.util.stream.Collectors.joining(" "))),
            ">= 0.70 x in every pair",
            sorted[0] >= 0.7));

    long t3 = System.nanoTime();
    BenchHttp.forEachRange(
        sample,
        1,
        concurrency * 4,
        (from, to) ->
            http.send(
                "POST",
                "/api/customers/" + id(from) + "/metrics",
                BenchData.metric(BenchData.healthy(from), null)));
    figures.add(
        rate(
            "metrics, single posts (a sample of " + BenchData.fmt(sample) + ")",
            sample,
            BenchData.seconds(t3),
            true,
            false));
    return figures;
  }

  /** The customers {@code from} … {@code to - 1} through the batch path; answers runs started. */
  private long batch(int from, int to) throws Exception {
    AtomicLong scored = new AtomicLong();
    AtomicLong started = new AtomicLong();
    int size = Math.min(BATCH, Math.max(1, (to - from + concurrency - 1) / concurrency));
    BenchHttp.forEachRange(
        to - from,
        size,
        concurrency,
        (f, t) -> {
          String answer =
              app.http.send("POST", "/api/metrics/batch", metrics(from + f, from + t, from));
          Matcher m = SCORED.matcher(answer);
          if (m.find()) {
            scored.addAndGet(Long.parseLong(m.group(1)));
          }
          Matcher s = STARTED.matcher(answer);
          if (s.find() && !s.group(1).isBlank()) {
            started.addAndGet(s.group(1).split(",").length);
          }
        });
    if (scored.get() != to - from) {
      throw new IllegalStateException("scored " + scored + " of " + (to - from));
    }
    return started.get();
  }

  /**
   * Until every run the app has started waits for a later step (its projection says so), or two
   * minutes: the worker is idle then.
   */
  private void awaitIdleWorker() throws InterruptedException {
    JdbcClient jdbc = JdbcClient.create(app.database());
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline
        && jdbc.sql(
                    "select count(*) from playbook_runs where status = 'RUNNING'"
                        + " and (next_step_at is null or next_step_at < now() + interval '1 hour')")
                .query(Long.class)
                .single()
            > 0) {
      Thread.sleep(200);
    }
  }

  /**
   * Customer {@code i}'s metrics, {@code i - first} its place in its side's turn: healthy but for
   * every 1/crossing-th customer, at risk (46), so their at-risk runs start. Both sides of a pair
   * score the same metrics in the same places.
   */
  private HealthMetrics metricsOf(int i, int first) {
    int every = crossing <= 0 ? Integer.MAX_VALUE : (int) Math.round(1 / crossing);
    return (i - first) % every == 0 ? BenchData.atRisk() : BenchData.healthy(i - first);
  }

  private String metrics(int from, int to, int first) {
    StringBuilder b = new StringBuilder("[");
    for (int i = from; i < to; i++) {
      b.append(i == from ? "" : ",").append(BenchData.metric(metricsOf(i, first), id(i)));
    }
    return b.append(']').toString();
  }

  /**
   * A rate; with {@code million}, how long a million customers would take at it; with {@code held},
   * held against the limit (the batch path: what a backend is to use; the others compare).
   */
  private static Figure rate(String what, long n, double seconds, boolean million, boolean held) {
    double perSecond = n / seconds;
    double millionSeconds = MILLION / perSecond;
    String measured =
        Figure.format(
            "%.1f s, %s/s%s",
            seconds,
            BenchData.fmt(Math.round(perSecond)),
            million ? Figure.format("; a million in %.0f s", millionSeconds) : "");
    return held
        ? Figure.held(what, measured, "a million in <= 120 s", millionSeconds <= 120)
        : Figure.info(what, measured);
  }
}
