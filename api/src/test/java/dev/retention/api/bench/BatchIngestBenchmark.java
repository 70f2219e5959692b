package dev.retention.api.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * How fast a backend's weekly metrics get in at several sizes, against the limit (a million
 * customers scored in at most 10 minutes on two cores). Not a test: run it with {@code
 * bench/batch-ingest [sizes…]}. Each size gets the packaged app on its default runtime with a fresh
 * data folder, measured by {@link MetricsIngest}. {@code bench/run} measures one size among the
 * other figures.
 */
public final class BatchIngestBenchmark {

  private BatchIngestBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    for (String a : args) {
      sizes.add(Integer.parseInt(a.replace("_", "")));
    }
    if (sizes.isEmpty()) {
      sizes = List.of(100_000, 1_000_000);
    }
    BenchApp.quietLogging();
    double crossing = Double.parseDouble(System.getProperty("bench.crossing", "0.01"));
    int concurrency = Integer.getInteger("bench.concurrency", 2);
    int singleSample = Integer.getInteger("bench.single-sample", 2_000);
    List<Figure> figures = new ArrayList<>();
    for (int n : sizes) {
      try (BenchApp app = BenchApp.fresh(BenchApp.Ports.configured())) {
        app.start();
        figures.addAll(
            new MetricsIngest(app, crossing, concurrency).measure(n, Math.min(singleSample, n)));
      }
    }
    Figure.print(
        Figure.format(
            "Metrics ingest on %d cores; at-risk crossings %.1f%%",
            Runtime.getRuntime().availableProcessors(), crossing * 100),
        figures);
  }
}
