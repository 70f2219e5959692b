package dev.retention.api.bench;

import dev.retention.data.ledger.Timeline;
import dev.retention.data.scoring.BatchScoring;
import dev.retention.data.scoring.HealthModels;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A week's metrics for {@code n} customers, each way they can get in, against the limit (a
 * million customers scored in at most 10 minutes on two cores):
 *
 * <ul>
 *   <li>the batch path: {@code POST /api/metrics/batch}, 10 000 records a request, validation,
 *       set-based scoring, and the per-customer rules with the crossings' at-risk runs started;
 *   <li>the same SQL set-based: {@link BatchScoring} over every customer in one statement, straight
 *       into the app's database, without HTTP, JSON or the playbook rules (the floor);
 *   <li>single posts: {@code POST /api/customers/{id}/metrics}, a sample, extrapolated.
 * </ul>
 *
 * The customers are created first, through {@code POST /api/customers/batch}.
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
    BenchHttp http = app.http;
    List<Figure> figures = new ArrayList<>();
    http.send("PUT", "/api/csms/" + BenchData.CSM_ID, BenchData.csm());
    long t0 = System.nanoTime();
    BenchHttp.forEachRange(
        n,
        BATCH,
        concurrency,
        (from, to) ->
            http.send(
                "POST", "/api/customers/batch", BenchData.customers(from, to, MetricsIngest::id)));
    figures.add(
        rate(
            "customers, batch path (" + BenchData.fmt(n) + ")",
            n,
            BenchData.seconds(t0),
            false,
            false));

    AtomicLong scored = new AtomicLong();
    AtomicLong started = new AtomicLong();
    long t1 = System.nanoTime();
    BenchHttp.forEachRange(
        n,
        BATCH,
        concurrency,
        (from, to) -> {
          String answer = http.send("POST", "/api/metrics/batch", metrics(from, to));
          Matcher m = SCORED.matcher(answer);
          if (m.find()) {
            scored.addAndGet(Long.parseLong(m.group(1)));
          }
          Matcher s = STARTED.matcher(answer);
          if (s.find() && !s.group(1).isBlank()) {
            started.addAndGet(s.group(1).split(",").length);
          }
        });
    double batchSeconds = BenchData.seconds(t1);
    if (scored.get() != n) {
      throw new IllegalStateException("scored " + scored + " of " + n);
    }
    figures.add(
        rate(
            "metrics, batch path ("
                + BenchData.fmt(n)
                + "; "
                + BenchData.fmt(started.get())
                + " at-risk runs started)",
            n,
            batchSeconds,
            true,
            true));

    List<BatchScoring.Reported> all = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      all.add(new BatchScoring.Reported(id(i), BenchData.healthy(i)));
    }
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
    long t2 = System.nanoTime();
    scoring.recordAll(all);
    figures.add(
        rate(
            "metrics, the same SQL set-based (" + BenchData.fmt(n) + ", one statement)",
            n,
            BenchData.seconds(t2),
            true,
            false));

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

  /** Healthy but for every 1/crossing-th customer: at risk (46), so their at-risk runs start. */
  private String metrics(int from, int to) {
    int every = crossing <= 0 ? Integer.MAX_VALUE : (int) Math.round(1 / crossing);
    StringBuilder b = new StringBuilder("[");
    for (int i = from; i < to; i++) {
      b.append(i == from ? "" : ",")
          .append(
              BenchData.metric(i % every == 0 ? BenchData.atRisk() : BenchData.healthy(i), id(i)));
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
        ? Figure.held(what, measured, "a million in <= 600 s", millionSeconds <= 600)
        : Figure.info(what, measured);
  }
}
