package dev.retention.api.security;

import dev.retention.api.problems.ApiProblem;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Brute-force protection for password logins ({@code POST /api/session} and the console's form).
 * Failed logins are counted per username (case-insensitive) and per client address over a sliding
 * window ({@link LoginLimits}). At the limit, further attempts are refused before the password is
 * checked, so the right password is refused too and a lockout says nothing about it; unknown
 * usernames are counted like known ones. A success clears its username's count, not the address's
 * (one's own login must not wipe out guesses at others').
 *
 * <p>An attempt counts as failed from the moment it is let through until it succeeds, so guesses
 * sent in parallel cannot slip past the limit while their passwords are being checked.
 *
 * <p>The counts live in this process: several API instances each count on their own (n instances
 * let up to n times the limit through), and a restart forgets them. Each table holds at most {@link
 * #MAX_TRACKED} usernames or addresses with failures in the window; past that, new ones go
 * uncounted (and a warning is logged) until older ones leave the window, while the other table
 * still holds them back.
 *
 * <p>The client address is the servlet's remote address: behind a reverse proxy, the proxy's,
 * unless Spring's forwarded-header handling ({@code server.forward-headers-strategy}) is on.
 */
@Component
class LoginThrottle {

  static final int MAX_TRACKED = 20_000;

  private static final long PRUNE_EVERY_MILLIS = 60_000;

  /** An IPv6 literal as a servlet container gives it (InetAddress parses it without a lookup). */
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

  private final Clock clock;
  private final Duration window;
  private final Counts usernames;
  private final Counts addresses;

  LoginThrottle(LoginLimits limits, Clock clock) {
    this.clock = clock;
    this.window = limits.window();
    this.usernames = new Counts("usernames", limits.maxFailures());
    this.addresses = new Counts("client addresses", limits.maxFailuresPerAddress());
  }

  /** Before the password check: refused, or let through and counted as failed until it succeeds. */
  Attempt attempt(String username, String address) {
    String user = usernameKey(username);
    String from = addressKey(address);
    long now = clock.millis();
    long userFree = usernames.admit(user, now);
    long addressFree = addresses.admit(from, now);
    if (userFree == 0 && addressFree == 0) {
      return new Attempt(user, from, now, null, 0);
    }
    // Refused: what was counted for the other key is no attempt after all.
    if (userFree == 0) {
      usernames.uncount(user, now);
    }
    if (addressFree == 0) {
      addresses.uncount(from, now);
    }
    String by =
        userFree != 0 && addressFree != 0
            ? "for this username and from this address"
            : userFree != 0
                ? "for this username: " + usernames.limit + " within " + window
                : "from this address: " + addresses.limit + " within " + window;
    long seconds = Math.max(1, (Math.max(userFree, addressFree) - now + 999) / 1000);
    return new Attempt(
        user,
        from,
        now,
        ApiProblem.tooManyRequests(
            "Too many failed logins",
            "too many failed logins "
                + by
                + "; this attempt was refused without checking the password; try again in "
                + seconds
                + " seconds (Retry-After)",
            seconds),
        seconds);
  }

  /**
   * An admin's unlock: the username's failed logins are forgotten, so it may log in at once. The
   * client addresses' counts stay (an unlock is for a person, not for whoever guessed).
   */
  void unlock(String username) {
    usernames.forget(usernameKey(username));
  }

  /** One login attempt: refused with a 429 problem, or let through. */
  final class Attempt {

    private final String username;
    private final String address;
    private final long at;
    private final ApiProblem refusal;
    private final long retryAfterSeconds;

    private Attempt(
        String username, String address, long at, ApiProblem refusal, long retryAfterSeconds) {
      this.username = username;
      this.address = address;
      this.at = at;
      this.refusal = refusal;
      this.retryAfterSeconds = retryAfterSeconds;
    }

    boolean refused() {
      return refusal != null;
    }

    /** A refused attempt's answer: 429 problem+json with a Retry-After header. */
    ApiProblem refusal() {
      return refusal;
    }

    /** Seconds until a refused attempt may be made again (its Retry-After). */
    long retryAfterSeconds() {
      return retryAfterSeconds;
    }

    /** The password was right: the username starts afresh; the address no longer counts it. */
    void succeeded() {
      if (refusal != null) {
        throw new IllegalStateException("a refused attempt cannot succeed");
      }
      usernames.forget(username);
      addresses.uncount(address, at);
    }
  }

  static String usernameKey(String username) {
    return username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
  }

  /** IPv4 as it is; IPv6 by its /64, since one client commonly holds the whole prefix. */
  static String addressKey(String address) {
    if (address == null) {
      return "";
    }
    if (IPV6.matcher(address).matches()) {
      try {
        byte[] bytes = InetAddress.getByName(address).getAddress();
        if (bytes.length == 16) {
          return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
        }
        return InetAddress.getByAddress(bytes).getHostAddress();
      } catch (UnknownHostException notALiteral) {
        return address;
      }
    }
    return address;
  }

  /** Number of usernames and addresses with failures held (for tests of the pruning). */
  int tracked() {
    return usernames.byKey.size() + addresses.byKey.size();
  }

  /** The failure times of each key within the window, at most {@code limit} a key. */
  private final class Counts {

    private final String what;
    private final int limit;
    private final ConcurrentHashMap<String, Failures> byKey = new ConcurrentHashMap<>();
    private final AtomicLong nextPrune = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong nextWarning = new AtomicLong(Long.MIN_VALUE);

    Counts(String what, int limit) {
      this.what = what;
      this.limit = limit;
    }

    /** 0 when the attempt may go on (it is counted), else when the key may try again. */
    long admit(String key, long now) {
      pruneIfDue(now);
      long[] free = {0};
      boolean[] full = {false};
      // compute runs under the key's lock: counting, pruning and forgetting a key never interleave.
      byKey.compute(
          key,
          (k, failures) -> {
            if (failures == null) {
              if (byKey.size() >= MAX_TRACKED) {
                full[0] = true;
                return null;
              }
              failures = new Failures(limit);
            }
            free[0] = failures.admit(now, window.toMillis());
            return failures;
          });
      if (full[0]) {
        warnFull(now);
      }
      return free[0];
    }

    void uncount(String key, long at) {
      byKey.computeIfPresent(key, (k, failures) -> failures.remove(at) ? null : failures);
    }

    void forget(String key) {
      byKey.remove(key);
    }

    private void pruneIfDue(long now) {
      long due = nextPrune.get();
      if (now < due || !nextPrune.compareAndSet(due, now + PRUNE_EVERY_MILLIS)) {
        return;
      }
      long cutoff = now - window.toMillis();
      for (String key : byKey.keySet()) {
        byKey.computeIfPresent(key, (k, failures) -> failures.prune(cutoff) ? null : failures);
      }
    }

    private void warnFull(long now) {
      long due = nextWarning.get();
      if (now >= due && nextWarning.compareAndSet(due, now + PRUNE_EVERY_MILLIS)) {
        log.warn(
            "Login throttle: {} {} have failed logins within {}, the most it holds; new ones go"
                + " uncounted until older ones leave the window",
            MAX_TRACKED,
            what,
            window);
      }
    }
  }

  /**
   * Failure times (epoch millis) of one key, unordered; only touched under its map entry's lock.
   */
  private static final class Failures {

    private final long[] at;
    private int size;

    Failures(int limit) {
      this.at = new long[limit];
    }

    /** Drops those out of the window; then counts {@code now} (0) or answers when one leaves. */
    long admit(long now, long window) {
      prune(now - window);
      if (size < at.length) {
        at[size++] = now;
        return 0;
      }
      long oldest = at[0];
      for (int i = 1; i < size; i++) {
        oldest = Math.min(oldest, at[i]);
      }
      return oldest + window;
    }

    /** Removes one failure at {@code time}; true when none is left. */
    boolean remove(long time) {
      for (int i = 0; i < size; i++) {
        if (at[i] == time) {
          at[i] = at[--size];
          break;
        }
      }
      return size == 0;
    }

    /** Drops failures at or before {@code cutoff}; true when none is left. */
    boolean prune(long cutoff) {
      int kept = 0;
      for (int i = 0; i < size; i++) {
        if (at[i] > cutoff) {
          at[kept++] = at[i];
        }
      }
      size = kept;
      return size == 0;
    }
  }
}
