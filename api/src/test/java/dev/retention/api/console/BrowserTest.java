package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The browser tests share one Chromium; each {@link Browser#open} still starts with nothing from
 * the one before it: no cookie, no stored value, as a fresh Chromium did.
 */
class BrowserTest {

  static HttpServer site;

  /** A page that reports the cookie and stored value it finds, then sets both. */
  @BeforeAll
  static void startSite() throws IOException {
    site = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    site.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String cookie = exchange.getRequestHeaders().getFirst("Cookie");
            byte[] page =
                ("<!doctype html><title>t</title><p id=cookie>"
                        + (cookie == null ? "none" : cookie)
                        + "</p><p id=stored></p><script>"
                        + "document.getElementById('stored').textContent ="
                        + " localStorage.getItem('seen') || 'none';"
                        + "localStorage.setItem('seen', 'yes');</script>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Set-Cookie", "seen=yes; Path=/; Max-Age=3600");
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
          }
        });
    site.start();
  }

  @AfterAll
  static void stopSite() {
    site.stop(0);
  }

  @Test
  void eachBrowser_startsWithoutTheCookiesAndStorageOfTheOneBefore_inTheSameChromium() {
    int port = site.getAddress().getPort();
    Object chromium;
    try (Browser first = Browser.open(port)) {
      chromium = first.driver;
      first.go("/");
      assertThat(first.text("#cookie")).isEqualTo("none");
      assertThat(first.text("#stored")).isEqualTo("none");
      first.go("/");
      assertThat(first.text("#cookie")).isEqualTo("seen=yes");
      assertThat(first.text("#stored")).isEqualTo("yes");
    }
    try (Browser second = Browser.open(port)) {
      assertThat(second.driver).isSameAs(chromium);
      second.go("/");
      assertThat(second.text("#cookie")).isEqualTo("none");
      assertThat(second.text("#stored")).isEqualTo("none");

      // A second browser while one is open: a Chromium of its own, sharing nothing either.
      try (Browser third = Browser.open(port)) {
        assertThat(third.driver).isNotSameAs(chromium);
        third.go("/");
        assertThat(third.text("#cookie")).isEqualTo("none");
      }
    }
  }
}
