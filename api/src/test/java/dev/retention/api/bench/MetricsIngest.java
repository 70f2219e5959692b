package dev.retention.api.bench;

import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.ledger.Timeline;
import dev.retention.data.scoring.BatchScoring;
import dev.retention.data.scoring.HealthMetrics;
import dev.retention.data.scoring.HealthModels;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 *   <li>the batch path with {@code Prefer: respond-async}: {@code POST /api/metrics/batch}, up to
 *       10 000 records a request, validation, set-based scoring with the crossings' at-risk runs
 *       queued in its transaction, and the running runs informed; it answers before the queued runs
 *       start, so the time until the last of them has started is printed beside it;
 *   <li>the same batch path without the preference, answering once it has started its runs itself
 *       (printed, not held: its starts wait on Temporal's start rate);
 *   <li>the yardstick: the same records scored by {@link BatchScoring} straight into the app's
 *       database, without HTTP, JSON or the playbook rules (the floor; its rounds lock and read the
 *       customers' rows as the batch path's do), split as the batch path's requests are and as many
 *       statements at once as it sends requests at once (one statement for all of a turn would
 *       leave the second core to the batch path alone);
 *   <li>single posts: {@code POST /api/customers/{id}/metrics}, a sample, extrapolated.
 * </ul>
 *
 * A round of each side, not measured, warms both processes up first. The sides take turns in each
 * pair, each on customers of its own that were never scored (same metrics, the same share of
 * crossings), the yardstick first and each side only once the worker is idle (every run the
 * previous side queued has started and waits for a later day), so no side finds another's work in
 * progress or its customers already scored. The customers are created first, through {@code POST
 * /api/customers/batch}.
 */
final class MetricsIngest {

  static final int BATCH = 10_000;
  private static final int MILLION = 1_000_000;
  private static final Pattern SCORED = Pattern.compile("\"scored\":(\\d+)");
  private static final Pattern STARTED = Pattern.compile("\"started\":\\[([^\\]]*)\\]");
  private static final Pattern QUEUED = Pattern.compile("\"queued\":\\[([^\\]]*)\\]");

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
    // A warm-up round (each side once, not measured) before the pairs, on customers of its own.
    int chunk = Math.max(1, n / (3 * (pairs + 1)));
    int total = 3 * (pairs + 1) * chunk;
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
            new Timeline(jdbc),
            new CustomerDirectory(jdbc));
    Side sql = new Side(pairs);
    Side async = new Side(pairs);
    Side sync = new Side(pairs);
    double drainSeconds = 0;
    Side warmUp = new Side(1);
    for (int p = -1; p < pairs; p++) {
      int round = p + 1;
      int sqlFrom = 3 * round * chunk;
      int asyncFrom = sqlFrom + chunk;
      int syncFrom = asyncFrom + chunk;
      List<BatchScoring.Reported> reported = new ArrayList<>(chunk);
      for (int i = sqlFrom; i < sqlFrom + chunk; i++) {
        reported.add(new BatchScoring.Reported(id(i), metricsOf(i, sqlFrom)));
      }
      awaitIdleWorker();
      long s = System.nanoTime();
      BenchHttp.forEachRange(
          chunk,
          requestSize(chunk),
          concurrency,
          (f, t) -> scoring.recordAll(reported.subList(f, t)));
      (p < 0 ? warmUp : sql).add(Math.max(p, 0), BenchData.seconds(s), 0);
      awaitIdleWorker();
      long a = System.nanoTime();
      Sent answered = batch(asyncFrom, asyncFrom + chunk, true);
      (p < 0 ? warmUp : async).add(Math.max(p, 0), BenchData.seconds(a), answered.queued());
      awaitQueueDrained();
      drainSeconds += p < 0 ? 0 : BenchData.seconds(a);
      awaitIdleWorker();
      long b = System.nanoTime();
      long started = batch(syncFrom, syncFrom + chunk, false).started();
      (p < 0 ? warmUp : sync).add(Math.max(p, 0), BenchData.seconds(b), started);
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
                + ", "
                + concurrency
                + " statements of "
                + BenchData.fmt(requestSize(chunk))
                + " at once)",
            scoredEach,
            sql.seconds,
            true,
            false));
    figures.add(
        rate(
            "metrics, batch path, Prefer: respond-async ("
                + BenchData.fmt(scoredEach)
                + " in "
                + pairs
                + " turns; "
                + BenchData.fmt(async.runs)
                + " at-risk runs queued)",
            scoredEach,
            async.seconds,
            true,
            true));
    figures.add(ratios("metrics, batch path, respond-async / set-based SQL", sql, async, true));
    figures.add(
        Figure.info(
            "the runs those batches queued, all started",
            Figure.format(
                "%s runs, the last %.1f s after its batch began (answered after %.1f s): %.0f/s",
                BenchData.fmt(async.runs),
                drainSeconds,
                async.seconds,
                async.runs / drainSeconds)));
    figures.add(
        rate(
            "metrics, batch path answering once its runs started ("
                + BenchData.fmt(scoredEach)
                + " in "
                + pairs
                + " turns; "
                + BenchData.fmt(sync.runs)
                + " at-risk runs started)",
            scoredEach,
            sync.seconds,
            true,
            false));
    figures.add(
        ratios("metrics, batch path answering once started / set-based SQL", sql, sync, false));

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

  /** What a side's batches answered: runs started (or queued, with respond-async). */
  private record Sent(long started, long queued) {}

  /** One side's seconds and runs, in total and per pair. */
  private static final class Side {
    final double[] perPair;
    double seconds;
    long runs;

    Side(int pairs) {
      perPair = new double[pairs];
    }

    void add(int pair, double s, long r) {
      perPair[pair] = s;
      seconds += s;
      runs += r;
    }
  }

  /** The yardstick's seconds over the side's, per pair: worst, median, each. */
  private static Figure ratios(String what, Side yardstick, Side side, boolean held) {
    double[] ratios = new double[side.perPair.length];
    for (int p = 0; p < ratios.length; p++) {
      ratios[p] = yardstick.perPair[p] / side.perPair[p];
    }
    double[] sorted = ratios.clone();
    java.util.Arrays.sort(sorted);
    String measured =
        Figure.format(
            "worst %.2f x, median %.2f x (%s)",
            sorted[0],
            sorted[sorted.length / 2],
            java.util.Arrays.stream(ratios)
                .mapToObj(r -> Figure.format("%.2f", r))
                .collect(java.util.stream.Collectors.joining(" ")));
    return held
        ? Figure.held(what + ", per pair", measured, ">= 0.70 x in every pair", sorted[0] >= 0.7)
        : Figure.info(what + ", per pair", measured);
  }

  /**
   * The customers {@code from} … {@code to - 1} through the batch path, with {@code Prefer:
   * respond-async} or without.
   */
  private Sent batch(int from, int to, boolean respondAsync) throws Exception {
    AtomicLong scored = new AtomicLong();
    AtomicLong started = new AtomicLong();
    AtomicLong queued = new AtomicLong();
    Map<String, String> headers = respondAsync ? Map.of("Prefer", "respond-async") : Map.of();
    BenchHttp.forEachRange(
        to - from,
        requestSize(to - from),
        concurrency,
        (f, t) -> {
          String answer =
              app.http.send(
                  "POST", "/api/metrics/batch", metrics(from + f, from + t, from), headers);
          Matcher m = SCORED.matcher(answer);
          if (m.find()) {
            scored.addAndGet(Long.parseLong(m.group(1)));
          }
          started.addAndGet(count(STARTED, answer));
          queued.addAndGet(count(QUEUED, answer));
        });
    if (scored.get() != to - from) {
      throw new IllegalStateException("scored " + scored + " of " + (to - from));
    }
    return new Sent(started.get(), queued.get());
  }

  /**
   * How many records go in one request (and in one of the yardstick's statements): a side's turn
   * split evenly over the requests sent at once, at most {@link #BATCH} each.
   */
  private int requestSize(int turn) {
    return Math.min(BATCH, Math.max(1, (turn + concurrency - 1) / concurrency));
  }

  private static long count(Pattern list, String answer) {
    Matcher m = list.matcher(answer);
    return m.find() && !m.group(1).isBlank() ? m.group(1).split(",", -1).length : 0;
  }

  /** Until the app has started every run its batches queued, or five minutes. */
  private void awaitQueueDrained() throws InterruptedException {
    JdbcClient jdbc = JdbcClient.create(app.database());
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (jdbc.sql("select count(*) from queued_starts").query(Long.class).single() > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("queued starts not all made within five minutes");
      }
      Thread.sleep(20);
    }
  }

  /**
   * Until every run the batches queued has started and every run the app has started waits for a
   * later step (its projection says so), or two minutes: the worker is idle then.
   */
  private void awaitIdleWorker() throws InterruptedException {
    JdbcClient jdbc = JdbcClient.create(app.database());
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline
        && jdbc.sql(
                    "select (select count(*) from queued_starts) + (select count(*) from"
                        + " playbook_runs where status = 'RUNNING' and (next_step_at is null or"
                        + " next_step_at < now() + interval '1 hour'))")
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
