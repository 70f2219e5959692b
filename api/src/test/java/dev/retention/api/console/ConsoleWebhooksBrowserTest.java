package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The webhooks page in Chromium, as an admin uses it: add a subscription (its secret shown once),
 * watch a failing subscriber's delivery fail, replay it once the subscriber is back, read the page
 * in Dutch, delete the subscription. A manager has no such page.
 */
@ApiTest
class ConsoleWebhooksBrowserTest {

  @LocalServerPort int port;

  HttpServer subscriber;
  final List<String[]> received = new CopyOnWriteArrayList<>();
  final AtomicInteger answer = new AtomicInteger(500);

  @BeforeEach
  void setUp() throws IOException {
    subscriber = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    subscriber.createContext(
        "/",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            var h = exchange.getRequestHeaders();
            received.add(
                new String[] {
                  h.getFirst("webhook-id"),
                  h.getFirst("webhook-timestamp"),
                  h.getFirst("webhook-signature"),
                  new String(in.readAllBytes(), StandardCharsets.UTF_8)
                });
          }
          exchange.sendResponseHeaders(answer.get(), -1);
          exchange.close();
        });
    subscriber.start();
  }

  @AfterEach
  void tearDown() {
    subscriber.stop(0);
  }

  @Test
  void anAdminAddsASubscription_seesAFailedDelivery_replaysIt_andDeletesIt() {
    HttpApi admin = new HttpApi(port);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String username = "hooks-" + suffix;
    String password = admin.createLogin(username, "ADMIN", null, username + "@example.com");
    String customer = admin.newCustomer("hooks-browser");
    String url = "http://127.0.0.1:" + subscriber.getAddress().getPort() + "/" + suffix;
    try (Browser browser = Browser.open(port)) {
      browser.login(username, password);
      browser.click("#nav-webhooks");
      browser.await(d -> d.getCurrentUrl().endsWith("/console/webhooks"));
      browser.type("#webhook-url", url);
      browser.type("#webhook-description", "Warehouse " + suffix);
      browser.click("#type-run-started");
      browser.click("#webhook-add");
      String secret = browser.text("#webhook-secret");
      assertThat(secret).startsWith("whsec_");
      String id = browser.attribute("#webhook-secret", "data-subscription");
      assertThat(browser.text("#webhook-" + id)).contains(url, "run.started");
      browser.screenshot("webhooks-added");

      String workflowId = "at-risk-" + customer;
      assertThat(
              admin
                  .post(
                      "/api/playbooks",
                      "{\"playbook\":\"at-risk\",\"customerId\":\"" + customer + "\"}")
                  .status())
          .isEqualTo(202);
      // Three attempts, each answered 500: the delivery is FAILED.
      admin.await(
          "/api/admin/webhooks/subscriptions/" + id + "/deliveries?status=FAILED",
          java.time.Duration.ofSeconds(30),
          r -> r.body().size() > 0);
      browser.click("#deliveries-" + id);
      browser.await(
          d ->
              d.findElement(By.cssSelector("#webhook-deliveries tr[data-status='FAILED']"))
                  .getText()
                  .contains("answered 500"));
      browser.screenshot("webhooks-failed");

      answer.set(204);
      browser.click("#replay-" + id);
      assertThat(browser.text("#webhooks-notice")).contains("1 failed deliveries");
      browser.await(
          d -> {
            d.navigate().refresh();
            return !d.findElements(
                    By.cssSelector("#webhook-deliveries tr[data-status='DELIVERED']"))
                .isEmpty();
          });
      List<String[]> runStarted = received.stream().filter(r -> r[3].contains(workflowId)).toList();
      assertThat(runStarted).hasSize(4);
      assertThat(runStarted.stream().map(r -> r[0]).distinct()).hasSize(1);
      String[] last = runStarted.get(3);
      assertThat(last[2]).isEqualTo("v1," + hmac(secret, last[0] + "." + last[1] + "." + last[3]));

      browser.go("/console/webhooks?lang=nl");
      assertThat(browser.text("#add-heading")).isEqualTo("Abonnement toevoegen");
      assertThat(browser.text("#webhook-" + id)).contains("run.started");
      browser.go("/console/webhooks?lang=en");

      browser.click("#delete-" + id);
      assertThat(browser.text("#webhooks-notice")).contains(id + " deleted");
      assertThat(browser.driver.findElements(By.id("webhook-" + id))).isEmpty();
    }
    assertThat(admin.get("/api/admin/webhooks/subscriptions/" + "x" + suffix).status())
        .isEqualTo(404);

    String manager = "lead-" + suffix;
    String managerPassword = admin.createLogin(manager, "MANAGER", null, manager + "@example.com");
    try (Browser browser = Browser.open(port)) {
      browser.login(manager, managerPassword);
      assertThat(browser.driver.findElements(By.id("nav-webhooks"))).isEmpty();
    }
    assertThat(new HttpApi(port).login(manager, managerPassword).get("/console/webhooks").status())
        .isEqualTo(403);
  }

  private static String hmac(String secret, String content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(
          new SecretKeySpec(
              Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
      return Base64.getEncoder()
          .encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
