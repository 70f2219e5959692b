package dev.retention.api.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The dev server's Web UI on its usual port, with the app's codec endpoint on the same origin.
 *
 * <p>The Temporal UI calls its codec endpoint from the browser, and sends the browser's cookies
 * across origins only when its {@code codec.includeCredentials} setting is on. The CLI's dev server
 * offers no way to turn that setting on (it configures its UI with the codec endpoint only), so a
 * codec on the app's own origin ({@code localhost:8080}) would get every decode call without the
 * person's session, and refuse it. Here the UI is served from this front instead: {@code /codec/**}
 * goes to the app, everything else to the dev server's UI on an internal port. The UI's codec calls
 * are then same-origin, and the browser sends the person's console session cookie with them
 * (cookies are per host, not per port), so a person logged in to the console as an admin sees
 * decoded payloads with no setting to change.
 */
final class TemporalUiFront implements AutoCloseable {

  /** Not forwarded either way: about one connection, or set by the client or server itself. */
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "host",
          "content-length",
          "expect",
          "http2-settings");

  private final HttpServer server;
  private final HttpClient client;
  private final ExecutorService threads;
  private final URI ui;
  private final Supplier<URI> app;

  private TemporalUiFront(
      HttpServer server, HttpClient client, ExecutorService threads, URI ui, Supplier<URI> app) {
    this.server = server;
    this.client = client;
    this.threads = threads;
    this.ui = ui;
    this.app = app;
  }

  /**
   * Listens on {@code ip:port}; forwards {@code /codec/**} to {@code app} and everything else to
   * {@code ui} (both {@code http://host:port}, no path; the app's is asked for on each call, as its
   * port may be known only once its web server runs).
   */
  static TemporalUiFront start(String ip, int port, URI ui, Supplier<URI> app) throws IOException {
    ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(threads)
            .build();
    HttpServer server = HttpServer.create(new InetSocketAddress(ip, port), 0);
    server.setExecutor(threads);
    TemporalUiFront front = new TemporalUiFront(server, client, threads, ui, app);
    server.createContext("/", front::forward);
    server.start();
    return front;
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Whether a request for {@code path} goes to the app: the codec endpoint only. */
  static boolean toApp(String path) {
    return path.equals("/codec") || path.startsWith("/codec/");
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      URI requested = exchange.getRequestURI();
      String path = requested.getRawPath();
      URI target =
          URI.create(
              (toApp(path) ? app.get() : ui)
                  + path
                  + (requested.getRawQuery() == null ? "" : "?" + requested.getRawQuery()));
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(target)
              .timeout(Duration.ofMinutes(2))
              .method(
                  exchange.getRequestMethod(),
                  body.length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      copyRequestHeaders(exchange, request);
      HttpResponse<InputStream> response;
      try {
        response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        byte[] text =
            ("could not reach "
                    + (toApp(path) ? "the app" : "the Temporal dev server's UI")
                    + ": "
                    + e.getMessage()
                    + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(502, text.length);
        exchange.getResponseBody().write(text);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      answer(exchange, response);
    }
  }

  private static void copyRequestHeaders(HttpExchange exchange, HttpRequest.Builder request) {
    String host = exchange.getRequestHeaders().getFirst("Host");
    for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      // The UI's own codec call is same-origin here, whatever host name the browser used: not a
      // cross-origin call for the app's CORS to judge. Any other origin is passed on, and the
      // app refuses it unless it is one of its allowed origins.
      boolean sameOrigin =
          name.equals("origin")
              && host != null
              && header.getValue().equals(List.of("http://" + host));
      if (!HOP_BY_HOP.contains(name) && !sameOrigin) {
        for (String value : header.getValue()) {
          request.header(header.getKey(), value);
        }
      }
    }
  }

  /** The answer passed back: its status, its end-to-end headers and its body. */
  private static void answer(HttpExchange exchange, HttpResponse<InputStream> response)
      throws IOException {
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
              }
            });
    long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
    boolean empty =
        exchange.getRequestMethod().equals("HEAD")
            || response.statusCode() == 204
            || response.statusCode() == 304
            || length == 0;
    try (InputStream in = response.body()) {
      if (empty) {
        exchange.sendResponseHeaders(response.statusCode(), -1);
      } else {
        // Chunked unless the length is known.
        exchange.sendResponseHeaders(response.statusCode(), Math.max(length, 0));
        OutputStream out = exchange.getResponseBody();
        in.transferTo(out);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    client.close();
    threads.close();
  }
}
