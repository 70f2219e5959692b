package dev.retention.api.bench;

import dev.retention.activities.scoring.BatchScoring;
import dev.retention.activities.scoring.HealthMetrics;
import dev.retention.activities.scoring.Sentiment;
import dev.retention.api.RetentionApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * How fast a backend's weekly metrics get in, against the limit (a million customers scored
 * in at most 10 minutes on two cores). Not a test: run it with {@code bench/batch-ingest}. For each
 * size it starts the app on its default runtime (a fresh data folder), creates the customers
 * through {@code POST /api/customers/batch}, and measures:
 *
 * <ul>
 *   <li>the batch path: {@code POST /api/metrics/batch}, 10 000 records a request, validation,
 *       set-based scoring, and the per-customer rules with the crossings' at-risk runs started;
 *   <li>the same SQL set-based: {@link BatchScoring} over every customer in one statement, in
 *       process, without HTTP, JSON or the playbook rules (the floor for this scoring);
 *   <li>single posts: {@code POST /api/customers/{id}/metrics}, a sample, extrapolated.
 * </ul>
 */
public final class BatchIngestBenchmark {

  private static final String KEY = "rpk_benchbench12_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
  private static final int BATCH = 10_000;
  private static final Pattern NUMBER = Pattern.compile("\"(scored|informed)\":(\\d+)");
  private static final Pattern STARTED = Pattern.compile("\"started\":\\[([^\\]]*)\\]");

  private BatchIngestBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    for (String a : args) {
      sizes.add(Integer.parseInt(a.replace("_", "")));
    }
    if (sizes.isEmpty()) {
      sizes = List.of(100_000, 1_000_000);
    }
    double crossing = Double.parseDouble(System.getProperty("bench.crossing", "0.01"));
    int concurrency = Integer.getInteger("bench.concurrency", 2);
    int singleSample = Integer.getInteger("bench.single-sample", 2_000);
    List<String> rows = new ArrayList<>();
    for (int n : sizes) {
      rows.addAll(run(n, crossing, concurrency, Math.min(singleSample, n)));
    }
    System.out.println();
    System.out.printf(
        "metrics ingest on %d cores; at-risk crossings %.1f%%; limit: 1 000 000 in <= 600 s%n",
        Runtime.getRuntime().availableProcessors(), crossing * 100);
    System.out.printf(
        "%-52s %10s %12s %14s %8s%n", "path", "seconds", "per second", "1M takes (s)", "limit");
    rows.forEach(System.out::println);
  }

  private static List<String> run(int n, double crossing, int concurrency, int sample)
      throws Exception {
    Path data = Files.createTempDirectory("retention-bench");
    int port = Integer.getInteger("bench.port", 18391);
    ConfigurableApplicationContext app =
        new SpringApplication(RetentionApplication.class)
            .run(
                "--server.port=" + port,
                "--retention.embedded-postgres.data-dir=" + data.resolve("postgres"),
                "--retention.dev-server.db-file=" + data.resolve("temporal.db"),
                "--retention.dev-server.port=" + Integer.getInteger("bench.temporal-port", 17693),
                "--retention.dev-server.ui-port="
                    + Integer.getInteger("bench.temporal-ui-port", 18693),
                "--retention.codec.key-file=",
                "--retention.demo-data.enabled=false",
                "--retention.security.bootstrap-admin-key=" + KEY,
                "--retention.email.unsubscribe-secret=bench-only-unsubscribe-secret-0123456789",
                "--logging.level.root=WARN",
                "--logging.level.dev.retention=WARN");
    List<String> rows = new ArrayList<>();
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      String base = "http://localhost:" + port;
      post(http, base + "/api/csms/csm-bench", "PUT", csm());
      long t0 = System.nanoTime();
      forEachBatch(
          n,
          concurrency,
          (from, to) -> post(http, base + "/api/customers/batch", "POST", customers(from, to)));
      double customersSeconds = seconds(t0);
      rows.add(row("customers, batch path (" + fmt(n) + ")", n, customersSeconds, false));

      AtomicLong scored = new AtomicLong();
      AtomicLong started = new AtomicLong();
      long t1 = System.nanoTime();
      forEachBatch(
          n,
          concurrency,
          (from, to) -> {
            String answer =
                post(http, base + "/api/metrics/batch", "POST", metrics(from, to, crossing));
            Matcher m = NUMBER.matcher(answer);
            while (m.find()) {
              if (m.group(1).equals("scored")) {
                scored.addAndGet(Long.parseLong(m.group(2)));
              }
            }
            Matcher s = STARTED.matcher(answer);
            if (s.find() && !s.group(1).isBlank()) {
              started.addAndGet(s.group(1).split(",").length);
            }
          });
      double batchSeconds = seconds(t1);
      if (scored.get() != n) {
        throw new IllegalStateException("scored " + scored + " of " + n);
      }
      rows.add(
          row(
              "metrics, batch path (" + fmt(n) + ", " + fmt(started.get()) + " runs started)",
              n,
              batchSeconds,
              true));

      // The same scoring, set-based, in one statement over every customer: the floor.
      BatchScoring scoring = app.getBean(BatchScoring.class);
      List<BatchScoring.Reported> all = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        all.add(new BatchScoring.Reported(id(i), healthy(i)));
      }
      long t2 = System.nanoTime();
      scoring.recordAll(all);
      double sqlSeconds = seconds(t2);
      rows.add(row("metrics, SQL set-based (" + fmt(n) + ", one statement)", n, sqlSeconds, true));

      // Single posts: a sample, as a backend without the batch path would send them.
      long t3 = System.nanoTime();
      forEachBatch(
          sample,
          concurrency * 4,
          1,
          (from, to) ->
              post(
                  http,
                  base + "/api/customers/" + id(from) + "/metrics",
                  "POST",
                  metric(healthy(from), null)));
      double singleSeconds = seconds(t3);
      rows.add(
          row(
              "metrics, single posts (sample of " + fmt(sample) + ")",
              sample,
              singleSeconds,
              true));
      long stored =
          JdbcClient.create(app.getBean(javax.sql.DataSource.class))
              .sql("select count(*) from health_scores")
              .query(Long.class)
              .single();
      rows.add(
          String.format(Locale.ROOT, "  (health_scores rows after this size: %s)", fmt(stored)));
    } finally {
      app.close();
    }
    return rows;
  }

  interface Range {
    void accept(int from, int to) throws Exception;
  }

  private static void forEachBatch(int n, int concurrency, Range range) throws Exception {
    forEachBatch(n, concurrency, BATCH, range);
  }

  private static void forEachBatch(int n, int concurrency, int size, Range range) throws Exception {
    try (ExecutorService pool = Executors.newFixedThreadPool(concurrency)) {
      List<Future<?>> futures = new ArrayList<>();
      for (int from = 0; from < n; from += size) {
        int f = from;
        int t = Math.min(n, from + size);
        futures.add(
            pool.submit(
                () -> {
                  range.accept(f, t);
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    }
  }

  private static String post(HttpClient http, String url, String method, String body)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(5))
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(method + " " + url + ": " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  private static String csm() {
    return "{\"name\":\"Bench CSM\",\"email\":\"bench@example.com\",\"managerEmail\":\"lead@example.com\"}";
  }

  private static String customers(int from, int to) {
    StringBuilder b = new StringBuilder("[");
    for (int i = from; i < to; i++) {
      b.append(i == from ? "" : ",")
          .append("{\"customerId\":\"")
          .append(id(i))
          .append(
              "\",\"name\":\"Bench customer\",\"email\":\"ops@bench.example\",\"csmId\":\"csm-bench\","
                  + "\"plan\":\"Growth\",\"mrr\":490,\"planUsageLimit\":10000,"
                  + "\"timezone\":\"Europe/Amsterdam\",\"locale\":\"en\"}");
    }
    return b.append(']').toString();
  }

  /** Healthy (score 86, no expansion: usage 0.5) but for every 1/crossing-th: at risk (46). */
  private static String metrics(int from, int to, double crossing) {
    int every = crossing <= 0 ? Integer.MAX_VALUE : (int) Math.round(1 / crossing);
    StringBuilder b = new StringBuilder("[");
    for (int i = from; i < to; i++) {
      b.append(i == from ? "" : ",").append(metric(i % every == 0 ? atRisk() : healthy(i), id(i)));
    }
    return b.append(']').toString();
  }

  private static String metric(HealthMetrics m, String customerId) {
    return (customerId == null ? "{" : "{\"customerId\":\"" + customerId + "\",")
        + "\"queriesPerWeek\":"
        + m.queriesPerWeek()
        + ",\"featuresUsed\":"
        + m.featuresUsed()
        + ",\"loginsPerWeek\":"
        + m.loginsPerWeek()
        + ",\"emailOpenRate\":"
        + m.emailOpenRate()
        + ",\"openTickets\":"
        + m.openTickets()
        + ",\"sentiment\":\""
        + m.sentiment()
        + "\",\"planUsage\":"
        + m.planUsage()
        + "}";
  }

  private static HealthMetrics healthy(int i) {
    return new HealthMetrics(i % 60, 5, 3, 0.6, 0, Sentiment.POSITIVE, 0.5);
  }

  private static HealthMetrics atRisk() {
    return new HealthMetrics(3, 1, 0, 0.1, 4, Sentiment.NEGATIVE, 0.2);
  }

  private static String id(int i) {
    return "bench-" + i;
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static String row(String what, long n, double seconds, boolean limited) {
    double perSecond = n / seconds;
    double million = 1_000_000 / perSecond;
    return String.format(
        Locale.ROOT,
        "%-52s %10.1f %12s %14.0f %8s",
        what,
        seconds,
        fmt(Math.round(perSecond)),
        million,
        limited ? (million <= 600 ? "OK" : "OVER") : "");
  }

  private static String fmt(long n) {
    return String.format(Locale.ROOT, "%,d", n).replace(',', ' ');
  }
}
