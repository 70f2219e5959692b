package dev.retention.api.playbooks.dryrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.AbDefinitions;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import dev.retention.data.definitions.DefinitionFiles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code POST /api/playbooks/dry-run}: the at-risk timeline of a real (Dutch) customer, with its
 * emails rendered as they would go out; a reply on day 4 hands the run over; bad input is a 400 or
 * 404 naming the field; and nothing is written or sent. The app's playbook day is two seconds, so
 * "day 4" is {@code P4D} (playbook time, 8 s here).
 */
@ApiTest
class DryRunApiTest {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  HttpApi api;

  @BeforeEach
  void setUp() {
    api = new HttpApi(port);
  }

  /** A Dutch customer of their own CSM, the way a backend would create one. */
  private String dutchCustomer() {
    return dutchCustomer("dry-" + UUID.randomUUID().toString().substring(0, 8));
  }

  private String dutchCustomer(String customer) {
    String csm = "csm-" + customer;
    assertThat(
            api.put(
                    "/api/csms/" + csm,
                    """
                    {"name":"Petra de Vries","email":"petra@example.com",\
                    "managerEmail":"lena@example.com"}""")
                .status())
        .isIn(200, 201);
    Response created =
        api.put(
            "/api/customers/" + customer,
            """
            {"name":"Initech","email":"ops@initech.example","csmId":"%s","plan":"Growth",
             "mrr":490,"planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"nl"}"""
                .formatted(csm));
    assertThat(created.status()).isEqualTo(201);
    return customer;
  }

  private Response dryRun(String json) {
    return api.post("/api/playbooks/dry-run", json);
  }

  private static List<JsonNode> entries(Response response, String kind) {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode entry : response.body().path("entries")) {
      if (kind.equals(entry.path("kind").asText())) {
        found.add(entry);
      }
    }
    return found;
  }

  /**
   * The playbook days entries fall on. A step runs a few milliseconds after its moment (the time a
   * workflow task takes), which is a visible fraction of the tests' two-second day: rounded.
   */
  private static List<Long> days(List<JsonNode> entries) {
    return entries.stream().map(DryRunApiTest::day).toList();
  }

  private static long day(JsonNode entry) {
    return Math.round(entry.path("day").asDouble());
  }

  @Test
  void atRisk_answersTheTimeline_withTheEmailsRenderedForTheCustomer() {
    String customer = dutchCustomer();
    Map<String, Long> before = rowsOf(customer);

    Response run =
        dryRun(
            """
            {"playbook":"at-risk","customerId":"%s"}"""
                .formatted(customer));

    assertThat(run.status()).as(run.toString()).isEqualTo(200);
    assertThat(run.text("status")).isEqualTo("COMPLETED");
    assertThat(run.text("outcome")).isEqualTo("CHURNING");
    assertThat(run.text("stage")).isEqualTo("CLOSED");
    assertThat(run.text("dayLength")).isEqualTo("PT2S");

    List<JsonNode> emails = entries(run, "EMAIL");
    assertThat(days(emails)).containsExactly(0L, 2L, 13L);
    assertThat(emails.stream().map(e -> e.path("step").asText()))
        .containsExactly("day-1-email", "day-3-email", "day-14-email");
    JsonNode first = emails.get(0).path("email");
    // The Dutch template, rendered for this customer, from their CSM, to them.
    assertThat(first.path("subject").asText())
        .isEqualTo("Initech: kan ik je helpen meer uit " + productName + " te halen?");
    assertThat(first.path("locale").asText()).isEqualTo("nl");
    assertThat(first.path("from").asText()).isEqualTo("Petra de Vries <petra@example.com>");
    assertThat(first.path("to").asText()).isEqualTo("Initech <ops@initech.example>");
    assertThat(first.path("body").asText())
        .contains("Hoi team van Initech")
        .contains("Petra de Vries")
        .contains(DryRunRecorder.UNSUBSCRIBE_PLACEHOLDER)
        .doesNotContain("/unsubscribe?");
    assertThat(emails.get(2).path("email").path("subject").asText())
        .isEqualTo("Een aanbod om Initech op weg te helpen met " + productName);

    List<JsonNode> tasks = entries(run, "TASK");
    assertThat(days(tasks)).containsExactly(6L);
    JsonNode call = tasks.get(0).path("task");
    assertThat(call.path("assignee").asText()).isEqualTo("CSM");
    assertThat(call.path("assigneeEmail").asText()).isEqualTo("petra@example.com");
    assertThat(call.path("priority").asText()).isEqualTo("HIGH");
    // Due a day after it is created on day 6.
    assertThat(java.time.Duration.parse(call.path("dueOffset").asText()).toMillis())
        .isBetween(14_000L, 14_500L);
    assertThat(call.path("title").asText()).startsWith("Call attempt");

    assertThat(entries(run, "TAG"))
        .singleElement()
        .satisfies(
            tag -> {
              assertThat(tag.path("summary").asText()).isEqualTo("churning");
              assertThat(day(tag)).isEqualTo(16L);
            });
    assertThat(entries(run, "OUTCOME"))
        .singleElement()
        .satisfies(o -> assertThat(o.path("summary").asText()).contains("CHURNING"));
    assertThat(entries(run, "STAGE").stream().map(s -> s.path("summary").asText()))
        .containsExactly(
            "OUTREACH", "OUTREACH -> CALL", "CALL -> FINAL_OUTREACH", "FINAL_OUTREACH -> CLOSED");
    assertThat(entries(run, "WAIT").stream().map(w -> w.path("step").asText()))
        .containsExactly("day-3-email", "day-7-call-task", "day-14-email", "day-17-churning-tag");
    // In time order, each with its absolute time.
    List<Double> all =
        StreamSupport.stream(run.body().path("entries").spliterator(), false)
            .map(e -> e.path("day").asDouble())
            .toList();
    assertThat(all).isSorted();
    assertThat(run.body().path("entries").get(0).path("at").asText()).isNotBlank();

    // Nothing written: no email claimed (every send claims its row first), no task, no run.
    assertThat(rowsOf(customer)).isEqualTo(before);
    assertThat(dryRunRows()).isZero();
    // Who looked is audited, as on every request about a customer.
    assertThat(
            jdbc.sql(
                    "select count(*) from audit_log where customer_id = :c"
                        + " and action like '%dry-run%'")
                .param("c", customer)
                .query(Long.class)
                .single())
        .isEqualTo(1L);
  }

  /**
   * A draft definition, before anything is stored: the at-risk playbook with its day-3 email on day
   * 2 and a new Dutch subject line's playbook, played for the customer as it would run.
   */
  @Test
  void aDraftDefinition_isPlayedAsItWouldRun_withoutBeingStored() throws Exception {
    String customer = dutchCustomer();
    String dayTwo =
        DefinitionFiles.yaml(DefinitionFiles.shipped("at-risk").orElseThrow())
                .replace("until: start + P2D", "until: start + P1D")
                .replace("at: start + P2D", "at: start + P1D")
            + """
            templates:
              at-risk/day-3:
                en: {subject: "A quick idea, {{customer.name}}", text: "Hi {{customer.name}}"}
                nl:
                  subject: "Dag 2: een snel idee voor {{customer.name}}"
                  text: "Hoi {{customer.name}},\\n\\nNieuw.\\n{{csm.name}}"
            """;
    long versionsBefore =
        jdbc.sql("select count(*) from playbook_definition_versions").query(Long.class).single();

    Response run =
        dryRun(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsString(
                    Map.of("playbook", "at-risk", "customerId", customer, "yaml", dayTwo)));

    assertThat(run.status()).as(run.toString()).isEqualTo(200);
    assertThat(days(entries(run, "EMAIL"))).containsExactly(0L, 1L, 13L);
    // The draft's own Dutch text of day 3, for this Dutch customer, with the engine's footer.
    JsonNode dayThree = entries(run, "EMAIL").get(1).path("email");
    assertThat(dayThree.path("subject").asText()).isEqualTo("Dag 2: een snel idee voor Initech");
    assertThat(dayThree.path("body").asText())
        .startsWith("Hoi Initech,\n\nNieuw.\nPetra de Vries")
        .contains("Afmelden voor deze e-mails: " + DryRunRecorder.UNSUBSCRIBE_PLACEHOLDER);
    assertThat(entries(run, "EMAIL").get(0).path("email").path("subject").asText())
        .isEqualTo("Initech: kan ik je helpen meer uit " + productName + " te halen?");
    assertThat(run.text("outcome")).isEqualTo("CHURNING");
    assertThat(
            jdbc.sql("select count(*) from playbook_definition_versions")
                .query(Long.class)
                .single())
        .isEqualTo(versionsBefore);

    Response bad =
        dryRun(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsString(
                    Map.of(
                        "playbook",
                        "at-risk",
                        "customerId",
                        customer,
                        "yaml",
                        dayTwo.replaceFirst("kind: email", "kind: fax"))));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.text("pointer")).isEqualTo("/steps/0/kind");
  }

  /**
   * The at-risk day-1 subject A/B as a draft: each customer's dry-run shows the variant the engine
   * gives them (the timeline's A/B entry) and sends that variant's day-1 email.
   */
  @Test
  void anAbSplit_showsTheVariantTheCustomerGets_andSendsItsEmail() throws Exception {
    String yaml = AbDefinitions.atRiskWithDay1SubjectSplit();
    String base = "dry-ab-" + UUID.randomUUID().toString().substring(0, 6) + "-";
    Map<String, String> subjects =
        Map.of(
            "A", "Initech: kan ik je helpen meer uit " + productName + " te halen?",
            "B", "Een korte vraag over " + productName + ", Initech");
    for (String variant : List.of("A", "B")) {
      String customer =
          java.util.stream.IntStream.range(0, 100)
              .mapToObj(i -> base + i)
              .filter(c -> AbDefinitions.variantOf(c).equals(variant))
              .findFirst()
              .orElseThrow();
      dutchCustomer(customer);

      Response run =
          dryRun(
              new com.fasterxml.jackson.databind.ObjectMapper()
                  .writeValueAsString(
                      Map.of("playbook", "at-risk", "customerId", customer, "yaml", yaml)));

      assertThat(run.status()).as(run.toString()).isEqualTo(200);
      List<JsonNode> ab =
          entries(run, "STEP").stream()
              .filter(e -> e.path("step").asText().equals("day-1-subject-ab"))
              .toList();
      assertThat(ab).as(run.toString()).hasSize(1);
      assertThat(ab.getFirst().path("summary").asText())
          .isEqualTo("A/B day-1-subject: variant " + variant);
      assertThat(day(ab.getFirst())).isZero();
      List<JsonNode> emails = entries(run, "EMAIL");
      assertThat(emails.getFirst().path("step").asText()).isEqualTo("day-1-email");
      assertThat(emails.getFirst().path("email").path("subject").asText())
          .isEqualTo(subjects.get(variant));
      assertThat(days(emails)).containsExactly(0L, 2L, 13L);
    }
  }

  @Test
  void aReplyOnDay4_handsOver_andNoEmailGoesOutAfterIt() {
    String customer = dutchCustomer();
    Map<String, Long> before = rowsOf(customer);

    Response run =
        dryRun(
            """
            {"playbook":"at-risk","customerId":"%s",
             "events":[{"at":"P4D","type":"customer-responded"}]}"""
                .formatted(customer));

    assertThat(run.status()).as(run.toString()).isEqualTo(200);
    assertThat(days(entries(run, "EMAIL"))).containsExactly(0L, 2L);
    assertThat(entries(run, "EVENT"))
        .singleElement()
        .satisfies(e -> assertThat(day(e)).isEqualTo(4L));
    List<JsonNode> tasks = entries(run, "TASK");
    assertThat(tasks.stream().map(t -> t.path("step").asText()))
        .containsExactly("customer-responded-task", "decision-deadline-manager-task");
    assertThat(days(tasks)).containsExactly(4L, 18L);
    assertThat(tasks.get(0).path("task").path("title").asText())
        .isEqualTo("Customer responded: follow up personally");
    assertThat(entries(run, "STAGE").stream().map(s -> s.path("summary").asText()))
        .contains("OUTREACH -> AWAITING_DECISION");
    // The CSM decides nothing within 14 days of the hand-over: the manager is told.
    assertThat(run.text("outcome")).isEqualTo("UNRESOLVED");
    assertThat(rowsOf(customer)).isEqualTo(before);
    assertThat(dryRunRows()).isZero();
  }

  @Test
  void anOutcomeTheRunRefuses_isOnTheTimeline_notAnError() {
    String customer = dutchCustomer();
    Response run =
        dryRun(
            """
            {"playbook":"at-risk","customerId":"%s",
             "events":[{"at":"P1D","type":"outcome","outcome":"CALL_COMPLETED"},
                       {"at":"P7D","type":"outcome","outcome":"SAVED","note":"renewed"}]}"""
                .formatted(customer));
    assertThat(run.status()).as(run.toString()).isEqualTo(200);
    assertThat(entries(run, "EVENT").stream().map(e -> e.path("summary").asText()))
        .anyMatch(s -> s.startsWith("the run refuses CALL_COMPLETED"));
    assertThat(run.text("outcome")).isEqualTo("SAVED");
    assertThat(entries(run, "NOTE").stream().map(e -> e.path("summary").asText()))
        .contains("renewed");
    assertThat(days(entries(run, "EMAIL"))).containsExactly(0L, 2L);
  }

  @Test
  void badInput_isAProblemNamingTheField() {
    String customer = dutchCustomer();
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put(
        "playbook",
        """
        {"playbook":"win-back","customerId":"%s"}"""
            .formatted(customer));
    cases.put(
        "events[0].at",
        """
        {"playbook":"at-risk","customerId":"%s","events":[{"at":"4 days","type":"health","score":70}]}"""
            .formatted(customer));
    cases.put(
        "events[1].at",
        """
        {"playbook":"at-risk","customerId":"%s","events":[{"at":"PT2S","type":"customer-responded"},
         {"at":"-PT2S","type":"customer-responded"}]}"""
            .formatted(customer));
    cases.put(
        "events[0].type",
        """
        {"playbook":"at-risk","customerId":"%s","events":[{"at":"PT2S","type":"unsubscribed"}]}"""
            .formatted(customer));
    cases.put(
        "events[0].outcome",
        """
        {"playbook":"at-risk","customerId":"%s","events":[{"at":"PT2S","type":"outcome","outcome":"WON"}]}"""
            .formatted(customer));
    cases.put(
        "events[0].score",
        """
        {"playbook":"at-risk","customerId":"%s","events":[{"at":"PT2S","type":"health"}]}"""
            .formatted(customer));
    cases.put(
        "definition",
        """
        {"playbook":"at-risk","customerId":"%s","definition":{"steps":[]}}"""
            .formatted(customer));
    cases.forEach(
        (field, body) -> {
          Response refused = dryRun(body);
          assertThat(refused.status()).as(field + ": " + refused).isEqualTo(400);
          assertThat(refused.contentType()).startsWith("application/problem+json");
          assertThat(refused.text("field")).as(refused.toString()).isEqualTo(field);
        });
    assertThat(
            dryRun(
                    """
        {"playbook":"at-risk","customerId":"c-nobody-here"}""")
                .status())
        .isEqualTo(404);
    Response missing =
        dryRun(
            """
        {"customerId":"%s"}"""
                .formatted(customer));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.text("field")).isEqualTo("playbook");
  }

  @Test
  void aCsmDryRunsTheirOwnCustomersOnly_andAReadOnlyKeyNot() {
    String customer = dutchCustomer();
    String csmId =
        jdbc.sql("select csm_id from customers where id = :c")
            .param("c", customer)
            .query(String.class)
            .single();
    String other = dutchCustomer();
    String name = "dry-" + UUID.randomUUID().toString().substring(0, 8);
    String password = api.createLogin(name, "CSM", csmId, name + "@example.com");
    HttpApi csm = new HttpApi(port).login(name, password);
    assertThat(
            csm.post(
                    "/api/playbooks/dry-run",
                    """
                    {"playbook":"onboarding","customerId":"%s"}"""
                        .formatted(customer))
                .status())
        .isEqualTo(200);
    assertThat(
            csm.post(
                    "/api/playbooks/dry-run",
                    """
                    {"playbook":"onboarding","customerId":"%s"}"""
                        .formatted(other))
                .status())
        .isEqualTo(403);
    String readKey = api.createKey("read");
    assertThat(
            new HttpApi(port)
                .withKey(readKey)
                .post(
                    "/api/playbooks/dry-run",
                    """
                    {"playbook":"onboarding","customerId":"%s"}"""
                        .formatted(customer))
                .status())
        .isEqualTo(403);
  }

  @Value("${retention.email.product-name}")
  String productName;

  /**
   * Rows about the customer in every table that names a customer, but the audit log: the request
   * itself is audited, like any other on a customer (checked apart).
   */
  private Map<String, Long> rowsOf(String customer) {
    List<String> tables =
        jdbc.sql(
                "select table_name from information_schema.columns where table_schema = 'public'"
                    + " and column_name = 'customer_id' and table_name <> 'audit_log'"
                    + " order by table_name")
            .query(String.class)
            .list();
    Map<String, Long> rows = new LinkedHashMap<>();
    for (String table : tables) {
      rows.put(
          table,
          jdbc.sql("select count(*) from \"" + table + "\" where customer_id = :c")
              .param("c", customer)
              .query(Long.class)
              .single());
    }
    rows.put(
        "customers",
        jdbc.sql("select count(*) from customers where id = :c")
            .param("c", customer)
            .query(Long.class)
            .single());
    return rows;
  }

  /** Rows anywhere that name a dry-run's workflow id. */
  private long dryRunRows() {
    List<String> tables =
        jdbc.sql(
                "select table_name from information_schema.columns where table_schema = 'public'"
                    + " and column_name = 'workflow_id'")
            .query(String.class)
            .list();
    long rows = 0;
    for (String table : tables) {
      rows +=
          jdbc.sql("select count(*) from \"" + table + "\" where workflow_id like 'dry-run-%'")
              .query(Long.class)
              .single();
    }
    return rows;
  }
}
