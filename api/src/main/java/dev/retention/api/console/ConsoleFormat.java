package dev.retention.api.console;

import dev.retention.api.security.Callers;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Formats for the templates ({@code ${@fmt.time(x)}}): times in the viewer's zone and language,
 * durations, money. The viewer's zone is the one in their profile, else their browser's (the
 * console's script keeps it in the {@value #ZONE_COOKIE} cookie), else UTC; read once a request.
 */
@Component("fmt")
public class ConsoleFormat {

  /** The cookie in which the console's script keeps the browser's time zone. */
  static final String ZONE_COOKIE = "console-tz";

  private static final String ZONE_ATTRIBUTE = ConsoleFormat.class.getName() + ".zone";

  private final JdbcClient jdbc;

  ConsoleFormat(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** The zone times are shown in for this request's viewer. */
  public ZoneId zone() {
    RequestAttributes request = RequestContextHolder.getRequestAttributes();
    if (request == null) {
      return ZoneOffset.UTC;
    }
    Object known = request.getAttribute(ZONE_ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
    if (known instanceof ZoneId zone) {
      return zone;
    }
    ZoneId zone =
        profileZone()
            .or(
                () ->
                    request instanceof ServletRequestAttributes servlet
                        ? browserZone(servlet.getRequest())
                        : Optional.empty())
            .orElse(ZoneOffset.UTC);
    request.setAttribute(ZONE_ATTRIBUTE, zone, RequestAttributes.SCOPE_REQUEST);
    return zone;
  }

  /** The zone's name as the viewer reads it, e.g. "Europe/Amsterdam" or "UTC". */
  public String zoneName() {
    return zone().getId().equals("Z") ? "UTC" : zone().getId();
  }

  /** The zone the browser sent, when it is a zone. */
  static Optional<ZoneId> browserZone(HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return Optional.empty();
    }
    for (Cookie cookie : cookies) {
      if (ZONE_COOKIE.equals(cookie.getName())) {
        return parse(
            java.net.URLDecoder.decode(cookie.getValue(), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return Optional.empty();
  }

  /** A zone id, or empty when it is none (null, blank, unknown, or longer than a zone's). */
  static Optional<ZoneId> parse(String value) {
    if (value == null || value.isBlank() || value.length() > 64) {
      return Optional.empty();
    }
    try {
      return Optional.of(ZoneId.of(value.strip()));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  private Optional<ZoneId> profileZone() {
    var me = Callers.current().orElse(null);
    if (me == null || me.isKey()) {
      return Optional.empty();
    }
    return jdbc.sql("select time_zone from people where username = :u")
        .param("u", me.id())
        .query(String.class)
        .optional()
        .flatMap(ConsoleFormat::parse);
  }

  /** A time in the viewer's zone and language: "6 dec. 2026 14:05 CET". */
  public String time(Instant at) {
    return at == null ? "–" : format(at, zone(), "d MMM yyyy HH:mm z");
  }

  /** A short time for charts: "6 dec. 14:05". */
  public String chartTime(Instant at) {
    return at == null ? "–" : format(at, zone(), "d MMM HH:mm");
  }

  /** A day for charts: "6 dec.". */
  public String chartDay(Instant at) {
    return at == null ? "–" : format(at, zone(), "d MMM");
  }

  /**
   * The same moment on the customer's clock, when their zone differs from the viewer's: "14:05
   * Europe/Prague"; empty when the clocks agree or the zone is unknown.
   */
  public String customerTime(Instant at, String customerZone) {
    Optional<ZoneId> zone = parse(customerZone);
    if (at == null || zone.isEmpty()) {
      return "";
    }
    if (zone.get().getRules().getOffset(at).equals(zone().getRules().getOffset(at))) {
      return "";
    }
    return format(at, zone.get(), "HH:mm") + " " + zone.get().getId();
  }

  private static String format(Instant at, ZoneId zone, String pattern) {
    return DateTimeFormatter.ofPattern(pattern, LocaleContextHolder.getLocale())
        .withZone(zone)
        .format(at);
  }

  /** A calendar day in the viewer's language (a renewal date): "1 jan. 2027". */
  public String date(java.time.LocalDate day) {
    return day == null
        ? "–"
        : DateTimeFormatter.ofPattern("d MMM yyyy", LocaleContextHolder.getLocale()).format(day);
  }

  public String iso(Instant at) {
    return at == null ? "" : at.toString();
  }

  public String duration(Duration d) {
    if (d == null) {
      return "–";
    }
    boolean dutch = "nl".equals(LocaleContextHolder.getLocale().getLanguage());
    String hours = dutch ? "u" : "h";
    long seconds = d.toSeconds();
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3600) {
      return (seconds / 60) + " min";
    }
    if (seconds < 86_400) {
      return "%d %s %02d min".formatted(seconds / 3600, hours, (seconds % 3600) / 60);
    }
    return "%d d %d %s".formatted(seconds / 86_400, (seconds % 86_400) / 3600, hours);
  }

  public String money(BigDecimal amount) {
    if (amount == null) {
      return "–";
    }
    Locale locale = LocaleContextHolder.getLocale();
    return "€ " + String.format(locale, "%,.0f", amount);
  }

  public String percent(Double rate) {
    return rate == null
        ? "–"
        : String.format(LocaleContextHolder.getLocale(), "%.1f %%", rate * 100);
  }

  public boolean overdue(Instant due, Instant now) {
    return due != null && now != null && due.isBefore(now);
  }

  public String band(String band) {
    return band == null ? "none" : band.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The chip class of a run's outcome: good (green), bad (red), warn or plain. */
  public String tone(String outcome) {
    return Charts.outcomeTone(outcome);
  }

  /** The colour of a connection's state: good when OK, bad when it fails, none when off. */
  public String connectionTone(String state) {
    return switch (state) {
      case "OK" -> "good";
      case "DEGRADED" -> "warn";
      case "UNAUTHORIZED", "DOWN" -> "bad";
      default -> "none";
    };
  }

  /** MY_STAGE → My stage, for names without a translation. */
  public String words(String name) {
    if (name == null || name.isEmpty()) {
      return "–";
    }
    String lower = name.toLowerCase(Locale.ROOT).replace('_', ' ').replace('-', ' ');
    return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
  }
}
