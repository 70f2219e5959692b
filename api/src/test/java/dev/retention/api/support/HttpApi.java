package dev.retention.api.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;

/** A small JSON client for the API under test, over real HTTP. */
public final class HttpApi {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;

  public HttpApi(int port) {
    this.base = "http://localhost:" + port;
  }

  public record Response(int status, String contentType, JsonNode body) {
    public String text(String field) {
      return body.path(field).asText(null);
    }
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public Response delete(String path) {
    return send(HttpRequest.newBuilder(uri(path)).DELETE());
  }

  public Response post(String path, String json) {
    return send(body(HttpRequest.newBuilder(uri(path)), json).POST(publisher(json)));
  }

  public Response put(String path, String json) {
    return send(body(HttpRequest.newBuilder(uri(path)), json).PUT(publisher(json)));
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
      sleep(250);
    }
    throw new AssertionError("timed out after " + timeout + " waiting on " + path + ": " + last);
  }

  /** Creates a CSM and a customer with fresh ids; returns the customer id. */
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
            {"name":"Globex","email":"ops@globex.example","csmId":"%s","plan":"Growth","mrr":490,
             "planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
                .formatted(csm));
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

  private static HttpRequest.Builder body(HttpRequest.Builder builder, String json) {
    return builder.header("Content-Type", "application/json");
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          http.send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
      return new Response(
          response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), body);
    } catch (IOException e) {
      throw new AssertionError("request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
