package dev.retention.api.console;

import dev.retention.api.security.Access;
import dev.retention.data.console.ConsoleReads;
import dev.retention.data.reports.Reports;
import io.swagger.v3.oas.annotations.Hidden;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The CS lead's dashboard: the reports of {@code /api/reports} for a date range (UTC days, both
 * ends included) as charts with their numbers beside them, and the team's escalations and breached
 * SLAs. Everything covers what the API would answer the same person: a manager's team, or every
 * team for an admin; the page says which.
 */
@Controller
@Hidden
class LeadDashboardController {

  static final double COMPLETION_TARGET = 0.8;
  static final Duration FIRST_VALUE_TARGET = Duration.ofHours(24);

  private final Reports reports;
  private final ConsoleReads reads;
  private final Access access;
  private final MessageSource messages;
  private final ConsoleWords words;
  private final Clock clock;

  LeadDashboardController(
      Reports reports,
      ConsoleReads reads,
      Access access,
      MessageSource messages,
      ConsoleWords words,
      Clock clock) {
    this.words = words;
    this.reports = reports;
    this.reads = reads;
    this.access = access;
    this.messages = messages;
    this.clock = clock;
  }

  @GetMapping("/console/lead")
  String dashboard(
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      Model model) {
    Instant now = clock.instant();
    Days days = days(from, to, LocalDate.ofInstant(now, ZoneOffset.UTC));
    LocalDate first = days.first();
    LocalDate last = days.last();
    Instant start = first.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant end = last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Function<String, String> msg = msg();
    Access.CsmScope scope = access.csmScope("csmId", null);
    List<String> team = scope.csmIds();
    Figures figures = figures(start, end, now, team);
    List<Reports.PlaybookReport> playbooks = figures.playbooks();
    Reports.NpsReport nps = figures.nps();
    Reports.OnboardingReport onboarding = figures.onboarding();
    model.addAttribute("scope", scope);
    model.addAttribute(
        "scopeCsms",
        team == null
            ? List.of()
            : reads.csms(team).stream().map(ConsoleReads.CsmLine::name).toList());
    model.addAttribute("from", first);
    model.addAttribute("to", last);
    model.addAttribute("windowFrom", start);
    model.addAttribute("windowTo", end);
    model.addAttribute("windowFromIso", start.toString());
    model.addAttribute("windowToIso", end.toString());
    model.addAttribute("playbooks", playbooks);
    model.addAttribute("outcomesChart", Charts.outcomes(playbooks, msg, words));
    addRates(model, playbooks, msg);
    model.addAttribute("nps", nps);
    model.addAttribute("npsSplit", Charts.npsSplit(nps, msg));
    model.addAttribute("npsTrend", Charts.npsTrend(figures.npsWeeks(), msg, words));
    model.addAttribute("onboarding", onboarding);
    model.addAttribute("funnel", Charts.funnel(onboarding, msg));
    model.addAttribute(
        "completionChart",
        Charts.rate(
            "rate-completion",
            msg.apply("lead.completionRate"),
            onboarding.completionRate(),
            COMPLETION_TARGET));
    model.addAttribute("completionTarget", COMPLETION_TARGET);
    Duration median = onboarding.medianTimeToFirstValue();
    model.addAttribute("medianFirstValue", median);
    model.addAttribute(
        "firstValueOnTarget", median != null && median.compareTo(FIRST_VALUE_TARGET) <= 0);
    model.addAttribute("escalations", figures.escalations());
    model.addAttribute("breached", figures.breached());
    model.addAttribute("now", now);
    return "console/lead";
  }

  /** The save rates of at-risk and cancellation-save, and expansion's upgrade rate. */
  private static void addRates(
      Model model, List<Reports.PlaybookReport> playbooks, Function<String, String> msg) {
    Reports.PlaybookReport atRisk = find(playbooks, "at-risk");
    Reports.PlaybookReport save = find(playbooks, "cancellation-save");
    Reports.PlaybookReport expansion = find(playbooks, "expansion");
    model.addAttribute(
        "atRiskRate",
        Charts.rate("rate-at-risk", msg.apply("lead.saveRate.atRisk"), atRisk.saveRate(), null));
    model.addAttribute(
        "saveRate",
        Charts.rate(
            "rate-cancellation-save", msg.apply("lead.saveRate.save"), save.saveRate(), null));
    model.addAttribute(
        "upgradeRate",
        Charts.rate(
            "rate-expansion", msg.apply("lead.upgradeRate"), expansion.upgradeRate(), null));
  }

  /** The window's first and last day, both included. */
  private record Days(LocalDate first, LocalDate last) {}

  /** The days asked for (the last 30 by default), in order and within reason. */
  private static Days days(String from, String to, LocalDate today) {
    LocalDate last = day(to, today);
    LocalDate first = day(from, last.minusDays(29));
    if (first.isAfter(last)) {
      LocalDate swap = first;
      first = last;
      last = swap;
    }
    if (first.getYear() < 2000 || last.getYear() > 2100) {
      first = today.minusDays(29);
      last = today;
    }
    return new Days(first, last);
  }

  private record Figures(
      List<Reports.PlaybookReport> playbooks,
      Reports.NpsReport nps,
      Reports.OnboardingReport onboarding,
      List<ConsoleReads.NpsWeek> npsWeeks,
      List<ConsoleReads.TeamTask> escalations,
      List<ConsoleReads.TeamTask> breached) {}

  /** Six independent queries: read at once, so the page takes about as long as the slowest. */
  private Figures figures(Instant start, Instant end, Instant now, List<String> team) {
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      var playbooksF = pool.submit(() -> reports.playbooks(start, end, team));
      var npsF = pool.submit(() -> reports.nps(start, end, team));
      var onboardingF = pool.submit(() -> reports.onboarding(start, end, team));
      var weeksF = pool.submit(() -> reads.npsByWeek(team, start, end));
      var escalationsF = pool.submit(() -> reads.escalations(team, start, end, 50));
      var breachedF = pool.submit(() -> reads.breachedSlas(team, now, 50));
      return new Figures(
          playbooksF.get(),
          npsF.get(),
          onboardingF.get(),
          weeksF.get(),
          escalationsF.get(),
          breachedF.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading the dashboard", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
  }

  private static Reports.PlaybookReport find(List<Reports.PlaybookReport> all, String playbook) {
    return all.stream().filter(r -> r.playbook().equals(playbook)).findFirst().orElseThrow();
  }

  private static LocalDate day(String value, LocalDate otherwise) {
    if (value == null || value.isBlank()) {
      return otherwise;
    }
    try {
      return LocalDate.parse(value.strip());
    } catch (DateTimeParseException e) {
      return otherwise;
    }
  }

  private Function<String, String> msg() {
    Locale locale = LocaleContextHolder.getLocale();
    return key -> messages.getMessage(key, null, key, locale);
  }
}
