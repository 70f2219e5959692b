package dev.retention.api.customers;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@ApiTest
class CustomerApiTest {

  @LocalServerPort int port;
  HttpApi api;

  @BeforeEach
  void setUp() {
    api = new HttpApi(port);
  }

  @Test
  void putCsm_createsThenReplaces() {
    String body =
        """
        {"name":"Sam","email":"sam@example.com","managerEmail":"lena@example.com"}""";
    assertThat(api.put("/api/csms/csm-put-1", body).status()).isEqualTo(201);
    Response again = api.put("/api/csms/csm-put-1", body);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.text("email")).isEqualTo("sam@example.com");
  }

  @Test
  void putCsm_withInvalidEmail_isRejectedNamingTheField() {
    Response r =
        api.put(
            "/api/csms/csm-bad",
            """
            {"name":"Sam","email":"not-an-email","managerEmail":"lena@example.com"}""");
    assertProblem(r, 400, "email", "email");
    assertThat(api.put("/api/customers/c-x", customerJson("csm-bad", "UTC")).status())
        .isEqualTo(404);
  }

  @Test
  void putCsm_withMissingManager_isRejected() {
    assertProblem(
        api.put(
            "/api/csms/csm-bad2",
            """
            {"name":"Sam","email":"sam@example.com"}"""),
        400,
        "managerEmail",
        "managerEmail");
  }

  @Test
  void putCustomer_createsThenUpdates_andGetShowsIt() {
    String customer = api.newCustomer("cust");
    Response got = api.get("/api/customers/" + customer);
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.text("timezone")).isEqualTo("Europe/Amsterdam");
    assertThat(got.body().path("health").isNull()).isTrue();
    String csm = got.text("csmId");
    Response updated = api.put("/api/customers/" + customer, customerJson(csm, "Asia/Tokyo"));
    assertThat(updated.status()).isEqualTo(200);
    assertThat(api.get("/api/customers/" + customer).text("timezone")).isEqualTo("Asia/Tokyo");
  }

  @Test
  void putCustomer_withUnknownCsm_is404AndCreatesNothing() {
    assertProblem(
        api.put("/api/customers/c-orphan", customerJson("csm-nobody", "UTC")),
        404,
        null,
        "csm-nobody");
    assertThat(api.get("/api/customers/c-orphan").status()).isEqualTo(404);
  }

  @Test
  void putCustomer_withBadTimezone_namesTheField() {
    String customer = api.newCustomer("tz");
    String csm = api.get("/api/customers/" + customer).text("csmId");
    assertProblem(
        api.put("/api/customers/" + customer, customerJson(csm, "Mars/Olympus")),
        400,
        "timezone",
        "IANA");
    assertThat(api.get("/api/customers/" + customer).text("timezone"))
        .isEqualTo("Europe/Amsterdam");
  }

  @Test
  void putCustomer_withBadLocaleOrNegativeMrr_namesTheField() {
    String customer = api.newCustomer("loc");
    String csm = api.get("/api/customers/" + customer).text("csmId");
    assertProblem(
        api.put(
            "/api/customers/" + customer,
            customerJson(csm, "UTC").replace("\"locale\":\"en\"", "\"locale\":\"english\"")),
        400,
        "locale",
        "locale");
    assertProblem(
        api.put(
            "/api/customers/" + customer,
            customerJson(csm, "UTC").replace("\"mrr\":490", "\"mrr\":-1")),
        400,
        "mrr",
        "mrr");
  }

  @Test
  void malformedJson_isA400ProblemAndChangesNothing() {
    assertProblem(api.put("/api/customers/c-malformed", "{\"name\": "), 400, null, "JSON");
    assertThat(api.get("/api/customers/c-malformed").status()).isEqualTo(404);
  }

  @Test
  void invalidIdInPath_isRejected() {
    assertProblem(api.get("/api/customers/bad%20id!"), 400, "customerId", "customerId");
  }

  @Test
  void unknownCustomer_is404Everywhere() {
    assertProblem(api.get("/api/customers/c-none"), 404, null, "c-none");
    assertThat(api.get("/api/customers/c-none/timeline").status()).isEqualTo(404);
    assertThat(api.get("/api/customers/c-none/communications").status()).isEqualTo(404);
    assertThat(api.post("/api/customers/c-none/metrics", HttpApi.metrics(5, 1, "NEUTRAL")).status())
        .isEqualTo(404);
  }

  @Test
  void metrics_storeAndReturnTheHealthScore_withTrend() {
    String customer = api.newCustomer("m");
    Response first =
        api.post(
            "/api/customers/" + customer + "/metrics",
            """
            {"queriesPerWeek":60,"featuresUsed":5,"loginsPerWeek":6,"emailOpenRate":0.6,
             "openTickets":0,"sentiment":"POSITIVE","planUsage":0.5}""");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.body().path("score").asInt()).isEqualTo(100);
    assertThat(first.text("band")).isEqualTo("HEALTHY");
    assertThat(first.text("trend")).isEqualTo("NEW");
    assertThat(first.body().path("components").path("usage").asDouble()).isEqualTo(100.0);

    Response second =
        api.post("/api/customers/" + customer + "/metrics", HttpApi.metrics(3, 0, "NEGATIVE"));
    assertThat(second.body().path("score").asInt()).isEqualTo(46);
    assertThat(second.text("band")).isEqualTo("AT_RISK");
    assertThat(second.text("trend")).isEqualTo("DOWN");
    assertThat(second.body().path("dropAlert").asBoolean()).isTrue();

    Response customerView = api.get("/api/customers/" + customer);
    assertThat(customerView.body().path("health").path("score").asInt()).isEqualTo(46);
    assertThat(customerView.body().path("health").path("trend").asText()).isEqualTo("DOWN");
    assertThat(api.get("/api/customers/" + customer + "/timeline").body().toString())
        .contains("Health 46 (AT_RISK), was 100")
        .contains("ALERT");
  }

  @Test
  void metrics_withOutOfRangeValues_nameTheFieldAndStoreNothing() {
    String customer = api.newCustomer("mbad");
    assertProblem(
        api.post(
            "/api/customers/" + customer + "/metrics",
            HttpApi.metrics(5, 1, "NEUTRAL")
                .replace("\"emailOpenRate\":0.1", "\"emailOpenRate\":1.5")),
        400,
        "emailOpenRate",
        "emailOpenRate");
    assertProblem(
        api.post(
            "/api/customers/" + customer + "/metrics",
            HttpApi.metrics(5, 1, "NEUTRAL")
                .replace("\"queriesPerWeek\":5", "\"queriesPerWeek\":-5")),
        400,
        "queriesPerWeek",
        "queriesPerWeek");
    assertProblem(
        api.post(
            "/api/customers/" + customer + "/metrics",
            HttpApi.metrics(5, 1, "NEUTRAL").replace(",\"planUsage\":0.3", "")),
        400,
        "planUsage",
        "planUsage");
    assertProblem(
        api.post("/api/customers/" + customer + "/metrics", HttpApi.metrics(5, 1, "GRUMPY")),
        400,
        "sentiment",
        "sentiment");
    assertThat(api.get("/api/customers/" + customer).body().path("health").isNull()).isTrue();
  }

  private static String customerJson(String csm, String timezone) {
    return """
        {"name":"Globex","email":"ops@globex.example","csmId":"%s","plan":"Growth","mrr":490,
         "planUsageLimit":10000,"timezone":"%s","locale":"en"}"""
        .formatted(csm, timezone);
  }
}
