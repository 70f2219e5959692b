package dev.retention.api.console;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
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
 */
public final class Browser implements AutoCloseable {

  static final Path CHROMIUM =
      Path.of(System.getenv().getOrDefault("CHROMIUM_BIN", "/usr/bin/chromium"));
  static final Path DRIVER =
      Path.of(System.getenv().getOrDefault("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"));
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  public final WebDriver driver;
  final String base;
  private final Path profile;

  private Browser(WebDriver driver, String base, Path profile) {
    this.driver = driver;
    this.base = base;
    this.profile = profile;
  }

  /** A fresh browser (own profile, no cookies) at 1280 × 900. */
  public static Browser open(int port) {
    requireChromium();
    try {
      Path profile = Files.createTempDirectory("console-chromium-");
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
      return new Browser(driver, "http://localhost:" + port, profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
    return new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(200))
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
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // A temp directory left behind is harmless.
      }
    }
  }
}
