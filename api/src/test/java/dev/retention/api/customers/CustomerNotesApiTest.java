package dev.retention.api.customers;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What a CSM writes is kept verbatim and shown where the team looks: notes and logged calls on the
 * customer, the note typed with an outcome and the note a task was completed with, in the
 * customer's notes, its timeline and the run; refused with a problem naming the field when it
 * cannot be kept, and erased with the customer.
 */
@ApiTest
class CustomerNotesApiTest {

  /** Line breaks, tabs, markup and an emoji: all kept as typed. */
  static final String TYPED = "Spoke to Ann.\n<b>Plan</b> & \"next\" steps:\n\t1. training 🙂";

  @LocalServerPort int port;
  HttpApi api;

  @BeforeEach
  void setUp() {
    api = new HttpApi(port);
  }

  @Test
  void aNoteAndALoggedCall_areKeptVerbatim_inTheNotesAndTheTimeline() {
    String customer = api.newCustomer("notes");
    Response note =
        api.post("/api/customers/" + customer + "/notes", body("NOTE", TYPED, null, null));
    assertThat(note.status()).as(note.toString()).isEqualTo(201);
    assertThat(note.text("body")).isEqualTo(TYPED);
    String when =
        Instant.now()
            .minus(Duration.ofHours(2))
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            .toString();
    Response call =
        api.post(
            "/api/customers/" + customer + "/notes",
            body("CALL", "Renewal looks fine", when, "Ann de Wit (CFO)"));
    assertThat(call.status()).as(call.toString()).isEqualTo(201);
    assertThat(call.text("withWhom")).isEqualTo("Ann de Wit (CFO)");
    assertThat(Instant.parse(call.text("occurredAt"))).isEqualTo(Instant.parse(when));

    JsonNode notes = api.get("/api/customers/" + customer + "/notes").body();
    assertThat(texts(notes, "body")).containsExactly("Renewal looks fine", TYPED);

    JsonNode timeline = api.get("/api/customers/" + customer + "/timeline").body();
    assertThat(entry(timeline, "NOTE").path("note").asText()).isEqualTo(TYPED);
    assertThat(entry(timeline, "CALL").path("note").asText()).isEqualTo("Renewal looks fine");
    assertThat(entry(timeline, "CALL").path("summary").asText()).contains("Ann de Wit (CFO)");
  }

  @Test
  void badNotes_areRefusedNamingTheField_andNothingIsCut() {
    String customer = api.newCustomer("badnotes");
    String path = "/api/customers/" + customer + "/notes";
    Response tooLong = api.post(path, body("NOTE", "x".repeat(10_001), null, null));
    assertProblem(tooLong, 400, "text", "10000");
    Response longest = api.post(path, body("NOTE", "é".repeat(10_000), null, null));
    assertThat(longest.status()).as(longest.toString()).isEqualTo(201);
    assertThat(longest.text("body")).hasSize(10_000);
    assertProblem(api.post(path, body("NOTE", "  ", null, null)), 400, "text", "text");
    assertProblem(api.post(path, body("EMAIL", "hi", null, null)), 400, "kind", "kind");
    assertProblem(
        api.post(path, body("CALL", "hi", Instant.now().plus(Duration.ofDays(1)).toString(), null)),
        400,
        "occurredAt",
        "future");
    assertProblem(api.post(path, body("NOTE", "hi", null, "Ann")), 400, "withWhom", "CALL");
    assertProblem(api.post(path, body("NOTE", "bell \u0007", null, null)), 400, "text", "control");
    assertThat(api.get(path).body().size()).isEqualTo(1);
  }

  @Test
  void theOutcomeNote_andTheTaskCompletionNote_showInTheRun_theTimeline_andTheTasks() {
    String customer = api.newCustomer("runnotes");
    String run = "at-risk-" + customer;
    assertThat(api.post("/api/playbooks", start(customer)).status()).isEqualTo(202);
    api.await(
        "/api/playbooks/" + run, Duration.ofSeconds(30), r -> r.body().path("steps").size() >= 1);
    // The customer answered: the CSM gets a follow-up task, and completes it with a note.
    assertThat(
            api.post("/api/events/customer-replied", "{\"customerId\":\"" + customer + "\"}")
                .status())
        .isBetween(200, 299);
    Response open =
        api.await(
            "/api/tasks?customerId=" + customer,
            Duration.ofSeconds(30),
            r -> r.body().path("items").size() >= 1);
    long task = open.body().path("items").get(0).path("id").asLong();
    Response done =
        api.post(
            "/api/tasks/" + task + "/complete", "{\"note\":\"Called back.\\nWants training.\"}");
    assertThat(done.status()).as(done.toString()).isEqualTo(200);
    Response saved =
        api.post(
            "/api/playbooks/" + run + "/outcomes",
            "{\"type\":\"SAVED\",\"note\":\"Plan: two trainings,\\nthen a check-in\"}");
    assertThat(saved.status()).as(saved.toString()).isBetween(200, 299);

    Response view =
        api.await(
            "/api/playbooks/" + run,
            Duration.ofSeconds(30),
            r ->
                texts(r.body().path("notes"), "text")
                    .contains("Plan: two trainings,\nthen a check-in"));
    assertThat(texts(view.body().path("notes"), "text")).contains("Called back.\nWants training.");
    assertThat(texts(view.body().path("notes"), "kind")).contains("NOTE", "TASK_DONE");

    JsonNode timeline = api.get("/api/customers/" + customer + "/timeline").body();
    assertThat(texts(timeline, "note"))
        .contains("Plan: two trainings,\nthen a check-in", "Called back.\nWants training.");
    assertThat(texts(api.get("/api/customers/" + customer + "/tasks").body(), "closeNote"))
        .contains("Called back.\nWants training.");
    // The notes of the customer hold the outcome's, with its run.
    JsonNode notes = api.get("/api/customers/" + customer + "/notes").body();
    assertThat(texts(notes, "workflowId")).contains(run);
  }

  @Test
  void anErasedCustomer_hasItsNotesAndContactsErased_andTakesNoNewOnes_untilAddedAgain() {
    String customer = api.newCustomer("erasenotes");
    String path = "/api/customers/" + customer + "/notes";
    assertThat(api.post(path, body("NOTE", "Ann is unhappy", null, null)).status()).isEqualTo(201);
    assertThat(
            api.post(path, body("MEETING", "QBR", Instant.now().toString(), "Ann de Wit")).status())
        .isEqualTo(201);
    assertThat(
            api.post(
                    "/api/customers/" + customer + "/contacts",
                    "{\"name\":\"Ann de Wit\",\"email\":\"ann@globex.example\",\"primary\":true}")
                .status())
        .isEqualTo(201);

    assertThat(api.delete("/api/customers/" + customer + "/personal-data").status()).isEqualTo(200);

    JsonNode notes = api.get(path).body();
    assertThat(texts(notes, "body")).containsOnly("[erased]");
    assertThat(notes.toString()).doesNotContain("Ann");
    assertThat(api.get("/api/customers/" + customer + "/timeline").body().toString())
        .doesNotContain("Ann");
    assertThat(api.get("/api/customers/" + customer + "/contacts").body().size()).isZero();
    Response refused = api.post(path, body("NOTE", "new", null, null));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    assertThat(refused.text("detail")).contains("erased");
    assertThat(
            api.post(
                    "/api/customers/" + customer + "/contacts",
                    "{\"name\":\"Bo\",\"email\":\"bo@globex.example\"}")
                .status())
        .isEqualTo(409);

    // Added again (a PUT after the erasure): notes are taken again.
    String csm = api.get("/api/customers/" + customer).text("csmId");
    assertThat(
            api.put(
                    "/api/customers/" + customer,
                    """
                    {"name":"Globex","email":"ops@globex.example","csmId":"%s","plan":"Growth",
                     "mrr":490,"planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
                        .formatted(csm))
                .status())
        .isEqualTo(200);
    assertThat(api.post(path, body("NOTE", "back again", null, null)).status()).isEqualTo(201);
  }

  static String body(String kind, String text, String occurredAt, String withWhom) {
    com.fasterxml.jackson.databind.node.ObjectNode body =
        new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    body.put("kind", kind);
    body.put("text", text);
    if (occurredAt != null) {
      body.put("occurredAt", occurredAt);
    }
    if (withWhom != null) {
      body.put("withWhom", withWhom);
    }
    return body.toString();
  }

  private static String start(String customer) {
    return "{\"playbook\":\"at-risk\",\"customerId\":\"" + customer + "\"}";
  }

  static List<String> texts(JsonNode items, String field) {
    List<String> out = new ArrayList<>();
    items.forEach(i -> out.add(i.path(field).asText(null)));
    return out;
  }

  private static JsonNode entry(JsonNode timeline, String kind) {
    for (JsonNode item : timeline) {
      if (kind.equals(item.path("kind").asText())) {
        return item;
      }
    }
    throw new AssertionError("no " + kind + " entry in " + timeline);
  }
}
