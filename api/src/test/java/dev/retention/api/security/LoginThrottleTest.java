package dev.retention.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.security.LoginThrottle.Attempt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** The throttle's counting on a clock the test moves: windows of minutes, run in milliseconds. */
class LoginThrottleTest {

  final MovableClock clock = new MovableClock(Instant.parse("2026-03-02T09:00:00Z"));
  final LoginThrottle throttle =
      new LoginThrottle(new LoginLimits(5, 20, Duration.ofMinutes(15)), clock);

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
  void failuresOutOfTheWindow_areForgotten_andTheTablesAreBounded() {
    for (int i = 0; i < 3; i++) {
      throttle.attempt("gone-" + i, "10.0.1." + i);
    }
    assertThat(throttle.tracked()).isEqualTo(6);
    clock.advance(Duration.ofMinutes(16));
    throttle.attempt("petra", "10.0.0.1").succeeded();
    assertThat(throttle.tracked()).isZero();

    for (int i = 0; i < LoginThrottle.MAX_TRACKED; i++) {
      throttle.attempt("user-" + i, "10.1." + (i / 256) + "." + (i % 256));
    }
    assertThat(throttle.tracked()).isEqualTo(2 * LoginThrottle.MAX_TRACKED);
    // Full: a new username from a new address goes uncounted; those held are still held.
    for (int i = 0; i < 6; i++) {
      assertThat(throttle.attempt("one-more", "10.2.0.1").refused()).isFalse();
    }
    assertThat(throttle.tracked()).isEqualTo(2 * LoginThrottle.MAX_TRACKED);
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
