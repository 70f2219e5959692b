package dev.retention.api.reports;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.retention.activities.reports.Reports;
import dev.retention.api.input.SingleLine;
import dev.retention.api.problems.ApiProblem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reports for a CS lead over runs started (NPS answers given) in [from, to). Without {@code to} the
 * window ends now; without {@code from} it is the 30 days before {@code to}.
 */
@RestController
class ReportController {

  static final Duration DEFAULT_WINDOW = Duration.ofDays(30);

  /** Report windows lie within these years: nothing older exists, nothing later makes sense. */
  static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

  static final Instant LATEST = Instant.parse("2101-01-01T00:00:00Z");

  private final Reports reports;
  private final Clock clock;

  ReportController(Reports reports, Clock clock) {
    this.reports = reports;
    this.clock = clock;
  }

  record Window(Instant from, Instant to) {}

  record PlaybooksAnswer(Instant from, Instant to, List<Reports.PlaybookReport> playbooks) {}

  /** A report with the window it covers; the report's own fields sit beside from and to. */
  record Answer<R>(Instant from, Instant to, @JsonUnwrapped R report) {}

  @GetMapping("/api/reports/playbooks")
  PlaybooksAnswer playbooks(
      @RequestParam(required = false) @SingleLine String from,
      @RequestParam(required = false) @SingleLine String to) {
    Window w = window(from, to);
    return new PlaybooksAnswer(w.from(), w.to(), reports.playbooks(w.from(), w.to()));
  }

  @GetMapping("/api/reports/nps")
  Answer<Reports.NpsReport> nps(
      @RequestParam(required = false) @SingleLine String from,
      @RequestParam(required = false) @SingleLine String to) {
    Window w = window(from, to);
    return new Answer<>(w.from(), w.to(), reports.nps(w.from(), w.to()));
  }

  @GetMapping("/api/reports/onboarding")
  Answer<Reports.OnboardingReport> onboarding(
      @RequestParam(required = false) @SingleLine String from,
      @RequestParam(required = false) @SingleLine String to) {
    Window w = window(from, to);
    return new Answer<>(w.from(), w.to(), reports.onboarding(w.from(), w.to()));
  }

  private Window window(String from, String to) {
    Instant end = to == null ? clock.instant() : instant("to", to);
    Instant start = from == null ? end.minus(DEFAULT_WINDOW) : instant("from", from);
    if (!start.isBefore(end)) {
      throw ApiProblem.invalid("from", "from (" + start + ") must be before to (" + end + ")");
    }
    return new Window(start, end);
  }

  private static Instant instant(String field, String value) {
    Instant at;
    try {
      at = Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiProblem.invalid(
          field, field + " must be an ISO-8601 UTC instant such as 2026-11-01T00:00:00Z");
    }
    if (at.isBefore(EARLIEST) || !at.isBefore(LATEST)) {
      throw ApiProblem.invalid(field, field + " must lie in the years 2000 to 2100, was " + at);
    }
    return at;
  }
}
