package dev.retention.api.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.CookieManager;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A small JSON client for the API under test, over real HTTP, calling like a real client: with the
 * tests' admin integration key unless told otherwise ({@link #withKey}, {@link #anonymous}, or a
 * person's login session from {@link #login}).
 */
public final class HttpApi {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final CookieManager cookies;
  private final String base;
  private final String bearer;
  private boolean csrf = true;

  public HttpApi(int port) {
    this("http://localhost:" + port, ApiTestKeys.ADMIN_KEY, null);
  }

  private HttpApi(String base, String bearer, CookieManager cookies) {
    this.base = base;
    this.bearer = bearer;
    this.cookies = cookies;
    this.http =
        cookies == null
            ? HttpClient.newHttpClient()
            : HttpClient.newBuilder().cookieHandler(cookies).build();
  }

  /** The same API called with another integration key. */
  public HttpApi withKey(String key) {
    return new HttpApi(base, key, null);
  }

  /** The same API called without any credentials. */
  public HttpApi anonymous() {
    return new HttpApi(base, null, null);
  }

  /** A person's session: logs in with POST /api/session; writes send the CSRF token. */
  public HttpApi login(String username, String password) {
    HttpApi session = new HttpApi(base, null, new CookieManager());
    Response answer =
        session.post(
            "/api/session",
            "{\"username\":\"%s\",\"password\":\"%s\"}".formatted(username, password));
    if (answer.status() != 200) {
      throw new AssertionError("login as " + username + " failed: " + answer);
    }
    return session;
  }

  /** This session without its CSRF token, as a forged cross-site request would be. */
  public HttpApi withoutCsrf() {
    HttpApi forged = new HttpApi(base, bearer, cookies);
    forged.csrf = false;
    return forged;
  }

  /** Creates an integration key with the given scopes (as the admin); returns the key. */
  public String createKey(String... scopes) {
    StringBuilder list = new StringBuilder();
    for (String scope : scopes) {
      list.append(list.isEmpty() ? "" : ",").append('"').append(scope).append('"');
    }
    Response created = post("/api/admin/keys", "{\"name\":\"test key\",\"scopes\":[" + list + "]}");
    if (created.status() != 201) {
      throw new AssertionError("could not create a key: " + created);
    }
    return created.body().path("key").asText();
  }

  /** Creates a login (as the admin) with a fresh password; returns the password. */
  public String createLogin(String username, String role, String csmId, String email) {
    String password = "pw-" + UUID.randomUUID();
    Response created =
        put(
            "/api/admin/people/" + username,
            """
            {"name":"%s","email":"%s","role":"%s",%s"password":"%s"}"""
                .formatted(
                    username,
                    email,
                    role,
                    csmId == null ? "" : "\"csmId\":\"" + csmId + "\",",
                    password));
    if (created.status() != 201 && created.status() != 200) {
      throw new AssertionError("could not create login " + username + ": " + created);
    }
    return password;
  }

  public record Response(int status, String contentType, JsonNode body) {
    public String text(String field) {
      return body.path(field).asText(null);
    }
  }

  /** Any method, with a JSON body or none. */
  public Response call(String method, String path, String json) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
    if (json == null) {
      return send(request.method(method, HttpRequest.BodyPublishers.noBody()));
    }
    return send(json(request).method(method, publisher(json)));
  }

  /** A GET answer with its response headers (paging headers, say). */
  public record WithHeaders(Response response, java.net.http.HttpHeaders headers) {}

  public WithHeaders getWithHeaders(String path) {
    return withHeaders(HttpRequest.newBuilder(uri(path)).GET());
  }

  /** A POST with extra request headers, answered with the response's headers. */
  public WithHeaders postWithHeaders(String path, String json, Map<String, String> headers) {
    HttpRequest.Builder request = json(HttpRequest.newBuilder(uri(path)));
    headers.forEach(request::header);
    return withHeaders(request.POST(publisher(json)));
  }

  private WithHeaders withHeaders(HttpRequest.Builder request) {
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    if (cookies != null && csrf) {
      cookies.getCookieStore().getCookies().stream()
          .filter(c -> c.getName().equals("XSRF-TOKEN"))
          .findFirst()
          .ifPresent(c -> request.header("X-XSRF-TOKEN", c.getValue()));
    }
    try {
      HttpResponse<String> answer =
          http.send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new WithHeaders(
          new Response(
              answer.statusCode(),
              answer.headers().firstValue("Content-Type").orElse(""),
              parse(answer.body())),
          answer.headers());
    } catch (IOException e) {
      throw new AssertionError("request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public Response delete(String path) {
    return send(HttpRequest.newBuilder(uri(path)).DELETE());
  }

  public Response post(String path, String json) {
    return send(json(HttpRequest.newBuilder(uri(path))).POST(publisher(json)));
  }

  /** A POST with extra request headers (e.g. the codec endpoint's {@code X-Namespace}). */
  public Response post(String path, String json, Map<String, String> headers) {
    HttpRequest.Builder request = json(HttpRequest.newBuilder(uri(path)));
    headers.forEach(request::header);
    return send(request.POST(publisher(json)));
  }

  public Response put(String path, String json) {
    return send(json(HttpRequest.newBuilder(uri(path))).PUT(publisher(json)));
  }

  /** Polls a GET until the predicate holds; fails after the timeout with the last body. */
  public Response await(String path, Duration timeout, Predicate<Response> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Response last = null;
    while (System.nanoTime() < deadline) {
      last = get(path);
      if (done.test(last)) {
        return last;
      }
      // Short: most waits end within a poll or two, and every test waits this way many times.
      sleep(50);
    }
    throw new AssertionError("timed out after " + timeout + " waiting on " + path + ": " + last);
  }

  /**
   * Creates a CSM and a customer with fresh ids and its own address (an erasure or an unsubscribe
   * in one test suppresses an address for good, so no other test's customer may share it); returns
   * the customer id.
   */
  public String newCustomer(String prefix) {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String csm = "csm-" + suffix;
    String customer = prefix + "-" + suffix;
    put(
        "/api/csms/" + csm,
        """
        {"name":"Petra de Vries","email":"petra@example.com","managerEmail":"lena@example.com"}""");
    Response created =
        put(
            "/api/customers/" + customer,
            """
            {"name":"Globex","email":"ops-%s@globex.example","csmId":"%s","plan":"Growth","mrr":490,
             "planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
                .formatted(suffix, csm));
    if (created.status() != 201) {
      throw new AssertionError("could not create customer: " + created);
    }
    return customer;
  }

  public static String metrics(int queries, int logins, String sentiment) {
    return """
        {"queriesPerWeek":%d,"featuresUsed":1,"loginsPerWeek":%d,"emailOpenRate":0.1,
         "openTickets":4,"sentiment":"%s","planUsage":0.3}"""
        .formatted(queries, logins, sentiment);
  }

  private static HttpRequest.BodyPublisher publisher(String json) {
    return HttpRequest.BodyPublishers.ofString(json);
  }

  private static HttpRequest.Builder json(HttpRequest.Builder builder) {
    return builder.header("Content-Type", "application/json");
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  /**
   * Any method, path (already encoded), headers and body bytes, for requests a well-behaved client
   * would not send: wrong content types, odd Accept headers, bodies streamed without a length.
   * {@code chunked} streams the body without a Content-Length.
   */
  public Response send(
      String method, String path, Map<String, String> headers, byte[] body, boolean chunked) {
    HttpRequest.BodyPublisher publisher;
    if (body == null) {
      publisher = HttpRequest.BodyPublishers.noBody();
    } else if (chunked) {
      publisher = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
    } else {
      publisher = HttpRequest.BodyPublishers.ofByteArray(body);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).method(method, publisher);
    headers.forEach(request::header);
    return send(request);
  }

  /**
   * A request written byte for byte on a socket, for what java.net.http refuses to send (a path
   * with a malformed percent-encoding, a raw control character): {@code target} goes into the
   * request line as it is. The connection is closed after the answer.
   */
  public Response sendRaw(String method, String target, Map<String, String> headers) {
    try (Socket socket = new Socket("localhost", uri("/").getPort())) {
      socket.setSoTimeout(30_000);
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
      head.append("Host: localhost:").append(uri("/").getPort()).append("\r\n");
      head.append("Connection: close\r\n");
      if (bearer != null) {
        head.append("Authorization: Bearer ").append(bearer).append("\r\n");
      }
      headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      head.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int endOfHead = answer.indexOf("\r\n\r\n");
      String[] lines = answer.substring(0, Math.max(0, endOfHead)).split("\r\n", -1);
      int status = Integer.parseInt(lines[0].split(" ", -1)[1]);
      String contentType = "";
      boolean chunked = false;
      for (String line : lines) {
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-type:")) {
          contentType = line.substring("content-type:".length()).trim();
        }
        chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
      }
      String body = endOfHead < 0 ? "" : answer.substring(endOfHead + 4);
      return new Response(status, contentType, parse(chunked ? dechunk(body) : body));
    } catch (IOException e) {
      throw new AssertionError("raw request failed: " + e, e);
    }
  }

  private static String dechunk(String body) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (true) {
      int lineEnd = body.indexOf("\r\n", at);
      if (lineEnd < 0) {
        return out.toString();
      }
      int size = Integer.parseInt(body.substring(at, lineEnd).split(";", -1)[0].trim(), 16);
      if (size == 0) {
        return out.toString();
      }
      // Sizes count bytes; the bodies here are ASCII JSON.
      out.append(body, lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
  }

  /** JSON when the body is JSON; otherwise the text as a JSON string, for the failure message. */
  private static JsonNode parse(String text) {
    if (text.isBlank()) {
      return JSON.nullNode();
    }
    try {
      return JSON.readTree(text);
    } catch (IOException notJson) {
      return JSON.getNodeFactory().textNode(text);
    }
  }

  private Response send(HttpRequest.Builder request) {
    return withHeaders(request).response();
  }

  /** Sleeps in a test; an interrupt fails the test. Also {@link TemporalClock}'s real waits. */
  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
