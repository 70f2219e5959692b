package dev.retention.api.security.login;

import dev.retention.api.problems.ApiProblem;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
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
 * <p>The counts live in PostgreSQL ({@code login_failures}), so every instance counts together and
 * a restart forgets nothing. An attempt is one statement ({@code login_attempt}, which locks the
 * username's and the address's rows while it counts); a success is one more. Rows untouched for a
 * window are deleted, at most once a minute per instance.
 *
 * <p>The client address is the servlet's remote address: behind a reverse proxy, the proxy's,
 * unless Spring's forwarded-header handling ({@code server.forward-headers-strategy}) is on.
 */
@Component
class LoginThrottle {

  private static final long PRUNE_EVERY_MILLIS = 60_000;

  /** An IPv6 literal as a servlet container gives it (InetAddress parses it without a lookup). */
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private final Clock clock;
  private final JdbcClient jdbc;
  private final Duration window;
  private final int usernameLimit;
  private final int addressLimit;
  private final AtomicLong nextPrune = new AtomicLong(Long.MIN_VALUE);

  LoginThrottle(LoginLimits limits, Clock clock, JdbcClient jdbc) {
    this.clock = clock;
    this.jdbc = jdbc;
    this.window = limits.window();
    this.usernameLimit = limits.maxFailures();
    this.addressLimit = limits.maxFailuresPerAddress();
  }

  /** When each key may try again: 0 when the attempt was let through (and counted against both). */
  private record Free(long username, long address) {}

  /** Before the password check: refused, or let through and counted as failed until it succeeds. */
  Attempt attempt(String username, String address) {
    String user = usernameKey(username);
    String from = addressKey(address);
    long now = clock.millis();
    pruneIfDue(now);
    Free free =
        jdbc.sql(
                "select username_free, address_free"
                    + " from login_attempt(:username, :address, :now, :window, :ul, :al)")
            .param("username", user)
            .param("address", from)
            .param("now", now)
            .param("window", window.toMillis())
            .param("ul", usernameLimit)
            .param("al", addressLimit)
            .query((rs, n) -> new Free(rs.getLong(1), rs.getLong(2)))
            .single();
    if (free.username() == 0 && free.address() == 0) {
      return new Attempt(user, from, now, null, 0);
    }
    String by =
        free.username() != 0 && free.address() != 0
            ? "for this username and from this address"
            : free.username() != 0
                ? "for this username: " + usernameLimit + " within " + window
                : "from this address: " + addressLimit + " within " + window;
    long seconds = Math.max(1, (Math.max(free.username(), free.address()) - now + 999) / 1000);
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
    forget(usernameKey(username));
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
      jdbc.sql(
              """
              with forgotten as (
                delete from login_failures where kind = 'username' and key = :username
              )
              update login_failures
                 set times = times[1 : array_position(times, :at) - 1]
                             || times[array_position(times, :at) + 1 : ]
               where kind = 'address' and key = :address and :at = any(times)
              """)
          .param("username", username)
          .param("address", address)
          .param("at", at)
          .update();
    }
  }

  private void forget(String usernameKey) {
    jdbc.sql("delete from login_failures where kind = 'username' and key = :username")
        .param("username", usernameKey)
        .update();
  }

  /**
   * Deletes the rows no attempt touched for a window (all their failures are out of it). Rows an
   * attempt holds right now are skipped, so this never waits for one nor blocks it.
   */
  private void pruneIfDue(long now) {
    long due = nextPrune.get();
    if (now < due || !nextPrune.compareAndSet(due, now + PRUNE_EVERY_MILLIS)) {
      return;
    }
    jdbc.sql(
            """
            delete from login_failures where (kind, key) in (
              select kind, key from login_failures where touched_at <= :cutoff
              for update skip locked)
            """)
        .param("cutoff", now - window.toMillis())
        .update();
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
    return jdbc.sql("select count(*) from login_failures where cardinality(times) > 0")
        .query(Integer.class)
        .single();
  }
}
