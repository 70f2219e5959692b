package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The bulk actions' authorization is the single actions': assigning customers to a CSM is an
 * admin's (as {@code PUT /api/customers/{id}}), snoozing a task needs its customer to be yours.
 */
@ApiTest
class ConsoleBulkActionsTest {

  @LocalServerPort int port;

  @Test
  void assigningASelectionToACsm_isForAdmins_andMovesEveryCustomerSelected() {
    HttpApi admin = new HttpApi(port);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String first = admin.newCustomer("assign-a-" + suffix);
    String second = admin.newCustomer("assign-b-" + suffix);
    String csm = admin.get("/api/customers/" + first).text("csmId");
    String target = "csm-target-" + suffix;
    admin.put(
        "/api/csms/" + target,
        """
        {"name":"Sam Target","email":"sam@example.com","managerEmail":"lena@example.com"}""");
    String form = "ids=" + first + "&ids=" + second + "&action=assign&csm=" + target;

    HttpApi owner =
        admin.login(
            "owner-" + suffix,
            admin.createLogin("owner-" + suffix, "CSM", csm, "owner-" + suffix + "@example.com"));
    Response refused = post(owner, "/console/bulk/customers", form);
    assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
    assertThat(admin.get("/api/customers/" + first).text("csmId")).isEqualTo(csm);

    HttpApi person =
        admin.login(
            "adm-" + suffix,
            admin.createLogin("adm-" + suffix, "ADMIN", null, "adm-" + suffix + "@example.com"));
    Response assigned = post(person, "/console/bulk/customers", form);
    assertThat(assigned.status()).as(assigned.toString()).isEqualTo(200);
    assertThat(assigned.body().asText())
        .contains("data-customer=\"" + first + "\" data-result=\"ASSIGNED\"")
        .contains("data-customer=\"" + second + "\" data-result=\"ASSIGNED\"");
    assertThat(admin.get("/api/customers/" + first).text("csmId")).isEqualTo(target);
    assertThat(admin.get("/api/customers/" + second).text("csmId")).isEqualTo(target);
  }

  @Test
  void snoozingASelectionOfTasks_snoozesMine_andLeavesAnotherCsmsAlone() {
    HttpApi admin = new HttpApi(port);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String mine = admin.newCustomer("snooze-m-" + suffix);
    String theirs = admin.newCustomer("snooze-t-" + suffix);
    long myTask = followUpTask(admin, mine);
    long theirTask = followUpTask(admin, theirs);
    String csm = admin.get("/api/customers/" + mine).text("csmId");
    HttpApi owner =
        admin.login(
            "snoozer-" + suffix,
            admin.createLogin(
                "snoozer-" + suffix, "CSM", csm, "snoozer-" + suffix + "@example.com"));

    Response answer =
        post(
            owner,
            "/console/tasks/snooze",
            "taskIds=" + myTask + "&taskIds=" + theirTask + "&until=P1D");

    assertThat(answer.status()).as(answer.toString()).isEqualTo(302);
    assertThat(status(admin, mine, myTask)).isEqualTo("SNOOZED");
    assertThat(status(admin, theirs, theirTask)).isEqualTo("OPEN");
  }

  @Test
  void aTooLongCompletionNote_isRefusedInTheCard_withWhatWasTypedKept_andTheTaskStaysOpen() {
    HttpApi admin = new HttpApi(port);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String customer = admin.newCustomer("long-note-" + suffix);
    long task = followUpTask(admin, customer);
    String csm = admin.get("/api/customers/" + customer).text("csmId");
    HttpApi owner =
        admin.login(
            "typist-" + suffix,
            admin.createLogin("typist-" + suffix, "CSM", csm, "typist-" + suffix + "@example.com"));
    String typed = "belde-" + suffix + "-" + "x".repeat(10_001);

    Response refused = post(owner, "/console/tasks/" + task + "/complete", "note=" + typed);

    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.body().asText()).contains("value=\"" + typed + "\"");
    assertThat(status(admin, customer, task)).isEqualTo("OPEN");
  }

  /** Starts an at-risk run and says the customer replied: the CSM gets a follow-up task. */
  static long followUpTask(HttpApi admin, String customer) {
    assertThat(
            admin
                .post(
                    "/api/playbooks",
                    "{\"playbook\":\"at-risk\",\"customerId\":\"" + customer + "\"}")
                .status())
        .isEqualTo(202);
    admin.await(
        "/api/playbooks/at-risk-" + customer,
        Duration.ofSeconds(30),
        r -> r.body().path("steps").size() >= 1);
    admin.post("/api/events/customer-replied", "{\"customerId\":\"" + customer + "\"}");
    return admin
        .await(
            "/api/tasks?customerId=" + customer,
            Duration.ofSeconds(30),
            r -> r.body().path("items").size() >= 1)
        .body()
        .path("items")
        .get(0)
        .path("id")
        .asLong();
  }

  private static String status(HttpApi admin, String customer, long task) {
    for (var t :
        admin.get("/api/tasks?customerId=" + customer + "&status=SNOOZED").body().path("items")) {
      if (t.path("id").asLong() == task) {
        return "SNOOZED";
      }
    }
    for (var t :
        admin.get("/api/tasks?customerId=" + customer + "&status=OPEN").body().path("items")) {
      if (t.path("id").asLong() == task) {
        return "OPEN";
      }
    }
    return "neither";
  }

  private static Response post(HttpApi session, String path, String form) {
    return session.send(
        "POST",
        path,
        Map.of("Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html"),
        form.getBytes(StandardCharsets.UTF_8),
        false);
  }
}
