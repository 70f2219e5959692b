package dev.retention.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The input rules over every endpoint, as a table: control characters in every single-line field,
 * sizes, number ranges, duplicate keys, type coercions and the errors the container answers itself.
 * Every row must be a 4xx problem+json naming the field (where there is one), and leave the
 * customer, its timeline, runs, emails and tasks exactly as they were.
 */
@ApiTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InputRulesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JSON_TYPE = "application/json";

  /** Fixed ids so the table can be built before the app starts; the fixture creates them. */
  private static final String CUSTOMER = "rules-customer";

  private static final String CSM = "rules-csm";
  private static final String RUN = "at-risk-" + CUSTOMER;

  @LocalServerPort int port;
  HttpApi api;

  /** What must not change, whatever a row sends. */
  private List<String> before;

  /**
   * A request, what it must answer, and the field it must name; {@code field} null means the answer
   * names none, {@code fieldIfAny} that it may name none (the firewall in front of the app refuses
   * some paths before the app sees them) but, if it names one, that one.
   */
  record Row(
      String name,
      String method,
      String path,
      String contentType,
      String body,
      int status,
      String field,
      boolean fieldIfAny) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  void fixture() {
    api = new HttpApi(port);
    api.put(
        "/api/csms/" + CSM,
        """
        {"name":"Petra de Vries","email":"petra@example.com","managerEmail":"lena@example.com"}""");
    Response created = api.put("/api/customers/" + CUSTOMER, customer().toString());
    assertThat(created.status()).as(created.toString()).isIn(200, 201);
    assertThat(api.post("/api/customers/" + CUSTOMER + "/metrics", metrics().toString()).status())
        .isEqualTo(200);
    before = state();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void refused_namingTheField_andNothingChanges(Row row) {
    Map<String, String> headers =
        row.contentType() == null ? Map.of() : Map.of("Content-Type", row.contentType());
    Response r =
        api.send(
            row.method(),
            row.path(),
            headers,
            row.body() == null ? null : row.body().getBytes(StandardCharsets.UTF_8),
            false);
    assertProblem(r, row);
    assertThat(state()).as("nothing changed after " + row.name()).isEqualTo(before);
  }

  static Stream<Row> rows() {
    List<Row> rows = new ArrayList<>();
    String csmPath = "/api/csms/rules-csm-new";
    String customerPath = "/api/customers/" + CUSTOMER;
    String metricsPath = customerPath + "/metrics";
    String outcomePath = "/api/playbooks/" + RUN + "/outcomes";

    // Control characters in every single-line field of every body, and one over its size.
    textRows(rows, "PUT", csmPath, csm(), List.of("name", "email", "managerEmail"), 200);
    textRows(
        rows,
        "PUT",
        customerPath,
        customer(),
        List.of("name", "email", "plan", "timezone", "locale"),
        200);
    textRows(rows, "PUT", customerPath, customer(), List.of("csmId"), 64);
    textRows(rows, "POST", "/api/playbooks", start(), List.of("playbook"), 200);
    textRows(rows, "POST", "/api/playbooks", start(), List.of("customerId"), 64);
    textRows(rows, "POST", "/api/playbooks", start(), List.of("reason"), 500);
    textRows(rows, "POST", outcomePath, outcome(), List.of("type"), 200);
    textRows(rows, "POST", outcomePath, outcome(), List.of("csmId"), 64);
    for (String event : List.of("signup", "customer-replied")) {
      textRows(rows, "POST", "/api/events/" + event, event(), List.of("customerId"), 64);
    }
    ObjectNode milestone = event().put("milestone", "FIRST_QUERY");
    textRows(rows, "POST", "/api/events/milestone", milestone, List.of("customerId"), 64);
    textRows(rows, "POST", "/api/events/milestone", milestone, List.of("milestone"), 200);
    ObjectNode nps = event().put("score", 9).put("comment", "Great");
    textRows(rows, "POST", "/api/events/nps", nps, List.of("customerId"), 64);
    ObjectNode cancellation = event().put("reason", "TOO_EXPENSIVE");
    textRows(
        rows,
        "POST",
        "/api/events/cancellation-requested",
        cancellation,
        List.of("customerId"),
        64);
    textRows(
        rows, "POST", "/api/events/cancellation-requested", cancellation, List.of("reason"), 200);
    ObjectNode upgraded = event().put("plan", "Business");
    textRows(rows, "POST", "/api/events/upgraded", upgraded, List.of("customerId"), 64);
    textRows(rows, "POST", "/api/events/upgraded", upgraded, List.of("plan"), 100);

    // Free text: line breaks are fine (not here), NUL and escape are not, nor more than 10 000.
    for (var free : List.of(Map.entry(outcomePath, outcome()), Map.entry("/api/events/nps", nps))) {
      String field = free.getKey().endsWith("nps") ? "comment" : "note";
      rows.add(
          body(
              field + " with NUL",
              "POST",
              free.getKey(),
              free.getValue().deepCopy().put(field, "ok\n\u0000"),
              field));
      rows.add(
          body(
              field + " with ESC",
              "POST",
              free.getKey(),
              free.getValue().deepCopy().put(field, "\u001b[31mred"),
              field));
      rows.add(
          body(
              field + " of 10 001",
              "POST",
              free.getKey(),
              free.getValue().deepCopy().put(field, "x".repeat(10_001)),
              field));
    }

    // Numbers within their columns.
    rows.add(
        body(
            "mrr over numeric(12,2)",
            "PUT",
            customerPath,
            with(customer(), "mrr", "10000000000"),
            "mrr"));
    rows.add(
        body("mrr with 3 decimals", "PUT", customerPath, with(customer(), "mrr", "1.125"), "mrr"));
    rows.add(body("mrr negative", "PUT", customerPath, with(customer(), "mrr", "-1"), "mrr"));
    rows.add(body("mrr 1e400", "PUT", customerPath, with(customer(), "mrr", "1e400"), "mrr"));
    rows.add(
        body(
            "planUsageLimit over int",
            "PUT",
            customerPath,
            with(customer(), "planUsageLimit", "2147483648"),
            "planUsageLimit"));
    rows.add(
        body(
            "planUsageLimit negative",
            "PUT",
            customerPath,
            with(customer(), "planUsageLimit", "-1"),
            "planUsageLimit"));
    for (String count : List.of("queriesPerWeek", "featuresUsed", "loginsPerWeek", "openTickets")) {
      rows.add(body(count + " negative", "POST", metricsPath, with(metrics(), count, "-1"), count));
      rows.add(
          body(
              count + " over int",
              "POST",
              metricsPath,
              with(metrics(), count, "99999999999"),
              count));
    }
    for (String rate : List.of("emailOpenRate", "planUsage")) {
      rows.add(body(rate + " over 1", "POST", metricsPath, with(metrics(), rate, "1.5"), rate));
    }
    rows.add(body("score 11", "POST", "/api/events/nps", with(nps, "score", "11"), "score"));

    // No silent coercion.
    rows.add(
        body("score as a string", "POST", "/api/events/nps", with(nps, "score", "\"9\""), "score"));
    rows.add(
        body("score as a fraction", "POST", "/api/events/nps", with(nps, "score", "9.5"), "score"));
    rows.add(
        body("score as a boolean", "POST", "/api/events/nps", with(nps, "score", "true"), "score"));
    rows.add(body("score null", "POST", "/api/events/nps", with(nps, "score", "null"), "score"));
    rows.add(
        body(
            "customerId as a number",
            "POST",
            "/api/events/signup",
            with(event(), "customerId", "42"),
            "customerId"));
    rows.add(
        body("name as a boolean", "PUT", customerPath, with(customer(), "name", "true"), "name"));
    rows.add(
        body(
            "name as an object",
            "PUT",
            customerPath,
            with(customer(), "name", "{\"a\":1}"),
            "name"));
    rows.add(
        body("mrr as a string", "PUT", customerPath, with(customer(), "mrr", "\"490\""), "mrr"));
    rows.add(
        body("mrr as a boolean", "PUT", customerPath, with(customer(), "mrr", "false"), "mrr"));
    rows.add(
        body(
            "planUsageLimit as a fraction",
            "PUT",
            customerPath,
            with(customer(), "planUsageLimit", "10.5"),
            "planUsageLimit"));
    rows.add(
        body(
            "planUsageLimit as a string",
            "PUT",
            customerPath,
            with(customer(), "planUsageLimit", "\"10000\""),
            "planUsageLimit"));
    rows.add(
        body(
            "queriesPerWeek as a string",
            "POST",
            metricsPath,
            with(metrics(), "queriesPerWeek", "\"50\""),
            "queriesPerWeek"));
    rows.add(
        body(
            "emailOpenRate as a string",
            "POST",
            metricsPath,
            with(metrics(), "emailOpenRate", "\"0.5\""),
            "emailOpenRate"));
    rows.add(
        body(
            "sentiment as a number",
            "POST",
            metricsPath,
            with(metrics(), "sentiment", "1"),
            "sentiment"));
    rows.add(
        body(
            "sentiment unknown",
            "POST",
            metricsPath,
            with(metrics(), "sentiment", "\"HAPPY\""),
            "sentiment"));

    // Duplicate and unknown keys, and what is not one JSON object.
    rows.add(
        raw(
            "duplicate customerId",
            "POST",
            "/api/events/signup",
            "{\"customerId\":\"nobody\",\"customerId\":\"" + CUSTOMER + "\"}",
            400,
            "customerId"));
    rows.add(
        raw(
            "duplicate score",
            "POST",
            "/api/events/nps",
            "{\"customerId\":\"" + CUSTOMER + "\",\"score\":9,\"score\":0}",
            400,
            "score"));
    rows.add(
        raw(
            "duplicate name",
            "PUT",
            customerPath,
            customer().toString().replace("{", "{\"name\":\"Other\","),
            400,
            "name"));
    rows.add(
        body(
            "unknown property",
            "POST",
            "/api/events/signup",
            with(event(), "extra", "1"),
            "extra"));
    rows.add(raw("trailing JSON", "POST", "/api/events/signup", event() + " {}", 400, null));
    rows.add(raw("not JSON", "POST", "/api/events/signup", "{\"customerId\":", 400, null));
    rows.add(raw("empty body", "POST", "/api/events/signup", "", 400, null));
    rows.add(raw("an array", "POST", "/api/events/signup", "[]", 400, null));

    // Query parameters and path ids.
    rows.add(get("report from 1999", "/api/reports/playbooks?from=1999-12-31T00:00:00Z", "from"));
    rows.add(get("report to 2101", "/api/reports/nps?to=2101-01-02T00:00:00Z", "to"));
    rows.add(
        get(
            "report from after to",
            "/api/reports/onboarding?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
            "from"));
    rows.add(get("report from not a time", "/api/reports/nps?from=yesterday", "from"));
    rows.add(get("report from with LF", "/api/reports/nps?from=2026-01-01T00:00:00Z%0A", "from"));
    rows.add(get("report csmId with LF", "/api/reports/playbooks?csmId=a%0Ab", "csmId"));
    rows.add(get("report csmId with NUL", "/api/reports/nps?csmId=" + CSM + "%00", "csmId"));
    rows.add(get("report csmId empty", "/api/reports/nps?csmId=", "csmId"));
    rows.add(get("report csmId empty element", "/api/reports/nps?csmId=a,,b", "csmId"));
    rows.add(get("report csmId with space", "/api/reports/onboarding?csmId=a%20b", "csmId"));
    rows.add(get("report csmId of 65", "/api/reports/onboarding?csmId=" + "c".repeat(65), "csmId"));
    rows.add(
        get(
            "report csmId naming 201",
            "/api/reports/playbooks?csmId="
                + String.join(",", java.util.Collections.nCopies(201, CSM)),
            "csmId"));
    rows.add(get("runs customerId with LF", "/api/playbooks?customerId=a%0Ab", "customerId"));
    rows.add(
        get("runs customerId of 65", "/api/playbooks?customerId=" + "c".repeat(65), "customerId"));
    rows.add(get("runs playbook with NUL", "/api/playbooks?playbook=at-risk%00", "playbook"));
    rows.add(get("runs status with CR", "/api/playbooks?status=RUNNING%0D", "status"));
    rows.add(
        get(
            "preview customerId with LF",
            "/api/templates/at-risk/day-1/preview?customerId=a%0Ab",
            "customerId"));
    rows.add(get("unsubscribe c with LF", "/api/unsubscribe?c=a%0Ab&s=x", "c"));
    rows.add(get("customer id of 65", "/api/customers/" + "c".repeat(65), "customerId"));
    rows.add(get("workflow id of 65", "/api/playbooks/" + "w".repeat(65), "workflowId"));
    rows.add(
        new Row(
            "customer id with LF",
            "GET",
            "/api/customers/a%0Ab",
            null,
            null,
            400,
            "customerId",
            true));
    rows.add(
        new Row(
            "workflow id with NUL",
            "DELETE",
            "/api/playbooks/a%00b",
            null,
            null,
            400,
            "workflowId",
            true));
    rows.add(
        new Row(
            "csm id with CR",
            "PUT",
            "/api/csms/a%0Db",
            JSON_TYPE,
            csm().toString(),
            400,
            "csmId",
            true));

    // What Spring MVC answers itself.
    rows.add(new Row("unknown path", "GET", "/api/nothing-here", null, null, 404, null, false));
    rows.add(new Row("unknown method", "PATCH", customerPath, JSON_TYPE, "{}", 405, null, false));
    rows.add(
        new Row(
            "text/plain body",
            "POST",
            "/api/events/signup",
            "text/plain",
            event().toString(),
            415,
            null,
            false));
    rows.add(
        new Row(
            "form body",
            "PUT",
            customerPath,
            "application/x-www-form-urlencoded",
            "name=x",
            415,
            null,
            false));
    return rows.stream();
  }

  @Test
  void aBodyOverOneMegabyte_is413_withOrWithoutALength() {
    String note = "x".repeat(1_100_000);
    byte[] body =
        ("{\"customerId\":\"" + CUSTOMER + "\",\"score\":9,\"comment\":\"" + note + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    for (boolean chunked : List.of(false, true)) {
      Response r =
          api.send("POST", "/api/events/nps", Map.of("Content-Type", JSON_TYPE), body, chunked);
      assertThat(r.status()).as("chunked=" + chunked + ": " + r).isEqualTo(413);
      assertThat(r.contentType()).startsWith("application/problem+json");
      assertThat(r.text("field")).isEqualTo("body");
    }
    assertThat(state()).isEqualTo(before);
  }

  @Test
  void aMalformedPercentEncodingInThePath_isProblemJson_notAnHtmlPage() {
    for (String target : List.of("/api/customers/%zz", "/api/customers/%", "/api/nothing/%c0%af")) {
      Response r = api.sendRaw("GET", target, Map.of("Accept", "text/html"));
      assertThat(r.status()).as(target + ": " + r).isBetween(400, 499);
      assertThat(r.contentType()).as(target + ": " + r).startsWith("application/problem+json");
      assertThat(r.text("title")).isNotBlank();
    }
  }

  @Test
  void anAnswerTheClientCannotAccept_is406ProblemJson_andAnUnknownPathWantingHtmlToo() {
    Response json =
        api.send("GET", "/api/customers/" + CUSTOMER, Map.of("Accept", "text/csv"), null, false);
    assertThat(json.status()).as(json.toString()).isEqualTo(406);
    assertThat(json.contentType()).startsWith("application/problem+json");
    Response html =
        api.send("GET", "/api/nothing-here", Map.of("Accept", "text/html"), null, false);
    assertThat(html.status()).as(html.toString()).isEqualTo(404);
    assertThat(html.contentType()).startsWith("application/problem+json");
  }

  @Test
  void freeTextKeepsItsLineBreaks_andAWholeNumberIsStillAnMrr() {
    String customer = api.newCustomer("rules-ok");
    Response nps =
        api.post(
            "/api/events/nps",
            """
            {"customerId":"%s","score":9,"comment":"Line one\\nLine two\\twith a tab"}"""
                .formatted(customer));
    assertThat(nps.status()).as(nps.toString()).isEqualTo(202);
    ObjectNode body = customer().put("csmId", api.get("/api/customers/" + customer).text("csmId"));
    body.put("mrr", 9999999999.99).put("name", "Ünïcode 名前 ✓");
    Response put = api.put("/api/customers/" + customer, body.toString());
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    assertThat(put.body().path("mrr").decimalValue()).isEqualByComparingTo("9999999999.99");
  }

  // ---- the table's helpers -------------------------------------------------------------------

  /**
   * For each field: CR LF, LF, NUL, ESC, DEL, NEL and U+2028 inside, and one character over size.
   */
  private static void textRows(
      List<Row> rows, String method, String path, ObjectNode valid, List<String> fields, int max) {
    Map<String, String> bad =
        Map.of(
            "CRLF", "a\r\nBcc: x@example.com",
            "LF", "a\nb",
            "NUL", "a\u0000b",
            "ESC", "\u001b[2J",
            "DEL", "a\u007fb",
            "NEL", "a\u0085b",
            "LSEP", "a\u2028b");
    for (String field : fields) {
      bad.forEach(
          (what, value) ->
              rows.add(
                  body(
                      method + " " + path + " " + field + " with " + what,
                      method,
                      path,
                      valid.deepCopy().put(field, value),
                      field)));
      rows.add(
          body(
              method + " " + path + " " + field + " of " + (max + 1),
              method,
              path,
              valid.deepCopy().put(field, "a".repeat(max + 1)),
              field));
    }
  }

  private static Row body(String name, String method, String path, JsonNode body, String field) {
    return new Row(name, method, path, JSON_TYPE, body.toString(), 400, field, false);
  }

  private static Row raw(
      String name, String method, String path, String body, int status, String field) {
    return new Row(name, method, path, JSON_TYPE, body, status, field, false);
  }

  private static Row get(String name, String path, String field) {
    return new Row(name, "GET", path, null, null, 400, field, false);
  }

  /** A copy of the body with the field set to the raw JSON given. */
  private static ObjectNode with(ObjectNode body, String field, String json) {
    try {
      ObjectNode copy = body.deepCopy();
      copy.set(field, JSON.readTree(json));
      return copy;
    } catch (Exception e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  private static ObjectNode csm() {
    return JSON.createObjectNode()
        .put("name", "Sam")
        .put("email", "sam@example.com")
        .put("managerEmail", "lena@example.com");
  }

  private static ObjectNode customer() {
    return JSON.createObjectNode()
        .put("name", "Globex")
        .put("email", "ops@globex.example")
        .put("csmId", CSM)
        .put("plan", "Growth")
        .put("mrr", 490)
        .put("planUsageLimit", 10000)
        .put("timezone", "Europe/Amsterdam")
        .put("locale", "en");
  }

  private static ObjectNode metrics() {
    return JSON.createObjectNode()
        .put("queriesPerWeek", 50)
        .put("featuresUsed", 3)
        .put("loginsPerWeek", 5)
        .put("emailOpenRate", 0.5)
        .put("openTickets", 1)
        .put("sentiment", "NEUTRAL")
        .put("planUsage", 0.3);
  }

  private static ObjectNode start() {
    return JSON.createObjectNode()
        .put("playbook", "at-risk")
        .put("customerId", CUSTOMER)
        .put("reason", "checking in");
  }

  private static ObjectNode outcome() {
    return JSON.createObjectNode()
        .put("type", "CALL_COMPLETED")
        .put("note", "Spoke to ops")
        .put("csmId", CSM);
  }

  private static ObjectNode event() {
    return JSON.createObjectNode().put("customerId", CUSTOMER);
  }

  private static void assertProblem(Response r, Row row) {
    assertThat(r.status()).as(row.name() + ": " + r).isEqualTo(row.status());
    assertThat(r.contentType()).as(row.name() + ": " + r).startsWith("application/problem+json");
    assertThat(r.text("title")).as(row.name()).isNotBlank();
    assertThat(r.text("detail")).as(row.name()).isNotBlank();
    String field = r.text("field");
    if (row.fieldIfAny() && field == null) {
      return;
    }
    assertThat(field).as(row.name() + ": " + r).isEqualTo(row.field());
  }

  /** The fixture customer as every read shows it, and that no CSM was created by a refused PUT. */
  private List<String> state() {
    Function<String, String> read =
        path -> {
          Response r = api.get(path);
          return r.status() + " " + r.body();
        };
    String c = "/api/customers/" + CUSTOMER;
    return List.of(
        read.apply(c),
        read.apply(c + "/timeline"),
        read.apply(c + "/communications"),
        read.apply(c + "/tasks"),
        read.apply("/api/playbooks?customerId=" + CUSTOMER),
        // A refused PUT /api/csms/rules-csm-new created no CSM: a customer cannot name it.
        String.valueOf(
            api.put(
                    "/api/customers/rules-probe",
                    customer().put("csmId", "rules-csm-new").toString())
                .status()));
  }
}
