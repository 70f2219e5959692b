package dev.retention.api.security.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.security.login.LoginThrottle.Attempt;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The throttle's counting on a clock the test moves (windows of minutes, run in milliseconds),
 * against a real PostgreSQL migrated like the app's: the counts are shared by every instance and
 * outlive any of them.
 */
class LoginThrottleTest {

  static final LoginLimits LIMITS = new LoginLimits(5, 20, Duration.ofMinutes(15));

  static EmbeddedPostgres postgres;
  static JdbcClient jdbc;

  final MovableClock clock = new MovableClock(Instant.parse("2026-03-02T09:00:00Z"));
  LoginThrottle throttle;

  @BeforeAll
  static void database() throws IOException {
    postgres = EmbeddedPostgres.builder().start();
    Flyway.configure()
        .dataSource(postgres.getPostgresDatabase())
        .locations("classpath:db/migration")
        .load()
        .migrate();
    jdbc = JdbcClient.create(postgres.getPostgresDatabase());
  }

  @AfterAll
  static void stop() throws IOException {
    postgres.close();
  }

  @BeforeEach
  void setUp() {
    jdbc.sql("truncate login_failures").update();
    throttle = instance();
  }

  /** Another instance of the app (or this one after a restart): nothing shared but the database. */
  LoginThrottle instance() {
    return new LoginThrottle(LIMITS, clock, jdbc);
  }

  @Test
  void fiveFailures_refuseTheUsername_untilTheOldestLeavesTheWindow() {
    for (int i = 0; i < 5; i++) {
      assertThat(throttle.attempt("petra", "10.0.0.1").refused()).isFalse();
      clock.advance(Duration.ofMinutes(1));
    }

    // Five minutes on: the first failure leaves the window in ten; any case, any address.
    Attempt refused = throttle.attempt(" PETRA", "10.0.0.2");
    assertThat(refused.refused()).isTrue();
    assertThat(refused.retryAfterSeconds()).isEqualTo(600);
    assertThat(refused.refusal().status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
    assertThat(refused.refusal().headers()).containsEntry("Retry-After", "600");
    assertThat(refused.refusal().getMessage())
        .contains("too many failed logins for this username: 5 within PT15M")
        .contains("without checking the password")
        .contains("try again in 600 seconds");

    clock.advance(Duration.ofSeconds(599));
    assertThat(throttle.attempt("petra", "10.0.0.1").retryAfterSeconds()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    Attempt afterTheWindow = throttle.attempt("petra", "10.0.0.1");
    assertThat(afterTheWindow.refused()).isFalse();
    // Refused attempts were not counted; this one is, so the next waits for the second failure.
    assertThat(throttle.attempt("petra", "10.0.0.1").retryAfterSeconds()).isEqualTo(60);
  }

  @Test
  void aSuccess_startsTheUsernameAfresh() {
    for (int i = 0; i < 4; i++) {
      throttle.attempt("sam", "10.0.0.1");
    }
    throttle.attempt("sam", "10.0.0.1").succeeded();
    for (int i = 0; i < 5; i++) {
      assertThat(throttle.attempt("sam", "10.0.0.1").refused()).as("attempt %d", i).isFalse();
    }
    assertThat(throttle.attempt("sam", "10.0.0.1").refused()).isTrue();
  }

  @Test
  void attemptsInFlight_countBeforeTheirPasswordsAreChecked() {
    List<Attempt> inFlight = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      inFlight.add(throttle.attempt("lena", "10.0.0." + i));
    }
    assertThat(inFlight).noneMatch(Attempt::refused);
    assertThat(throttle.attempt("lena", "10.0.0.9").refused()).isTrue();
  }

  @Test
  void oneAddress_isRefusedAfterTwentyFailuresAcrossUsernames_andALoginDoesNotClearIt() {
    for (int i = 0; i < 19; i++) {
      assertThat(throttle.attempt("guess-" + i, "10.0.0.7").refused()).isFalse();
    }
    throttle.attempt("sam", "10.0.0.7").succeeded();
    assertThat(throttle.attempt("guess-19", "10.0.0.7").refused()).isFalse();

    Attempt refused = throttle.attempt("sam", "10.0.0.7");
    assertThat(refused.refused()).isTrue();
    assertThat(refused.refusal().getMessage())
        .contains("too many failed logins from this address: 20 within PT15M");
    assertThat(throttle.attempt("sam", "10.0.0.8").refused()).isFalse();
  }

  @Test
  void ipv6Clients_countByTheirSlash64() {
    assertThat(LoginThrottle.addressKey("2001:db8:1:2:aaaa::1"))
        .isEqualTo(LoginThrottle.addressKey("2001:db8:1:2:bbbb:cccc:dddd:2"))
        .isNotEqualTo(LoginThrottle.addressKey("2001:db8:1:3::1"));
    assertThat(LoginThrottle.addressKey("::ffff:192.0.2.7")).isEqualTo("192.0.2.7");
    assertThat(LoginThrottle.addressKey("192.0.2.7")).isEqualTo("192.0.2.7");
  }

  @Test
  void failuresOutOfTheWindow_areForgotten() {
    for (int i = 0; i < 3; i++) {
      throttle.attempt("gone-" + i, "10.0.1." + i);
    }
    assertThat(throttle.tracked()).isEqualTo(6);
    clock.advance(Duration.ofMinutes(16));
    throttle.attempt("petra", "10.0.0.1").succeeded();
    assertThat(throttle.tracked()).isZero();
  }

  @Test
  void anotherInstance_andARestart_countTheSameFailures() {
    for (int i = 0; i < 3; i++) {
      assertThat(throttle.attempt("petra", "10.0.0.1").refused()).isFalse();
    }
    LoginThrottle other = instance();
    for (int i = 0; i < 2; i++) {
      assertThat(other.attempt("PETRA", "10.0.0.2").refused()).isFalse();
    }
    assertThat(throttle.attempt("petra", "10.0.0.3").refused()).isTrue();
    LoginThrottle afterARestart = instance();
    Attempt refused = afterARestart.attempt("petra", "10.0.0.4");
    assertThat(refused.refused()).isTrue();
    assertThat(refused.retryAfterSeconds()).isEqualTo(900);
    // An unlock on one instance holds on all.
    other.unlock("Petra");
    assertThat(afterARestart.attempt("petra", "10.0.0.4").refused()).isFalse();
  }

  @Test
  void parallelAttempts_onTwoInstances_letExactlyTheLimitThrough() throws Exception {
    LoginThrottle other = instance();
    List<Callable<Boolean>> guesses = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      LoginThrottle on = i % 2 == 0 ? throttle : other;
      String address = "10.0.3." + i;
      guesses.add(() -> !on.attempt("lena", address).refused());
    }
    int letThrough = 0;
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (Future<Boolean> guess : pool.invokeAll(guesses)) {
        letThrough += guess.get() ? 1 : 0;
      }
    }
    assertThat(letThrough).isEqualTo(5);
    // Refused attempts counted against no address.
    assertThat(
            jdbc.sql(
                    "select count(*) from login_failures where kind = 'address'"
                        + " and cardinality(times) > 0")
                .query(Integer.class)
                .single())
        .isEqualTo(5);
  }

  /** A clock that stands still until the test moves it. */
  static final class MovableClock extends Clock {

    private volatile Instant now;

    MovableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
