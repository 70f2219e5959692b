package dev.retention.api.bench;

import dev.retention.api.playbooks.PlaybookClient;
import dev.retention.data.definitions.DefinitionFiles;
import dev.retention.workflows.atrisk.AtRiskInput;
import dev.retention.workflows.atrisk.AtRiskPlaybook;
import dev.retention.workflows.bench.FirstWaitFloor;
import dev.retention.workflows.bench.TrivialUpdate;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.engine.BuiltInInputs;
import dev.retention.workflows.engine.EngineInput;
import dev.retention.workflows.engine.PlaybookDefinition;
import dev.retention.workflows.engine.PlaybookEngine;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The product's figures beside their limits, all against the same Temporal CLI dev server (the one
 * the packaged app starts on its default runtime), in one run. Not a test: run it with {@code
 * bench/run}. In order:
 *
 * <ol>
 *   <li>start-up of the packaged app on a fresh data folder (dev server, PostgreSQL, migrations),
 *       then on that warm data folder with plain {@code java -jar} and with {@code bin/run-jar}
 *       (the unpacked jar with the JDK's class cache the first start recorded): health UP in at
 *       most 8 s; then with the README's run command, {@code bin/run} (the same, after its check
 *       that the jar is up to date): at most 12 s;
 *   <li>at-risk starts per second through {@code POST /api/playbooks} against the raw SDK start of
 *       the same workflow (the playbook engine, the definition pinned in its input) with the same
 *       options (id, policies, search attributes, summary), rounds taking turns, the same number of
 *       callers at once: at least 0.8× the raw SDK;
 *   <li>heap (after a full collection) and RSS of the app at 1 000 waiting runs;
 *   <li>the outcome round trip, p50/p99: a CSM's {@code CUSTOMER_RESPONDED} on waiting runs through
 *       {@code POST /api/playbooks/{id}/outcomes}, the raw SDK update of the same kind of run, and
 *       a trivial update (a workflow whose update only returns, its worker in this process) on the
 *       same server, taking turns: the API's p99 at most 1.5× the trivial update's;
 *   <li>runs reaching their first durable wait, in a steady stream and in a burst of 5 000 starts:
 *       at least 0.8× the rate the API accepted them; beside each, the floor ({@link Floor}): the
 *       same first day straight on the SDK, its rate and the product's against it;
 *   <li>the rest of the runs started through the API, in chunks of {@code bench.checkpoint} (20
 *       000) with heap and RSS read after each once all of them wait, and at the end: the heap at
 *       most 256 MB (100 000 with {@code -Dbench.runs=100000}), and the dev server's disk per
 *       waiting run;
 *   <li>metrics ingest ({@link MetricsIngest}): the batch path against set-based SQL in pairs, at
 *       least 0.7× in every pair, and a million customers in at most 120 s;
 *   <li>start-up again, with every run kept (they go on after it).
 * </ol>
 */
public final class ProductBenchmark {

  private static final String TASK_QUEUE = "retention-playbooks";
  private static final int WARM_UP = 30;
  private static final int BURST = 5_000;

  /** The at-risk definition a fresh app publishes as its first version. */
  private static final PlaybookDefinition AT_RISK =
      DefinitionFiles.shipped("at-risk").orElseThrow().withVersion(1);

  private final BenchApp app;
  private final List<Figure> figures = new ArrayList<>();
  private WorkflowClient client;

  private ProductBenchmark(BenchApp app) {
    this.app = app;
  }

  public static void main(String[] args) throws Exception {
    int runs = Integer.getInteger("bench.runs", 10_000);
    int firstCheckpoint = Math.min(1_000, runs);
    int customers = Integer.getInteger("bench.customers", 100_000);
    int samples = Integer.getInteger("bench.samples", 300);
    int callers = Integer.getInteger("bench.callers", 8);
    if (firstCheckpoint < 2 * (samples + WARM_UP)) {
      throw new IllegalArgumentException(
          "the outcomes need 2 x (samples + 30) of the first 1 000 runs: lower bench.samples");
    }
    BenchApp.quietLogging();
    boolean within;
    try (BenchApp app =
        BenchApp.fresh(BenchApp.Ports.configured(), "--retention.sending-rules.enabled=false")) {
      ProductBenchmark bench = new ProductBenchmark(app);
      within = bench.measure(runs, firstCheckpoint, customers, samples, callers);
    }
    System.exit(within ? 0 : 1);
  }

  private boolean measure(int runs, int firstCheckpoint, int customers, int samples, int callers)
      throws Exception {
    Duration fresh = app.start();
    record(
        Figure.info(
            "start-up, fresh data folder, bin/run-jar (to health UP; records the class cache)",
            Figure.format("%.1f s", fresh.toMillis() / 1000.0)));
    app.stop();
    Duration plain = app.start(BenchApp.Launch.PLAIN);
    record(
        Figure.info(
            "start-up, warm data folder, plain java -jar (no class cache)",
            Figure.format("%.1f s", plain.toMillis() / 1000.0)));
    app.stop();
    Duration warm = app.start();
    record(
        Figure.held(
            "start-up, warm data folder, bin/run-jar (java -jar, unpacked, the JDK's class cache)",
            Figure.format(
                "%.1f s (%.2f x plain java -jar)",
                warm.toMillis() / 1000.0, (double) warm.toMillis() / plain.toMillis()),
            "<= 8 s",
            warm.toMillis() <= 8_000));
    app.stop();
    if (System.getProperty("bench.jar") == null) {
      Duration command = app.start(BenchApp.Launch.RUN_COMMAND);
      record(
          Figure.held(
              "start-up again, the README's run command (bin/run: jar up to date, then as above)",
              Figure.format(
                  "%.1f s (%.2f x plain java -jar)",
                  command.toMillis() / 1000.0, (double) command.toMillis() / plain.toMillis()),
              "<= 12 s",
              command.toMillis() <= 12_000));
    }
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(app.temporalTarget()).build());
    client =
        WorkflowClient.newInstance(
            service,
            WorkflowClientOptions.newBuilder()
                .setNamespace("default")
                .setDataConverter(app.dataConverter())
                .build());
    try {
      app.http.send("PUT", "/api/csms/" + BenchData.CSM_ID, BenchData.csm());
      BenchHttp.forEachRange(
          runs,
          MetricsIngest.BATCH,
          2,
          (from, to) ->
              app.http.send(
                  "POST", "/api/customers/batch", BenchData.customers(from, to, i -> "run-" + i)));

      starts(firstCheckpoint, callers);
      memory(firstCheckpoint);
      outcomes(samples);
      int next = firstCheckpoint;
      // -Dbench.first-waits=false leaves out the steady stream and the burst (a long run for the
      // heap at 100 000 waiting runs, when they were measured on their own).
      boolean firstWaits = Boolean.parseBoolean(System.getProperty("bench.first-waits", "true"));
      int steady = firstWaits ? Math.min(2_000, runs - next) : 0;
      try (Floor floor = Floor.start(client)) {
        if (steady > 0) {
          firstWaits(
              floor, "a steady stream, " + callers + " callers", next, next + steady, callers);
          next += steady;
        }
        int burst = Math.min(BURST, runs - next);
        if (firstWaits && burst == BURST) {
          firstWaits(
              floor, "a burst of " + BenchData.fmt(burst) + ", 64 callers", next, next + burst, 64);
          next += burst;
        }
      }
      if (runs > next) {
        // The rest in chunks, the heap read after each: a long run (100 000) shows its slope as
        // it goes, and what it measured stands if it is stopped before the end.
        int chunk = Integer.getInteger("bench.checkpoint", 20_000);
        double seconds = 0;
        int from = next;
        while (from < runs) {
          int to = Math.min(runs, from + chunk);
          long began = System.nanoTime();
          apiStarts(from, to, callers);
          seconds += BenchData.seconds(began);
          if (to < runs) {
            memory(to);
          }
          from = to;
        }
        record(
            Figure.info(
                "at-risk starts, API, the other " + BenchData.fmt(runs - next),
                Figure.format("%.0f/s", (runs - next) / seconds)));
      }
      if (runs > firstCheckpoint) {
        memory(runs);
      }
      figures.addAll(
          new MetricsIngest(app, 0.01, 2)
              .measure(
                  customers,
                  Math.min(customers, Integer.getInteger("bench.single-sample", 2_000))));
    } finally {
      service.shutdownNow();
    }
    app.stop();
    Duration again = app.start();
    record(
        Figure.info(
            "start-up again, " + BenchData.fmt(waiting()) + " runs waiting (to health UP)",
            Figure.format("%.1f s", again.toMillis() / 1000.0)));
    Figure.print(
        Figure.format(
            "Retention playbooks, packaged app on the Temporal CLI dev server; %d cores, %d callers"
                + " at once",
            Runtime.getRuntime().availableProcessors(), callers),
        figures);
    return Figure.allWithin(figures);
  }

  /**
   * Starts the runs of customers {@code from} … {@code to - 1} through the API with {@code callers}
   * at once, and holds the rate at which they reach their first durable wait (their first day done:
   * the projection shows their next step a day or more ahead) against the rate the API accepted
   * them: at least 0.8×, or starts pile up unworked in a burst. The floor goes first, on the same
   * customers with as many callers: {@link FirstWaitFloor}, the first day straight on the SDK with
   * the product's own email activity, its rate beside the product's.
   */
  private void firstWaits(Floor floor, String what, int from, int to, int callers)
      throws Exception {
    int n = to - from;
    Floor.Rates floorRates = floor.measure(from, to, callers);
    record(
        Figure.info(
            "runs at their first wait, " + what + ", the floor (raw SDK, the same email)",
            Figure.format(
                "%.0f/s, %.2f x the %.0f/s started",
                floorRates.reached(),
                floorRates.reached() / floorRates.accepted(),
                floorRates.accepted())));
    long before = waiting();
    long began = System.nanoTime();
    BenchHttp.forEachRange(n, 1, callers, (i, j) -> apiStart("run-" + (from + i)));
    double accepted = n / BenchData.seconds(began);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
    while (waiting() < before + n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            (waiting() - before) + " of " + n + " runs at their first wait after 20 minutes");
      }
      Thread.sleep(100);
    }
    double reached = n / BenchData.seconds(began);
    record(
        Figure.held(
            "runs at their first wait, " + what,
            Figure.format(
                "%.0f/s, %.2f x the %.0f/s the API accepted; %.2f x the floor's rate",
                reached, reached / accepted, accepted, reached / floorRates.reached()),
            ">= 0.8 x accepted",
            reached >= 0.8 * accepted));
  }

  /** Keeps a figure for the table and prints it at once, so a run cut short still says it. */
  private void record(Figure figure) {
    figures.add(figure);
    System.out.println(
        "bench: "
            + figure.what()
            + ": "
            + figure.measured()
            + (figure.limit().isEmpty() ? "" : " (limit " + figure.limit() + ")"));
  }

  /**
   * Rounds of raw SDK and API starts taking turns, until {@code n} runs are waiting; each round
   * begins once every run of the rounds before it waits for a later day, so neither side's starts
   * meet the other's first days still being worked (the raw side takes starts faster than the
   * worker works them, and its rounds left a backlog to the API's rounds after them).
   */
  private void starts(int n, int callers) throws Exception {
    int round = Math.max(1, n / 4);
    double rawSeconds = 0;
    double apiSeconds = 0;
    int raw = 0;
    int api = 0;
    for (int start = 0; start < n; start += round) {
      int from = start;
      int to = Math.min(n, from + round);
      awaitWaiting(from);
      long began = System.nanoTime();
      if ((from / round) % 2 == 0) {
        BenchHttp.forEachRange(to - from, 1, callers, (i, j) -> rawStart("run-" + (from + i)));
        rawSeconds += BenchData.seconds(began);
        raw += to - from;
      } else {
        BenchHttp.forEachRange(to - from, 1, callers, (i, j) -> apiStart("run-" + (from + i)));
        apiSeconds += BenchData.seconds(began);
        api += to - from;
      }
    }
    double rawRate = raw / rawSeconds;
    double apiRate = api / apiSeconds;
    record(
        Figure.info(
            "at-risk starts, raw SDK (" + BenchData.fmt(raw) + ")",
            Figure.format("%.0f/s", rawRate)));
    record(
        Figure.held(
            "at-risk starts, API (" + BenchData.fmt(api) + ")",
            Figure.format("%.0f/s (%.2f x raw)", apiRate, apiRate / rawRate),
            Figure.format(">= 0.8 x raw = %.0f/s", 0.8 * rawRate),
            apiRate >= 0.8 * rawRate));
  }

  private void apiStarts(int from, int to, int callers) throws Exception {
    BenchHttp.forEachRange(to - from, 1, callers, (i, j) -> apiStart("run-" + (from + i)));
  }

  private void apiStart(String customerId) throws Exception {
    app.http.send(
        "POST",
        "/api/playbooks",
        "{\"playbook\":\"at-risk\",\"customerId\":\"" + customerId + "\"}");
  }

  /**
   * What the API does at its core: the same workflow (the playbook engine), input (the shipped
   * at-risk definition pinned in it, the version a fresh app publishes) and options, started
   * directly.
   */
  private void rawStart(String customerId) {
    AtRiskInput input =
        new AtRiskInput(
            new PlaybookContext(
                customerId, BenchData.CSM_ID, new Cadence(Duration.ofDays(1)), false),
            null,
            "manual");
    EngineInput played = BuiltInInputs.of(input, AT_RISK);
    WorkflowOptions options =
        PlaybookClient.options(
            Playbook.AT_RISK.id(), customerId, BenchData.CSM_ID, played, TASK_QUEUE);
    WorkflowClient.start(client.newWorkflowStub(PlaybookEngine.class, options)::run, played);
  }

  /** Waits until {@code n} runs wait for a later day, then reads the app's memory. */
  private void memory(int n) throws Exception {
    awaitWaiting(n);
    BenchApp.Memory m = app.memory();
    String what = BenchData.fmt(n) + " runs waiting";
    record(
        Figure.held(
            "heap after a full GC, " + what,
            Figure.format("%.0f MB (committed %.0f MB)", m.heapUsedMb(), m.heapCommittedMb()),
            "<= 256 MB",
            m.heapUsedMb() <= 256));
    record(
        Figure.info(
            "the dev server's disk, " + what,
            Figure.format(
                "%.1f MB, %.1f KB a waiting run",
                app.devServerDiskBytes() / 1e6, app.devServerDiskBytes() / 1e3 / n)));
    record(
        Figure.info(
            "RSS, " + what,
            Figure.format("%.0f MB (the dev server: %.0f MB)", m.rssMb(), m.devServerRssMb())));
  }

  /** Until {@code n} runs wait for a later day, or 20 minutes. */
  private void awaitWaiting(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
    long waiting;
    while ((waiting = waiting()) < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(waiting + " of " + n + " runs waiting after 20 minutes");
      }
      Thread.sleep(200);
    }
  }

  /** Runs whose first day is done and that wait for a later step (their projection says so). */
  private long waiting() {
    return JdbcClient.create(app.database())
        .sql(
            "select count(*) from playbook_runs where status = 'RUNNING'"
                + " and next_step_at > now() + interval '1 hour'")
        .query(Long.class)
        .single();
  }

  /**
   * A CSM's outcome, {@code CUSTOMER_RESPONDED}, on waiting at-risk runs, one outcome a run (a run
   * that heard it waits for the CSM's decision, so it is not taken again): through the API on some,
   * the raw SDK update on others, and a trivial update, taking turns so a slow moment of the shared
   * machine falls on all three alike. The runs are not all in the worker's cache (600 by default):
   * an outcome may replay its run first, as in production.
   */
  private void outcomes(int samples) throws Exception {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    String queue = "bench-trivial-" + UUID.randomUUID();
    factory.newWorker(queue).registerWorkflowImplementationTypes(TrivialUpdate.Impl.class);
    factory.start();
    TrivialUpdate trivial =
        client.newWorkflowStub(
            TrivialUpdate.class,
            WorkflowOptions.newBuilder().setTaskQueue(queue).setWorkflowId(queue).build());
    WorkflowClient.start(trivial::run);
    CsmOutcome responded =
        new CsmOutcome(
            OutcomeType.CUSTOMER_RESPONDED, "answered the day-1 email", BenchData.CSM_ID);
    String body =
        "{\"type\":\"CUSTOMER_RESPONDED\",\"note\":\"answered the day-1 email\",\"csmId\":\""
            + BenchData.CSM_ID
            + "\"}";
    long[] trivialNanos = new long[samples];
    long[] apiNanos = new long[samples];
    long[] rawNanos = new long[samples];
    try {
      for (int i = -WARM_UP; i < samples; i++) {
        int turn = i + WARM_UP;
        String apiRun = Playbook.AT_RISK.workflowId("run-" + 2 * turn);
        String rawRun = Playbook.AT_RISK.workflowId("run-" + (2 * turn + 1));
        long t0 = System.nanoTime();
        trivial.ping(turn);
        long t1 = System.nanoTime();
        app.http.send("POST", "/api/playbooks/" + apiRun + "/outcomes", body);
        long t2 = System.nanoTime();
        client.newWorkflowStub(AtRiskPlaybook.class, rawRun).recordOutcome(responded);
        long t3 = System.nanoTime();
        if (i >= 0) {
          trivialNanos[i] = t1 - t0;
          apiNanos[i] = t2 - t1;
          rawNanos[i] = t3 - t2;
        }
      }
    } finally {
      WorkflowStub.fromTyped(trivial).terminate("benchmark done");
      factory.shutdownNow();
      factory.awaitTermination(10, TimeUnit.SECONDS);
    }
    Arrays.sort(trivialNanos);
    Arrays.sort(apiNanos);
    Arrays.sort(rawNanos);
    long limit = 3 * p(trivialNanos, 99) / 2;
    record(
        Figure.info(
            "update round trip, a trivial update (" + samples + " samples each)",
            percentiles(trivialNanos)));
    record(Figure.info("outcome round trip, raw SDK update of a run", percentiles(rawNanos)));
    record(
        Figure.held(
            "outcome round trip, API",
            percentiles(apiNanos),
            Figure.format("p99 <= 1.5 x trivial p99 = %.1f ms", limit / 1e6),
            p(apiNanos, 99) <= limit));
  }

  private static long p(long[] sorted, int percentile) {
    int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, index)];
  }

  private static String percentiles(long[] sorted) {
    return Figure.format("p50 %.1f ms, p99 %.1f ms", p(sorted, 50) / 1e6, p(sorted, 99) / 1e6);
  }
}
