package dev.retention.api.customers;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Contacts per customer with one primary; renewal date and ARR through PUT and the batch; search by
 * name, id or domain; and the at-risk customers no save playbook covers.
 */
@ApiTest
class ContactsAndSearchApiTest {

  @LocalServerPort int port;
  HttpApi api;

  @BeforeEach
  void setUp() {
    api = new HttpApi(port);
  }

  @Test
  void contacts_areAddedChangedAndRemoved_withOnePrimary() {
    String customer = api.newCustomer("contacts");
    String path = "/api/customers/" + customer + "/contacts";
    Response ann = api.post(path, contact("Ann de Wit", "ann@globex.example", "CFO", true));
    assertThat(ann.status()).as(ann.toString()).isEqualTo(201);
    Response bo = api.post(path, contact("Bo", "bo@globex.example", null, false));
    assertThat(bo.status()).isEqualTo(201);
    // Bo becomes primary: Ann no longer is.
    Response changed =
        api.put(
            path + "/" + bo.body().path("id").asLong(),
            contact("Bo Jansen", "bo@globex.example", "Ops lead", true));
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    JsonNode list = api.get(path).body();
    assertThat(list.get(0).path("name").asText()).isEqualTo("Bo Jansen");
    assertThat(list.get(0).path("primary").asBoolean()).isTrue();
    assertThat(list.get(1).path("primary").asBoolean()).isFalse();

    assertProblem(
        api.post(path, contact("Ann again", "ANN@globex.example", null, false)),
        409,
        "email",
        "already");
    assertProblem(
        api.post(path, contact("", "x@globex.example", null, false)), 400, "name", "name");
    assertProblem(
        api.post(path, contact("X", "not-an-address", null, false)), 400, "email", "email");
    assertThat(api.delete(path + "/" + ann.body().path("id").asLong()).status()).isEqualTo(204);
    assertThat(api.delete(path + "/" + ann.body().path("id").asLong()).status()).isEqualTo(404);
    assertThat(api.get(path).body().size()).isEqualTo(1);
  }

  @Test
  void renewalDateAndArr_areKeptFromPutAndBatch_andShownInGetAndSearch() {
    String customer = api.newCustomer("renewal");
    String csm = api.get("/api/customers/" + customer).text("csmId");
    Response put =
        api.put(
            "/api/customers/" + customer,
            """
            {"name":"Globex","email":"ops@globex.example","csmId":"%s","plan":"Growth","mrr":490,
             "planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en",
             "renewalDate":"2027-03-31","arr":5880}"""
                .formatted(csm));
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    assertThat(api.get("/api/customers/" + customer).text("renewalDate")).isEqualTo("2027-03-31");
    // Left out, they stay.
    assertThat(
            api.put(
                    "/api/customers/" + customer,
                    """
                    {"name":"Globex","email":"ops@globex.example","csmId":"%s","plan":"Growth",
                     "mrr":490,"planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
                        .formatted(csm))
                .status())
        .isEqualTo(200);
    JsonNode got = api.get("/api/customers/" + customer).body();
    assertThat(got.path("renewalDate").asText()).isEqualTo("2027-03-31");
    assertThat(got.path("arr").decimalValue()).isEqualByComparingTo("5880");

    String batched = "batch-renewal-" + UUID.randomUUID().toString().substring(0, 8);
    Response batch =
        api.post(
            "/api/customers/batch",
            """
            [{"customerId":"%s","name":"Initech","email":"ops@initech.example","csmId":"%s",
              "plan":"Growth","mrr":100,"planUsageLimit":10,"timezone":"UTC","locale":"en",
              "renewalDate":"2026-12-31","arr":1200.50}]"""
                .formatted(batched, csm));
    assertThat(batch.status()).as(batch.toString()).isBetween(200, 299);
    assertThat(api.get("/api/customers/" + batched).text("renewalDate")).isEqualTo("2026-12-31");

    assertProblem(
        api.put(
            "/api/customers/" + customer,
            """
            {"name":"Globex","email":"ops@globex.example","csmId":"%s","plan":"Growth","mrr":490,
             "planUsageLimit":10000,"timezone":"UTC","locale":"en","arr":-1}"""
                .formatted(csm)),
        400,
        "arr",
        "arr");
  }

  @Test
  void search_findsByNameIdOrDomain_caseInsensitive() {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String csm = "csm-search-" + tag;
    api.put(
        "/api/csms/" + csm,
        """
        {"name":"Sam","email":"sam@example.com","managerEmail":"lena@example.com"}""");
    put("acme-" + tag, "Acme Rockets " + tag, "ops@acme-" + tag + ".example", csm);
    put("umbrella-" + tag, "Umbrella Corp", "it@umbrella-" + tag + ".test", csm);

    assertThat(ids(api.get("/api/customers?q=ROCKETS%20" + tag))).containsExactly("acme-" + tag);
    assertThat(ids(api.get("/api/customers?q=umbrella-" + tag))).containsExactly("umbrella-" + tag);
    assertThat(ids(api.get("/api/customers?q=umbrella-" + tag + ".TEST")))
        .containsExactly("umbrella-" + tag);
    // A CSM finds only their own customers.
    String other = "csm-search-other-" + tag;
    api.put(
        "/api/csms/" + other,
        """
        {"name":"Kim","email":"kim@example.com","managerEmail":"lena@example.com"}""");
    put("acme-other-" + tag, "Acme Rockets Other " + tag, "ops@other-" + tag + ".example", other);
    HttpApi sam =
        api.login(
            "sam-" + tag, api.createLogin("sam-" + tag, "CSM", csm, "sam-" + tag + "@example.com"));
    assertThat(ids(sam.get("/api/customers?q=" + tag)))
        .containsExactlyInAnyOrder("acme-" + tag, "umbrella-" + tag);
    assertThat(ids(api.get("/api/customers?q=rockets%20other%20" + tag)))
        .containsExactly("acme-other-" + tag);
    // LIKE's wildcards are searched for, not used.
    assertThat(ids(api.get("/api/customers?q=%25" + tag))).isEmpty();
    assertProblem(api.get("/api/customers?sort=SIZE"), 400, "sort", "sort");
  }

  @Test
  void anAtRiskCustomerWithoutASavePlaybook_isMarked_untilOneRuns() {
    String customer = api.newCustomer("uncovered");
    // Scored at risk: an at-risk run starts and covers the customer; stopped, nothing does.
    api.post("/api/customers/" + customer + "/metrics", HttpApi.metrics(3, 0, "NEGATIVE"));
    api.await(
        "/api/customers?q=" + customer,
        Duration.ofSeconds(30),
        r ->
            r.body().path("items").size() == 1
                && !r.body().path("items").get(0).path("band").isNull());
    Response run =
        api.await(
            "/api/playbooks/at-risk-" + customer,
            Duration.ofSeconds(30),
            r -> r.status() == 200 && "RUNNING".equals(r.text("status")));
    assertThat(run.status()).isEqualTo(200);
    JsonNode covered = line(customer);
    assertThat(covered.path("atRiskUncovered").asBoolean()).as(covered.toString()).isFalse();

    assertThat(api.delete("/api/playbooks/at-risk-" + customer).status()).isBetween(200, 299);
    api.await(
        "/api/customers?q=" + customer,
        Duration.ofSeconds(30),
        r -> r.body().path("items").get(0).path("atRiskUncovered").asBoolean());
    assertThat(ids(api.get("/api/customers?atRiskUncovered=true&q=" + customer)))
        .containsExactly(customer);
  }

  private JsonNode line(String customer) {
    return api.get("/api/customers?q=" + customer).body().path("items").get(0);
  }

  private void put(String id, String name, String email, String csm) {
    Response r =
        api.put(
            "/api/customers/" + id,
            """
            {"name":"%s","email":"%s","csmId":"%s","plan":"Growth","mrr":490,
             "planUsageLimit":10000,"timezone":"UTC","locale":"en"}"""
                .formatted(name, email, csm));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  private static List<String> ids(Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return CustomerNotesApiTest.texts(r.body().path("items"), "id");
  }

  private static String contact(String name, String email, String role, boolean primary) {
    com.fasterxml.jackson.databind.node.ObjectNode body =
        new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    body.put("name", name);
    body.put("email", email);
    if (role != null) {
      body.put("role", role);
    }
    body.put("primary", primary);
    return body.toString();
  }
}
