package dev.retention.api.reports;

import dev.retention.activities.reports.Reports;
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

  private final Reports reports;
  private final Clock clock;

  ReportController(Reports reports, Clock clock) {
    this.reports = reports;
    this.clock = clock;
  }

  record Window(Instant from, Instant to) {}

  record PlaybooksAnswer(Instant from, Instant to, List<Reports.PlaybookReport> playbooks) {}

  record NpsAnswer(
      Instant from,
      Instant to,
      long responses,
      long promoters,
      long passives,
      long detractors,
      Integer nps) {}

  record OnboardingAnswer(
      Instant from,
      Instant to,
      long started,
      long completed,
      long closed,
      Double completionRate,
      long reachedFirstValue,
      Duration medianTimeToFirstValue,
      Double firstValueWithin24HoursRate) {}

  @GetMapping("/api/reports/playbooks")
  PlaybooksAnswer playbooks(
      @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
    Window w = window(from, to);
    return new PlaybooksAnswer(w.from(), w.to(), reports.playbooks(w.from(), w.to()));
  }

  @GetMapping("/api/reports/nps")
  NpsAnswer nps(
      @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
    Window w = window(from, to);
    Reports.NpsReport r = reports.nps(w.from(), w.to());
    return new NpsAnswer(
        w.from(), w.to(), r.responses(), r.promoters(), r.passives(), r.detractors(), r.nps());
  }

  @GetMapping("/api/reports/onboarding")
  OnboardingAnswer onboarding(
      @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
    Window w = window(from, to);
    Reports.OnboardingReport r = reports.onboarding(w.from(), w.to());
    return new OnboardingAnswer(
        w.from(),
        w.to(),
        r.started(),
        r.completed(),
        r.closed(),
        r.completionRate(),
        r.reachedFirstValue(),
        r.medianTimeToFirstValue(),
        r.firstValueWithin24HoursRate());
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
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiProblem.invalid(
          field, field + " must be an ISO-8601 UTC instant such as 2026-11-01T00:00:00Z");
    }
  }
}
