package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The console's forms check what is typed by the API's rules for the same thing (the same limits,
 * the field the API names), say the refusal in the viewer's words on the page, and keep what was
 * typed: a task's completion note, a playbook's start reason, a contact, a note on the customer.
 */
@ApiTest
class ConsoleFormChecksTest {

  @LocalServerPort int port;

  @Test
  void aCompletionNote_isFreeTextByTheApisRule_controlCharactersRefused_lengthInCharacters() {
    HttpApi admin = new HttpApi(port);
    String customer = admin.newCustomer("task-note");
    long task = ConsoleBulkActionsTest.followUpTask(admin, customer);
    HttpApi owner = owner(admin, customer);

    // A bell in the note: the API refuses it (note, 400); so does the console, and keeps it typed.
    Response bell =
        post(owner, "/console/tasks/" + task + "/complete", "note=" + enc("ring\u0007"));
    assertThat(bell.status()).as(bell.toString()).isEqualTo(400);
    assertThat(bell.body().asText()).contains("control character").contains("ring");
    assertThat(taskStatus(admin, customer, task)).isEqualTo("OPEN");

    // 6 000 emoji are 6 000 characters (12 000 UTF-16 units): within the API's 10 000.
    String emoji = "\uD83D\uDE00".repeat(6_000);
    Response kept = post(owner, "/console/tasks/" + task + "/complete", "note=" + enc(emoji));
    assertThat(kept.status()).as(kept.toString()).isEqualTo(200);
    assertThat(taskStatus(admin, customer, task)).isEqualTo("DONE");
  }

  @Test
  void aStartReason_isOneLineOfAtMost500_asTheApisStart_refusedOnThePageWithWhatWasTyped() {
    HttpApi admin = new HttpApi(port);
    String customer = admin.newCustomer("start-reason");
    HttpApi owner = owner(admin, customer);

    Response api =
        admin.post(
            "/api/playbooks",
            "{\"playbook\":\"expansion\",\"customerId\":\""
                + customer
                + "\",\"reason\":\"a\\nb\"}");
    assertThat(api.status()).isEqualTo(400);
    assertThat(api.text("field")).isEqualTo("reason");

    Response refused =
        post(
            owner,
            "/console/customers/" + customer + "/playbooks",
            "playbook=expansion&reason=" + enc("asked\nfor a call"));
    assertThat(refused.status()).isEqualTo(302);
    assertThat(admin.get("/api/playbooks?customerId=" + customer).body().size()).isZero();
    String page = page(owner, "/console/customers/" + customer);
    assertThat(page)
        .contains("The reason is one line of at most 500 characters")
        .contains("asked\nfor a call")
        .containsPattern("<option value=\"expansion\" selected");

    Response started =
        post(
            owner,
            "/console/customers/" + customer + "/playbooks",
            "playbook=expansion&reason=" + enc("asked for a call"));
    assertThat(started.status()).isEqualTo(302);
    assertThat(admin.get("/api/playbooks?customerId=" + customer).body().size()).isEqualTo(1);
  }

  @Test
  void aContact_isCheckedByTheApisBodyRules_andTheRefusalNamesTheFieldItIsAbout() {
    HttpApi admin = new HttpApi(port);
    String customer = admin.newCustomer("contact-rules");
    HttpApi owner = owner(admin, customer);

    // A role over 200 characters is the role's fault, as the API says (field role).
    String role = "r".repeat(201);
    Response apiRole =
        admin.post(
            "/api/customers/" + customer + "/contacts",
            "{\"name\":\"Ann\",\"email\":\"ann@globex.example\",\"role\":\"" + role + "\"}");
    assertThat(apiRole.status()).isEqualTo(400);
    assertThat(apiRole.text("field")).isEqualTo("role");
    Response longRole =
        htmx(
            owner,
            "/console/customers/" + customer + "/contacts",
            "name=Ann&email=ann%40globex.example&role=" + role);
    assertThat(longRole.status()).isEqualTo(400);
    assertThat(longRole.body().asText())
        .contains("Role: one line of at most 200 characters")
        .doesNotContain("Give a name");

    // An address the API takes (its @Email rule), the console takes too.
    String address = "it@intranet";
    Response apiAddress =
        admin.post(
            "/api/customers/" + customer + "/contacts",
            "{\"name\":\"IT desk\",\"email\":\"" + address + "\"}");
    assertThat(apiAddress.status()).as(apiAddress.toString()).isEqualTo(201);
    String other = admin.newCustomer("contact-rules-b");
    HttpApi otherOwner = owner(admin, other);
    Response console =
        htmx(
            otherOwner,
            "/console/customers/" + other + "/contacts",
            "name=IT+desk&email=" + enc(address));
    assertThat(console.status()).as(console.toString()).isEqualTo(200);
    assertThat(admin.get("/api/customers/" + other + "/contacts").body().toString())
        .contains(address);
  }

  @Test
  void aNoteWithAControlCharacter_isRefusedForWhatItIs_notAsTooLong() {
    HttpApi admin = new HttpApi(port);
    String customer = admin.newCustomer("note-bell");
    HttpApi owner = owner(admin, customer);

    Response bell =
        htmx(
            owner, "/console/customers/" + customer + "/notes", "kind=NOTE&text=" + enc("a\u0007"));

    assertThat(bell.status()).isEqualTo(400);
    assertThat(bell.body().asText()).contains("control character").doesNotContain("longer than");
    assertThat(admin.get("/api/customers/" + customer + "/notes").body().size()).isZero();
  }

  private static HttpApi owner(HttpApi admin, String customer) {
    String csm = admin.get("/api/customers/" + customer).text("csmId");
    String username = "f-" + UUID.randomUUID().toString().substring(0, 8);
    return admin.login(
        username, admin.createLogin(username, "CSM", csm, username + "@example.com"));
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static Response post(HttpApi session, String path, String form) {
    return session.send(
        "POST",
        path,
        Map.of("Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html"),
        form.getBytes(StandardCharsets.UTF_8),
        false);
  }

  private static Response htmx(HttpApi session, String path, String form) {
    return session.send(
        "POST",
        path,
        Map.of("Content-Type", "application/x-www-form-urlencoded", "HX-Request", "true"),
        form.getBytes(StandardCharsets.UTF_8),
        false);
  }

  private static String page(HttpApi session, String path) {
    Response page = session.send("GET", path, Map.of("Accept", "text/html"), null, false);
    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    return page.body().asText();
  }

  private static String taskStatus(HttpApi admin, String customer, long task) {
    for (String status : new String[] {"OPEN", "DONE"}) {
      for (var t :
          admin
              .get("/api/tasks?customerId=" + customer + "&status=" + status)
              .body()
              .path("items")) {
        if (t.path("id").asLong() == task) {
          return status;
        }
      }
    }
    return "neither";
  }
}
