package dev.retention.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retention.api.support.HttpApi.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Closed at-risk runs of the day-1 subject A/B ({@link AbDefinitions}) for fresh customers of one
 * CSM: the A/B version is published, the runs start, and the version published before is published
 * again at once (the runs keep theirs), so other tests' at-risk runs follow the shipped one. Every
 * third run closes CHURNED, the others SAVED.
 */
public final class AbRuns {

  static final Duration WAIT = Duration.ofSeconds(30);
  static final ObjectMapper JSON = new ObjectMapper();

  /** A run: its customer, the variant the engine gives them, the outcome it closed with. */
  public record Run(String customer, String variant, String outcome) {}

  private AbRuns() {}

  public static List<Run> closedRuns(HttpApi admin, String csmId, int n) {
    int before =
        admin.get("/api/playbook-definitions/at-risk").body().path("publishedVersion").asInt();
    Response draft;
    try {
      draft =
          admin.post(
              "/api/playbook-definitions/at-risk/versions",
              JSON.writeValueAsString(
                  Map.of(
                      "yaml",
                      AbDefinitions.atRiskWithDay1SubjectSplit(),
                      "note",
                      "A/B on the day-1 subject")));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    assertThat(draft.status()).as(draft.toString()).isEqualTo(201);
    int split = draft.body().path("version").asInt();
    List<String> customers = new ArrayList<>();
    try {
      Response published =
          admin.post(
              "/api/playbook-definitions/at-risk/versions/" + split + "/publish",
              "{\"note\":\"A/B on the day-1 subject\"}");
      assertThat(published.status()).as(published.toString()).isEqualTo(200);
      for (int i = 0; i < n; i++) {
        String customer = customer(admin, csmId);
        customers.add(customer);
        Response started =
            admin.post(
                "/api/playbooks", "{\"playbook\":\"at-risk\",\"customerId\":\"" + customer + "\"}");
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
      }
    } finally {
      Response back =
          admin.post(
              "/api/playbook-definitions/at-risk/versions/" + before + "/publish",
              "{\"note\":\"back from the A/B\"}");
      assertThat(back.status()).as(back.toString()).isEqualTo(200);
    }
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < customers.size(); i++) {
      String customer = customers.get(i);
      String outcome = i % 3 == 2 ? "CHURNED" : "SAVED";
      String run = "/api/playbooks/at-risk-" + customer;
      Response shown =
          admin.await(run, WAIT, r -> r.body().path("variants").has(AbDefinitions.EXPERIMENT));
      assertThat(shown.body().path("playbookVersion").asInt()).isEqualTo(split);
      for (String type : List.of("CUSTOMER_RESPONDED", outcome)) {
        Response r = admin.post(run + "/outcomes", "{\"type\":\"" + type + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
      }
      admin.await(run, WAIT, r -> "COMPLETED".equals(r.text("status")));
      runs.add(new Run(customer, AbDefinitions.variantOf(customer), outcome));
    }
    // The projection records the outcomes moments after the runs close.
    admin.await(
        "/api/reports/experiments?playbook=at-risk&csmId=" + csmId,
        WAIT,
        r -> {
          long decided = 0;
          for (JsonNode e : r.body().path("experiments")) {
            for (JsonNode v : e.path("variants")) {
              decided += v.path("decided").asLong();
            }
          }
          return decided == n;
        });
    return runs;
  }

  /** Per variant: runs and saved runs. */
  public static Map<String, long[]> perVariant(List<Run> runs) {
    Map<String, long[]> counts = new LinkedHashMap<>();
    for (Run run : runs) {
      long[] c = counts.computeIfAbsent(run.variant(), v -> new long[2]);
      c[0]++;
      if (run.outcome().equals("SAVED")) {
        c[1]++;
      }
    }
    return counts;
  }

  private static String customer(HttpApi admin, String csmId) {
    String id = "ab-" + UUID.randomUUID().toString().substring(0, 8);
    Response r =
        admin.put(
            "/api/customers/" + id,
            """
            {"name":"Globex","email":"ops@globex.example","csmId":"%s","plan":"Growth","mrr":490,
             "planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
                .formatted(csmId));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return id;
  }
}
