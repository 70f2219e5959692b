package dev.retention.api.reports;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.retention.api.input.Ids;
import dev.retention.api.input.SingleLine;
import dev.retention.api.input.TextRules;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Access;
import dev.retention.data.reports.Reports;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
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
 * window ends now; without {@code from} it is the 30 days before {@code to}. Each report covers the
 * runs the caller may see (a manager: their team's; keys and admins: everyone's), narrowed by an
 * optional {@code csmId} filter, and says so in {@code scope}.
 */
@Tag(name = "reports")
@RestController
class ReportController {

  static final Duration DEFAULT_WINDOW = Duration.ofDays(30);

  /** Report windows lie within these years: nothing older exists, nothing later makes sense. */
  static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

  static final Instant LATEST = Instant.parse("2101-01-01T00:00:00Z");

  /** A csmId filter names at most this many CSMs (and is at most this long in all). */
  static final int CSM_IDS_MAX_COUNT = 200;

  static final int CSM_IDS_MAX = CSM_IDS_MAX_COUNT * (TextRules.ID_MAX + 1);

  static final String CSM_ID_DOC =
      "Only these CSMs' runs: comma-separated (csmId=a,b) or repeated (csmId=a&csmId=b). A"
          + " manager may name only CSMs on their team (403 otherwise). Without it: all the caller"
          + " may see.";

  private final Reports reports;
  private final Access access;
  private final Clock clock;

  ReportController(Reports reports, Access access, Clock clock) {
    this.reports = reports;
    this.access = access;
    this.clock = clock;
  }

  record Window(Instant from, Instant to) {}

  record PlaybooksAnswer(
      Instant from,
      Instant to,
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Access.CsmScope scope,
      List<Reports.PlaybookReport> playbooks) {}

  /**
   * A report with the window and the CSMs it covers; the report's own fields sit beside from, to
   * and scope.
   */
  record Answer<R>(
      Instant from,
      Instant to,
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Access.CsmScope scope,
      @JsonUnwrapped R report) {}

  @Operation(
      operationId = "getPlaybookReport",
      summary = "Report on playbooks",
      description =
          "Per playbook in the window: started, running and counts per outcome; save rate "
              + "for at-risk and cancellation-save, upgrade rate for expansion. Managers see "
              + "their team, admins everyone.")
  @GetMapping("/api/reports/playbooks")
  PlaybooksAnswer playbooks(
      @RequestParam(required = false) @SingleLine String from,
      @RequestParam(required = false) @SingleLine String to,
      @RequestParam(required = false)
          @Parameter(description = CSM_ID_DOC)
          @SingleLine(max = CSM_IDS_MAX)
          String csmId) {
    Window w = window(from, to);
    Access.CsmScope scope = scope(csmId);
    return new PlaybooksAnswer(
        w.from(), w.to(), scope, reports.playbooks(w.from(), w.to(), scope.csmIds()));
  }

  @Operation(
      operationId = "getNpsReport",
      summary = "Report on NPS",
      description =
          "NPS answers in the window: responses, promoters, passives, detractors and the "
              + "NPS (-100..100).")
  @GetMapping("/api/reports/nps")
  Answer<Reports.NpsReport> nps(
      @RequestParam(required = false) @SingleLine String from,
      @RequestParam(required = false) @SingleLine String to,
      @RequestParam(required = false)
          @Parameter(description = CSM_ID_DOC)
          @SingleLine(max = CSM_IDS_MAX)
          String csmId) {
    Window w = window(from, to);
    Access.CsmScope scope = scope(csmId);
    return new Answer<>(w.from(), w.to(), scope, reports.nps(w.from(), w.to(), scope.csmIds()));
  }

  @Operation(
      operationId = "getOnboardingReport",
      summary = "Report on onboarding",
      description =
          "Onboarding runs in the window: started, completed, completion rate and median "
              + "time to first value.")
  @GetMapping("/api/reports/onboarding")
  Answer<Reports.OnboardingReport> onboarding(
      @RequestParam(required = false) @SingleLine String from,
      @RequestParam(required = false) @SingleLine String to,
      @RequestParam(required = false)
          @Parameter(description = CSM_ID_DOC)
          @SingleLine(max = CSM_IDS_MAX)
          String csmId) {
    Window w = window(from, to);
    Access.CsmScope scope = scope(csmId);
    return new Answer<>(
        w.from(), w.to(), scope, reports.onboarding(w.from(), w.to(), scope.csmIds()));
  }

  record ExperimentsAnswer(
      Instant from,
      Instant to,
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Access.CsmScope scope,
      @Schema(description = "Only this playbook's experiments, when given") String playbook,
      List<Reports.ExperimentReport> experiments) {}

  /** A playbook id: a lowercase slug, as definitions name them. */
  private static final java.util.regex.Pattern PLAYBOOK_ID =
      java.util.regex.Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  @Operation(
      operationId = "getExperimentReport",
      summary = "Report on A/B experiments",
      description =
          "Per playbook, experiment (a split in its definition) and variant, over runs started in"
              + " the window: runs, running, counts per outcome, the decided runs (an outcome"
              + " other than CANCELLED and SUPERSEDED) and how many of them succeeded, the rate"
              + " (rate says which: saveRate for at-risk and cancellation-save, upgradeRate for"
              + " expansion and playbooks whose final outcomes include UPGRADED; null otherwise)"
              + " and its 95% Wilson score interval (low, high; null without decided runs)."
              + " Managers see their team, admins everyone.")
  @GetMapping("/api/reports/experiments")
  ExperimentsAnswer experiments(
      @RequestParam(required = false) @SingleLine String from,
      @RequestParam(required = false) @SingleLine String to,
      @RequestParam(required = false)
          @Parameter(description = "Only this playbook's experiments (a playbook id: at-risk)")
          @SingleLine
          String playbook,
      @RequestParam(required = false)
          @Parameter(description = CSM_ID_DOC)
          @SingleLine(max = CSM_IDS_MAX)
          String csmId) {
    Window w = window(from, to);
    if (playbook != null
        && (playbook.length() > TextRules.ID_MAX || !PLAYBOOK_ID.matcher(playbook).matches())) {
      throw ApiProblem.invalid("playbook", "playbook must be a playbook id such as at-risk");
    }
    Access.CsmScope scope = scope(csmId);
    return new ExperimentsAnswer(
        w.from(),
        w.to(),
        scope,
        playbook,
        reports.experiments(w.from(), w.to(), playbook, scope.csmIds()));
  }

  /**
   * The CSMs the report covers. {@code csmId} arrives as one string: Spring joins a repeated
   * parameter with commas, and ids hold no comma, so both forms split the same way.
   */
  private Access.CsmScope scope(String csmId) {
    if (csmId == null) {
      return access.csmScope("csmId", null);
    }
    List<String> requested = List.of(csmId.split(",", -1));
    if (requested.size() > CSM_IDS_MAX_COUNT) {
      throw ApiProblem.invalid("csmId", "csmId may name at most " + CSM_IDS_MAX_COUNT + " CSMs");
    }
    requested.forEach(id -> Ids.check("csmId", id));
    return access.csmScope("csmId", requested);
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
