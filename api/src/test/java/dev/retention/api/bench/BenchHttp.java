package dev.retention.api.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The benchmarks' HTTP client: an integration key's calls to the app, and work split in ranges. */
final class BenchHttp {

  /** The admin key every benchmark registers as the app's bootstrap key. */
  static final String KEY = "rpk_benchbench12_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;

  BenchHttp(int port) {
    this.base = "http://localhost:" + port;
  }

  /** The answer's body; a status of 300 or more is an exception naming the call. */
  String send(String method, String path, String body) throws Exception {
    HttpResponse<String> r = exchange(method, path, body);
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  /** The same with extra request headers ({@code Prefer}, say). */
  String send(String method, String path, String body, Map<String, String> headers)
      throws Exception {
    HttpResponse<String> r = exchange(method, path, body, headers);
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  HttpResponse<String> exchange(String method, String path, String body) throws Exception {
    return exchange(method, path, body, Map.of());
  }

  HttpResponse<String> exchange(
      String method, String path, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + KEY)
            .timeout(Duration.ofMinutes(5));
    headers.forEach(request::header);
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  interface Range {
    void accept(int from, int to) throws Exception;
  }

  /** Calls {@code range} for [0, n) in slices of {@code size}, {@code concurrency} at once. */
  static void forEachRange(int n, int size, int concurrency, Range range) throws Exception {
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
}
