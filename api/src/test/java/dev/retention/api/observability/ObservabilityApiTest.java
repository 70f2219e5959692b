package dev.retention.api.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@ApiTest
class ObservabilityApiTest {

  @LocalServerPort int port;

  private HttpResponse<String> scrape(String key) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void prometheus_needsOps_andHasTheSdksAndTheProductsFigures() throws Exception {
    HttpApi admin = new HttpApi(port);
    assertThat(scrape(null).statusCode()).isEqualTo(401);
    assertThat(scrape(admin.createKey("read")).statusCode()).isEqualTo(403);

    String customer = admin.newCustomer("metrics");
    admin.post("/api/playbooks", "{\"playbook\":\"at-risk\",\"customerId\":\"" + customer + "\"}");
    String run = "/api/playbooks/at-risk-" + customer;
    admin.await(run, Duration.ofSeconds(30), r -> r.body().path("steps").size() >= 1);
    admin.post(run + "/outcomes", "{\"type\":\"CUSTOMER_RESPONDED\"}");
    admin.post(run + "/outcomes", "{\"type\":\"SAVED\"}");
    admin.await(run, Duration.ofSeconds(30), r -> "COMPLETED".equals(r.text("status")));
    String ops = admin.createKey("ops");
    // The product figures are re-read from the database at most every 0.2 s in tests.
    String body =
        awaitScrape(
            ops,
            "retention_runs_closed_total{outcome=\"SAVED\"",
            "retention_runs_started_total{playbook=\"at-risk\"}",
            "retention_emails_total{status=\"SENT\"}",
            "retention_outcome_roundtrip_seconds_count{playbook=\"at-risk\",result=\"accepted\"}");
    assertThat(body).contains("temporal_"); // the SDK's own metrics
    assertThat(body).containsPattern("retention_runs_started_total\\{playbook=\"at-risk\"}");
    assertThat(body)
        .containsPattern("retention_runs_closed_total\\{outcome=\"SAVED\",playbook=\"at-risk\"}");
    assertThat(body).containsPattern("retention_emails_total\\{status=\"SENT\"}");
    assertThat(body)
        .containsPattern(
            "retention_outcome_roundtrip_seconds_count\\{playbook=\"at-risk\",result=\"accepted\"}"); // The metrics batches' queued starts: a gauge per state, read with the other figures.
    assertThat(body).containsPattern("retention_starts_queued\\{state=\"queued\"} \\d");
    assertThat(body).containsPattern("retention_starts_queued\\{state=\"retrying\"} \\d");
  }

  /** Scrapes until every fragment is there: figures seen first are registered as they appear. */
  private String awaitScrape(String key, String... fragments) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String body = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> scraped = scrape(key);
      assertThat(scraped.statusCode()).isEqualTo(200);
      body = scraped.body();
      String scrapedBody = body;
      if (java.util.Arrays.stream(fragments).allMatch(scrapedBody::contains)) {
        return body;
      }
    }
    throw new AssertionError(
        "not all of " + java.util.List.of(fragments) + " in the scrape within 20 s:\n" + body);
  }

  @Test
  void health_isPublic_andShowsTemporalToAdmins() {
    HttpApi admin = new HttpApi(port);
    var anonymous = admin.anonymous().get("/actuator/health");
    assertThat(anonymous.status()).isEqualTo(200);
    assertThat(anonymous.text("status")).isEqualTo("UP");
    assertThat(anonymous.body().has("components")).isFalse();
    var detailed = admin.get("/actuator/health");
    assertThat(detailed.body().path("components").path("temporal").path("status").asText())
        .isEqualTo("UP");
    assertThat(detailed.body().path("components").path("db").path("status").asText())
        .isEqualTo("UP");
  }
}
