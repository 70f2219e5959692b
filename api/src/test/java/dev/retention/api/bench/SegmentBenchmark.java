package dev.retention.api.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Product events in (issue 17: Segment-compatible ingestion holds 5 000 events a second on this
 * machine): the packaged app on its default runtime, {@code bench.customers} customers (1 000)
 * mapped to Segment accounts by group calls, then {@code bench.senders} senders (4) posting
 * 100-message batches to {@code POST /api/segment/v1/batch} with the write key (a realistic mix:
 * about 85% track of mapped and unmapped events, 10% identify, 5% group; each its own messageId),
 * for {@code bench.seconds} (60) in all. The yardstick, taking turns with it in the same run and
 * the same database (turns of {@code bench.turn-seconds}, 15): the same kind of rows written
 * straight with SQL over JDBC by as many writers (one multi-row insert of the events and one upsert
 * of the day's rollups per 100, customers resolved by the writer), no HTTP, no parsing, no checks.
 * Printed: events a second accepted (beside the 5 000 limit), events a second reflected in the
 * rollups and how far the rollups were behind the accepted events at the end of each turn, the
 * yardstick's rate and the ratio. The scorer runs during the run as configured in production (every
 * {@code bench.score-interval}, PT10S here), so its load is in the figure. Not a test: run it with
 * {@code bench/segment} (or {@code bench/run}).
 */
public final class SegmentBenchmark {

  private static final double LIMIT = 5_000;
  private static final int BATCH = 100;
  private static final String WRITE_KEY = "bench-only-segment-write-key-5d2e";
  private static final String[] MAPPED = {"Signed In", "Query Run", "Query Run", "Feature Used"};
  private static final String[] UNMAPPED = {"Page Viewed", "Report Exported", "Invite Sent"};
  private static final Pattern ACCEPTED = Pattern.compile("\"accepted\":(\\d+)");

  private SegmentBenchmark() {}

  public static void main(String[] args) throws Exception {
    int customers = Integer.getInteger("bench.customers", 1_000);
    int senders = Integer.getInteger("bench.senders", 4);
    int seconds = Integer.getInteger("bench.seconds", 60);
    int turn = Integer.getInteger("bench.turn-seconds", 15);
    String scoreInterval = System.getProperty("bench.score-interval", "PT1M");
    BenchApp.quietLogging();
    List<Figure> figures = new ArrayList<>();
    try (BenchApp app =
        BenchApp.fresh(
            BenchApp.Ports.configured(),
            "--retention.segment.write-key=" + WRITE_KEY,
            "--retention.segment.score-interval=" + scoreInterval)) {
      app.start();
      app.http.send("PUT", "/api/csms/" + BenchData.CSM_ID, BenchData.csm());
      app.http.send(
          "POST", "/api/customers/batch", BenchData.customers(0, customers, i -> "seg-" + i));
      // Healthy to start with, as a backend that posted metrics before would leave them.
      StringBuilder healthy = new StringBuilder("[");
      for (int i = 0; i < customers; i++) {
        healthy
            .append(i == 0 ? "" : ",")
            .append(BenchData.metric(BenchData.healthy(i), "seg-" + i));
      }
      app.http.send("POST", "/api/metrics/batch", healthy.append(']').toString());
      Sender sender = new Sender(app.ports.http());
      // Each account mapped to its customer (group), with a few users (identify).
      for (int from = 0; from < customers; from += BATCH / 2) {
        StringBuilder b = new StringBuilder("{\"batch\":[");
        for (int i = from; i < Math.min(customers, from + BATCH / 2); i++) {
          b.append(i == from ? "" : ",")
              .append(
                  "{\"type\":\"group\",\"userId\":\"user-%d-0\",\"groupId\":\"acct-%d\",\"traits\":{\"customerId\":\"seg-%d\",\"name\":\"Account %d\",\"plan\":\"Growth\"},\"messageId\":\"setup-g-%d\"}"
                      .formatted(i, i, i, i, i))
              .append(
                  ",{\"type\":\"identify\",\"userId\":\"user-%d-1\",\"traits\":{\"customerId\":\"seg-%d\",\"role\":\"analyst\"},\"messageId\":\"setup-i-%d\"}"
                      .formatted(i, i, i));
        }
        sender.post(b.append("]}").toString());
      }
      DataSource db = app.database();
      // The yardstick's own pool, as many connections as writers (the app's pool is larger).
      com.zaxxer.hikari.HikariDataSource straightDb = new com.zaxxer.hikari.HikariDataSource();
      straightDb.setJdbcUrl("jdbc:postgresql://localhost:" + app.ports.postgres() + "/postgres");
      straightDb.setUsername("postgres");
      straightDb.setPassword("postgres");
      straightDb.setMaximumPoolSize(senders);
      long scoresBefore = count(db, "select count(*) from health_scores");
      Rates http = new Rates();
      Rates sql = new Rates();
      long lagMax = 0;
      int turns = Math.max(1, seconds / turn);
      for (int t = 0; t < turns; t++) {
        long before = rollupSum(db);
        long metricEvents = http.run(turn, senders, s -> sender.post(batchJson(s, customers)));
        long reflected = rollupSum(db) - before;
        lagMax = Math.max(lagMax, metricEvents - reflected);
        http.reflected.addAndGet(reflected);
        sql.run(turn, senders, s -> writeStraight(straightDb, s, customers));
      }
      straightDb.close();
      long scored = count(db, "select count(*) from health_scores") - scoresBefore;
      double accepted = http.events.get() / http.seconds();
      double straight = sql.events.get() / sql.seconds();
      figures.add(
          Figure.held(
              "Segment batches accepted (" + senders + " senders, " + BATCH + " a batch)",
              Figure.format("%.0f events/s", accepted),
              Figure.format("%.0f events/s", LIMIT),
              accepted >= LIMIT));
      figures.add(
          Figure.info(
              "  reflected in the per-day rollups",
              Figure.format("%.0f metric events/s", http.reflected.get() / http.seconds())));
      figures.add(
          Figure.held(
              "  rollups behind accepted at the end of a turn",
              Figure.format("%d events", lagMax),
              "0 (same transaction)",
              lagMax <= 0));
      figures.add(
          Figure.info(
              "  customers scored by the scorer meanwhile (every " + scoreInterval + ")",
              BenchData.fmt(scored)));
      figures.add(
          Figure.info(
              "yardstick: same rows straight with SQL (" + senders + " writers)",
              Figure.format("%.0f events/s", straight)));
      figures.add(
          Figure.info("ratio accepted / yardstick", Figure.format("%.2f", accepted / straight)));
      figures.add(
          Figure.info(
              "time measured each (turns of " + turn + " s)",
              Figure.format("%.0f s HTTP, %.0f s SQL", http.seconds(), sql.seconds())));
    }
    Figure.print(
        Figure.format(
            "Segment ingestion, packaged app; %d cores, %d customers",
            Runtime.getRuntime().availableProcessors(), customers),
        figures);
    System.exit(Figure.allWithin(figures) ? 0 : 1);
  }

  /** One sender's work: a batch, answering the events it stored and its metric events. */
  interface Work {
    long[] batch(SplittableRandom random) throws Exception;
  }

  /** Events (and the metric events among them) sent over the turns, and the time measured. */
  static final class Rates {
    final AtomicLong events = new AtomicLong();
    final AtomicLong reflected = new AtomicLong();
    private long nanos;

    double seconds() {
      return nanos / 1e9;
    }

    /** Runs {@code senders} loops of {@code work} for {@code seconds}; the metric events sent. */
    long run(int seconds, int senders, Work work) throws Exception {
      AtomicLong metrics = new AtomicLong();
      long began = System.nanoTime();
      long end = began + Duration.ofSeconds(seconds).toNanos();
      try (ExecutorService pool = Executors.newFixedThreadPool(senders)) {
        List<Future<?>> futures = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
          SplittableRandom random = new SplittableRandom(s * 7919L + System.nanoTime());
          futures.add(
              pool.submit(
                  () -> {
                    while (System.nanoTime() < end) {
                      long[] done = work.batch(random);
                      events.addAndGet(done[0]);
                      metrics.addAndGet(done[1]);
                    }
                    return null;
                  }));
        }
        for (Future<?> f : futures) {
          f.get();
        }
      }
      nanos += System.nanoTime() - began;
      return metrics.get();
    }
  }

  /** A realistic batch: mostly track events (some mapped), some identify and group calls. */
  private static Batch batchJson(SplittableRandom random, int customers) {
    StringBuilder b = new StringBuilder(BATCH * 320).append("{\"batch\":[");
    long metrics = 0;
    String now = Instant.now().toString();
    for (int i = 0; i < BATCH; i++) {
      int c = random.nextInt(customers);
      int roll = random.nextInt(100);
      String id = Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
      b.append(i == 0 ? "" : ",");
      if (roll < 85) {
        boolean mapped = roll < 60;
        String event =
            mapped
                ? MAPPED[random.nextInt(MAPPED.length)]
                : UNMAPPED[random.nextInt(UNMAPPED.length)];
        if (mapped && !"Feature Used".equals(event)) {
          metrics++;
        }
        b.append("{\"type\":\"track\",\"event\":\"")
            .append(event)
            .append("\",\"userId\":\"user-")
            .append(c)
            .append('-')
            .append(random.nextInt(2))
            .append("\",\"context\":{\"groupId\":\"acct-")
            .append(c)
            .append("\",\"library\":{\"name\":\"analytics-java\",\"version\":\"3.5.1\"}},")
            .append("\"properties\":{\"feature\":\"f")
            .append(random.nextInt(12))
            .append("\",\"durationMs\":")
            .append(random.nextInt(5000))
            .append(",\"plan\":\"Growth\"},\"timestamp\":\"")
            .append(now)
            .append("\",\"messageId\":\"")
            .append(id)
            .append("\"}");
      } else if (roll < 95) {
        b.append("{\"type\":\"identify\",\"userId\":\"user-")
            .append(c)
            .append('-')
            .append(random.nextInt(2))
            .append("\",\"traits\":{\"customerId\":\"seg-")
            .append(c)
            .append("\",\"role\":\"analyst\"},\"timestamp\":\"")
            .append(now)
            .append("\",\"messageId\":\"")
            .append(id)
            .append("\"}");
      } else {
        b.append("{\"type\":\"group\",\"userId\":\"user-")
            .append(c)
            .append("-0\",\"groupId\":\"acct-")
            .append(c)
            .append("\",\"traits\":{\"customerId\":\"seg-")
            .append(c)
            .append("\",\"plan\":\"Growth\"},\"timestamp\":\"")
            .append(now)
            .append("\",\"messageId\":\"")
            .append(id)
            .append("\"}");
      }
    }
    return new Batch(b.append("],\"sentAt\":\"").append(now).append("\"}").toString(), metrics);
  }

  record Batch(String json, long metrics) {}

  /** The write-key client; one HTTP/1.1 client shared by the senders. */
  static final class Sender {
    private final HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final URI uri;
    private final String auth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8));

    Sender(int port) {
      this.uri = URI.create("http://localhost:" + port + "/api/segment/v1/batch");
    }

    long[] post(Batch batch) throws Exception {
      return new long[] {post(batch.json()), batch.metrics()};
    }

    long post(String json) throws Exception {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(uri)
                  .header("Authorization", auth)
                  .header("Content-Type", "application/json")
                  .timeout(Duration.ofMinutes(2))
                  .POST(HttpRequest.BodyPublishers.ofString(json))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("segment batch: " + r.statusCode() + " " + r.body());
      }
      Matcher m = ACCEPTED.matcher(r.body());
      if (!m.find()) {
        throw new IllegalStateException("segment batch: no accepted count in " + r.body());
      }
      return Long.parseLong(m.group(1));
    }
  }

  /**
   * The yardstick: the same kind of 100 rows written straight, customers resolved by the writer:
   * one multi-row insert of the events, one upsert of the day's rollups, one transaction.
   */
  private static long[] writeStraight(DataSource db, SplittableRandom random, int customers)
      throws Exception {
    StringBuilder insert =
        new StringBuilder(
            "insert into segment_events (message_id, kind, event, customer_id, user_id,"
                + " group_id, metric, feature, at, received_at) values ");
    Map<String, int[]> daily = new TreeMap<>();
    java.util.SortedSet<String> touched = new java.util.TreeSet<>();
    long metrics = 0;
    for (int i = 0; i < BATCH; i++) {
      int c = random.nextInt(customers);
      int roll = random.nextInt(100);
      String kind = roll < 85 ? "track" : roll < 95 ? "identify" : "group";
      String event = null;
      String metric = null;
      if (roll < 60) {
        event = MAPPED[random.nextInt(MAPPED.length)];
        metric =
            switch (event) {
              case "Signed In" -> "logins";
              case "Query Run" -> "queries";
              default -> "features";
            };
      } else if (roll < 85) {
        event = UNMAPPED[random.nextInt(UNMAPPED.length)];
      }
      touched.add("seg-" + c);
      if ("logins".equals(metric) || "queries".equals(metric)) {
        metrics++;
        daily.computeIfAbsent("seg-" + c, k -> new int[2])["logins".equals(metric) ? 0 : 1]++;
      }
      insert
          .append(i == 0 ? "" : ",")
          .append("(?, '")
          .append(kind)
          .append("', ")
          .append(event == null ? "null" : "'" + event + "'")
          .append(", 'seg-")
          .append(c)
          .append("', 'user-")
          .append(c)
          .append("-0', 'acct-")
          .append(c)
          .append("', ")
          .append(metric == null ? "null" : "'" + metric + "'")
          .append(", ")
          .append("features".equals(metric) ? "'f" + random.nextInt(12) + "'" : "null")
          .append(", now(), now())");
    }
    try (Connection con = db.getConnection()) {
      con.setAutoCommit(false);
      try (PreparedStatement events = con.prepareStatement(insert.toString())) {
        for (int i = 1; i <= BATCH; i++) {
          events.setString(
              i,
              "sql-" + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
        }
        events.executeUpdate();
      }
      if (!daily.isEmpty()) {
        StringBuilder upsert =
            new StringBuilder(
                "insert into segment_daily (customer_id, day, logins, queries) values ");
        int k = 0;
        for (Map.Entry<String, int[]> e : daily.entrySet()) {
          upsert
              .append(k++ == 0 ? "" : ",")
              .append("('")
              .append(e.getKey())
              .append("', current_date, ")
              .append(e.getValue()[0])
              .append(", ")
              .append(e.getValue()[1])
              .append(')');
        }
        upsert.append(
            " on conflict (customer_id, day) do update set logins = segment_daily.logins"
                + " + excluded.logins, queries = segment_daily.queries + excluded.queries");
        try (Statement s = con.createStatement()) {
          s.executeUpdate(upsert.toString());
        }
      }
      StringBuilder moved =
          new StringBuilder(
              "insert into segment_customers (customer_id, moved, last_event_at) values ");
      int k = 0;
      for (String c : touched) {
        moved.append(k++ == 0 ? "" : ",").append("('").append(c).append("', true, now())");
      }
      moved.append(" on conflict (customer_id) do update set moved = true, last_event_at = now()");
      try (Statement s = con.createStatement()) {
        s.executeUpdate(moved.toString());
      }
      con.commit();
    }
    return new long[] {BATCH, metrics};
  }

  private static long rollupSum(DataSource db) throws Exception {
    return count(db, "select coalesce(sum(logins + queries), 0) from segment_daily");
  }

  private static long count(DataSource db, String sql) throws Exception {
    try (Connection con = db.getConnection();
        Statement s = con.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
