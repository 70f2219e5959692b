package dev.retention.api.console;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

/** Formats for the templates ({@code ${@fmt.time(x)}}): times in UTC, durations, money. */
@Component("fmt")
class ConsoleFormat {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  public String time(Instant at) {
    return at == null ? "–" : TIME.format(at);
  }

  public String iso(Instant at) {
    return at == null ? "" : at.toString();
  }

  public String duration(Duration d) {
    if (d == null) {
      return "–";
    }
    long seconds = d.toSeconds();
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3600) {
      return (seconds / 60) + " min";
    }
    if (seconds < 86_400) {
      return "%d h %02d min".formatted(seconds / 3600, (seconds % 3600) / 60);
    }
    return "%d d %d h".formatted(seconds / 86_400, (seconds % 86_400) / 3600);
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

  /** MY_STAGE → My stage, for names without a translation. */
  public String words(String name) {
    if (name == null) {
      return "–";
    }
    String lower = name.toLowerCase(Locale.ROOT).replace('_', ' ').replace('-', ' ');
    return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
  }
}
