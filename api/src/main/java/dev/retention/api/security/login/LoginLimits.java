package dev.retention.api.security.login;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code retention.security.login.*}: how many failed password logins a username ({@code
 * max-failures}) and a client address ({@code max-failures-per-address}, higher: an office behind
 * one address has many people) may have within {@code window} before further attempts are refused.
 */
@ConfigurationProperties("retention.security.login")
record LoginLimits(Integer maxFailures, Integer maxFailuresPerAddress, Duration window) {

  LoginLimits {
    if (maxFailures == null) {
      maxFailures = 5;
    }
    if (maxFailuresPerAddress == null) {
      maxFailuresPerAddress = 20;
    }
    if (window == null) {
      window = Duration.ofMinutes(15);
    }
    if (maxFailures < 1 || maxFailuresPerAddress < 1) {
      throw new IllegalArgumentException(
          "retention.security.login.max-failures and max-failures-per-address must be at least 1");
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException(
          "retention.security.login.window must be positive, was " + window);
    }
  }
}
