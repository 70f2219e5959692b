package dev.retention.api.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromium-driver (never a browser a tool downloads).
 * Without them: in CI (CI set) the tests fail and say what to install; on a developer's machine
 * they are skipped with the same words, loudly, so a plain {@code ./mvnw verify} still runs.
 *
 * <p>One Chromium serves the whole test JVM (started on first use, quit when the JVM exits); each
 * {@link #open} is a window in a browser context of its own, as an incognito window is: its own
 * cookies, storage and cache, thrown away on {@link #close}. A test that opens a second browser
 * while its first is open gets a Chromium of its own for it, as every test did before.
 */
public final class Browser implements AutoCloseable {

  static final Path CHROMIUM =
      Path.of(System.getenv().getOrDefault("CHROMIUM_BIN", "/usr/bin/chromium"));
  static final Path DRIVER =
      Path.of(System.getenv().getOrDefault("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"));
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  /** The JVM's Chromium, its blank first window (kept open: the session ends with its last one). */
  private static ChromeDriver shared;

  /** The shared Chromium's own DevTools connection: browser contexts are made and ended there. */
  private static DevTools sharedDevTools;

  private static Path sharedProfile;
  private static String sharedHome;
  private static boolean sharedInUse;

  public final WebDriver driver;
  final String base;

  /** This browser's own profile (a Chromium of its own), or null. */
  private final Path profile;

  /** This browser's context in the shared Chromium, or null. */
  private final String browserContext;

  private Browser(WebDriver driver, String base, Path profile, String browserContext) {
    this.driver = driver;
    this.base = base;
    this.profile = profile;
    this.browserContext = browserContext;
  }

  /** A fresh browser (no cookies, no storage) at 1280 × 900. */
  public static synchronized Browser open(int port) {
    requireChromium();
    String base = "http://localhost:" + port;
    if (sharedInUse) {
      Path profile = newProfile();
      return new Browser(started(profile), base, profile, null);
    }
    ChromeDriver driver = shared();
    String contextId =
        sharedDevTools
            .call("Target.createBrowserContext", Map.of())
            .path("browserContextId")
            .asText();
    String window =
        sharedDevTools
            .call(
                "Target.createTarget",
                Map.of("url", "about:blank", "browserContextId", contextId, "newWindow", true))
            .path("targetId")
            .asText();
    driver.switchTo().window(window);
    driver.manage().window().setSize(new Dimension(1280, 900));
    sharedInUse = true;
    return new Browser(driver, base, null, contextId);
  }

  /** The JVM's Chromium, started on first use (again if it died). */
  private static ChromeDriver shared() {
    if (shared != null) {
      try {
        shared.switchTo().window(sharedHome);
        return shared;
      } catch (WebDriverException | IllegalStateException e) {
        sharedDevTools.close();
        quit(shared, sharedProfile);
        shared = null;
      }
    }
    boolean first = sharedProfile == null;
    sharedProfile = newProfile();
    shared = started(sharedProfile);
    sharedHome = shared.getWindowHandle();
    Map<?, ?> chromeOptions =
        (Map<?, ?>) shared.getCapabilities().getCapability("goog:chromeOptions");
    sharedDevTools = DevTools.connect((String) chromeOptions.get("debuggerAddress"));
    if (first) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    synchronized (Browser.class) {
                      if (shared != null) {
                        sharedDevTools.close();
                        quit(shared, sharedProfile);
                      }
                    }
                  }));
    }
    return shared;
  }

  private static Path newProfile() {
    try {
      return Files.createTempDirectory("console-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ChromeDriver started(Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--lang=en-US",
        "--window-size=1280,900",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(1280, 900));
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return driver;
  }

  static void requireChromium() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
    if (present) {
      return;
    }
    String message =
        "The console's browser tests need Debian's headless Chromium and its driver ("
            + CHROMIUM
            + ", "
            + DRIVER
            + "): apt-get install -y chromium chromium-driver (.ci/run installs them).";
    if (System.getenv("CI") != null) {
      throw new AssertionError(message);
    }
    System.err.println("\n!!!!! SKIPPING THE BROWSER TESTS: " + message + "\n");
    Assumptions.abort(message);
  }

  public Browser go(String path) {
    driver.get(base + path);
    return this;
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  java.util.List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  public <T> T await(ExpectedCondition<T> condition) {
    // htmx swaps fragments (the run page polls): an element found a moment ago may be replaced.
    return new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(50))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(condition);
  }

  /** Clicks the element as it is now (found again if a swap replaced it). */
  void click(String css) {
    await(
        d -> {
          d.findElement(By.cssSelector(css)).click();
          return true;
        });
  }

  /** Types into the element as it is now. */
  void type(String css, String text) {
    await(
        d -> {
          d.findElement(By.cssSelector(css)).sendKeys(text);
          return true;
        });
  }

  /** The text of the element now, found again if a swap replaced it. */
  String text(String css) {
    return await(d -> d.findElement(By.cssSelector(css)).getText());
  }

  /**
   * The text of the element once it contains {@code expected} (an htmx answer swaps it in a moment
   * after the click), or as it is after the wait's 30 s, for the caller's assertion to show.
   */
  String textOnce(String css, String expected) {
    try {
      return await(
          d -> {
            String text = d.findElement(By.cssSelector(css)).getText();
            return text.contains(expected) ? text : null;
          });
    } catch (org.openqa.selenium.TimeoutException e) {
      return text(css);
    }
  }

  /** An attribute of the element now, found again if a swap replaced it. */
  String attribute(String css, String name) {
    return await(d -> String.valueOf(d.findElement(By.cssSelector(css)).getAttribute(name)));
  }

  public void login(String username, String password) {
    go("/login");
    find("#username").sendKeys(username);
    find("#password").sendKeys(password);
    find("#login-submit").click();
    await(d -> d.getCurrentUrl().endsWith("/console"));
  }

  void phoneWidth() {
    driver.manage().window().setSize(new Dimension(390, 844));
  }

  /** A screenshot in target/screenshots (the build's output), named for what it shows. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Path target = SCREENSHOTS.resolve(name + ".png");
      Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (browserContext == null) {
      quit(driver, profile);
      return;
    }
    synchronized (Browser.class) {
      try {
        // Closes the context's windows and forgets its cookies, storage and cache.
        shared.switchTo().window(sharedHome);
        sharedDevTools.call(
            "Target.disposeBrowserContext", Map.of("browserContextId", browserContext));
      } catch (WebDriverException | IllegalStateException e) {
        // The next open() starts a new Chromium if this one is gone.
      } finally {
        sharedInUse = false;
      }
    }
  }

  private static void quit(WebDriver driver, Path profile) {
    try {
      driver.quit();
    } catch (WebDriverException e) {
      // Already gone.
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // A temp directory left behind is harmless.
      }
    }
  }

  /**
   * The browser's own DevTools endpoint, over a WebSocket: the driver's CDP commands go to a page,
   * which may not make or end browser contexts.
   */
  private static final class DevTools {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending;
    private final AtomicInteger ids = new AtomicInteger();

    private DevTools(WebSocket socket, Map<Integer, CompletableFuture<JsonNode>> pending) {
      this.socket = socket;
      this.pending = pending;
    }

    static DevTools connect(String debuggerAddress) {
      try {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> version =
            http.send(
                HttpRequest.newBuilder(URI.create("http://" + debuggerAddress + "/json/version"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        String url = JSON.readTree(version.body()).path("webSocketDebuggerUrl").asText();
        Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        WebSocket socket =
            http.newWebSocketBuilder()
                .buildAsync(URI.create(url), new Answers(pending))
                .get(30, TimeUnit.SECONDS);
        return new DevTools(socket, pending);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("no DevTools connection to Chromium", e);
      }
    }

    /** Sends a command and waits for its result. */
    JsonNode call(String method, Map<String, Object> params) {
      int id = ids.incrementAndGet();
      CompletableFuture<JsonNode> answer = new CompletableFuture<>();
      pending.put(id, answer);
      try {
        socket
            .sendText(
                JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true)
            .get(30, TimeUnit.SECONDS);
        JsonNode message = answer.get(30, TimeUnit.SECONDS);
        if (message.has("error")) {
          throw new IllegalStateException(method + ": " + message.get("error"));
        }
        return message.path("result");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException(method + " got no answer from Chromium", e);
      } finally {
        pending.remove(id);
      }
    }

    void close() {
      socket.abort();
    }

    /** Hands each answer (a message with an id) to the call waiting for it. */
    private static final class Answers implements WebSocket.Listener {

      private final Map<Integer, CompletableFuture<JsonNode>> pending;

      /** A message's text so far (the listener is called for one part at a time, in order). */
      private final StringBuilder parts = new StringBuilder();

      Answers(Map<Integer, CompletableFuture<JsonNode>> pending) {
        this.pending = pending;
      }

      @Override
      public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        parts.append(data);
        if (last) {
          try {
            JsonNode message = JSON.readTree(parts.toString());
            CompletableFuture<JsonNode> waiting =
                message.has("id") ? pending.get(message.get("id").asInt()) : null;
            if (waiting != null) {
              waiting.complete(message);
            }
          } catch (IOException e) {
            // Not an answer to a call; a call whose answer was lost times out.
          } finally {
            parts.setLength(0);
          }
        }
        socket.request(1);
        return null;
      }
    }
  }
}
