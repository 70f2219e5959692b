package dev.retention.api.bench;

import dev.retention.workflows.RecordingActivities;
import dev.retention.workflows.atrisk.AtRiskInput;
import dev.retention.workflows.atrisk.AtRiskPlaybook;
import dev.retention.workflows.atrisk.AtRiskPlaybookImpl;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.RunSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The dry-run's figure beside its limit (issue 16: the 17-day at-risk playbook dry-runs in under 2
 * s p95): {@code POST /api/playbooks/dry-run} of at-risk for one customer, one after the other,
 * against the packaged app on its default runtime (real days, sending rules on), p50 and p95 of the
 * round trip. The yardstick: the same 17-day run on a warm time-skipping environment in this
 * process, its activities answered at once (no rendering, no database), so what the dry-run adds to
 * the bare workflow shows. Not a test: run it with {@code bench/dry-run} (or {@code bench/run},
 * after the product's figures). Options (BENCH_OPTS): {@code -Dbench.dry-runs=50}.
 */
public final class DryRunBenchmark {

  private static final int WARM_UP = 5;
  private static final String CUSTOMER = "bench-dry-run";
  private static final double LIMIT_SECONDS = 2.0;

  private DryRunBenchmark() {}

  public static void main(String[] args) throws Exception {
    int samples = Integer.getInteger("bench.dry-runs", 50);
    BenchApp.quietLogging();
    List<Figure> figures = new ArrayList<>();
    try (BenchApp app = BenchApp.fresh(BenchApp.Ports.configured())) {
      Duration up = app.start();
      figures.add(
          Figure.info(
              "start-up, fresh data folder (to health UP)",
              Figure.format("%.1f s", up.toMillis() / 1000.0)));
      app.http.send("PUT", "/api/csms/" + BenchData.CSM_ID, BenchData.csm());
      app.http.send("POST", "/api/customers/batch", BenchData.customers(0, 1, i -> CUSTOMER));
      figures.addAll(dryRuns(app, samples));
    }
    figures.addAll(rawRuns(samples));
    Figure.print(
        Figure.format(
            "Dry-run of the 17-day at-risk playbook, packaged app; %d cores, one at a time",
            Runtime.getRuntime().availableProcessors()),
        figures);
    System.exit(Figure.allWithin(figures) ? 0 : 1);
  }

  private static List<Figure> dryRuns(BenchApp app, int samples) throws Exception {
    String body = "{\"playbook\":\"at-risk\",\"customerId\":\"" + CUSTOMER + "\"}";
    long[] nanos = new long[samples];
    for (int i = -WARM_UP; i < samples; i++) {
      long began = System.nanoTime();
      String timeline = app.http.send("POST", "/api/playbooks/dry-run", body);
      long took = System.nanoTime() - began;
      if (!timeline.contains("\"outcome\":\"CHURNING\"")) {
        throw new IllegalStateException("not the at-risk timeline: " + timeline);
      }
      if (i >= 0) {
        nanos[i] = took;
      }
    }
    return List.of(
        Figure.info(
            "dry-run at-risk, API, p50 (" + samples + ")", Figure.format("%.0f ms", p(nanos, 50))),
        Figure.held(
            "dry-run at-risk, API, p95 (" + samples + ")",
            Figure.format("%.0f ms", p(nanos, 95)),
            Figure.format("< %.0f ms", LIMIT_SECONDS * 1000),
            p(nanos, 95) < LIMIT_SECONDS * 1000));
  }

  /** The bare workflow: the same run on a warm time-skipping environment, activities at once. */
  private static List<Figure> rawRuns(int samples) {
    TestEnvironmentOptions.Builder options = TestEnvironmentOptions.newBuilder();
    for (String keyword :
        List.of(
            RunSearchAttributes.PLAYBOOK.getName(),
            RunSearchAttributes.CUSTOMER_ID.getName(),
            RunSearchAttributes.CSM_ID.getName(),
            RunSearchAttributes.STAGE.getName())) {
      options.registerSearchAttribute(keyword, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    long[] nanos = new long[samples];
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(options.build())) {
      Worker worker = env.newWorker("bench-raw");
      worker.registerWorkflowImplementationTypes(AtRiskPlaybookImpl.class);
      worker.registerActivitiesImplementations(new RecordingActivities());
      env.start();
      for (int i = -WARM_UP; i < samples; i++) {
        long began = System.nanoTime();
        AtRiskPlaybook run =
            env.getWorkflowClient()
                .newWorkflowStub(
                    AtRiskPlaybook.class,
                    WorkflowOptions.newBuilder()
                        .setTaskQueue("bench-raw")
                        .setWorkflowId("raw-" + (i + WARM_UP))
                        .build());
        PlaybookResult result =
            run.run(
                new AtRiskInput(
                    new PlaybookContext(
                        CUSTOMER, BenchData.CSM_ID, new Cadence(Duration.ofDays(1)), false),
                    null,
                    "manual"));
        if (i >= 0) {
          nanos[i] = System.nanoTime() - began;
        }
        if (!"CHURNING".equals(String.valueOf(result.outcome()))) {
          throw new IllegalStateException("the raw run ended " + result.outcome());
        }
      }
    }
    return List.of(
        Figure.info(
            "yardstick: the bare workflow in-process, p50", Figure.format("%.0f ms", p(nanos, 50))),
        Figure.info(
            "yardstick: the bare workflow in-process, p95",
            Figure.format("%.0f ms", p(nanos, 95))));
  }

  private static double p(long[] nanos, int percentile) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1e6;
  }
}
