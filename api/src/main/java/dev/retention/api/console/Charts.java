package dev.retention.api.console;

import com.google.errorprone.annotations.FormatMethod;
import com.google.errorprone.annotations.FormatString;
import dev.retention.activities.console.ConsoleReads.HealthPoint;
import dev.retention.activities.console.ConsoleReads.NpsWeek;
import dev.retention.activities.reports.Reports;
import dev.retention.workflows.common.StepRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.springframework.web.util.HtmlUtils;

/**
 * The console's charts as inline SVG drawn on the server: nothing to build or load in the browser,
 * readable by screen readers (a title, a description, and a table beside each chart), and testable
 * as markup. Every label passes through {@link #esc}.
 */
final class Charts {

  static final String HEALTHY = "#1a7f37";
  static final String NEUTRAL = "#9a6700";
  static final String AT_RISK = "#bc4c00";
  static final String CRITICAL = "#cf222e";

  private Charts() {}

  /** Health over time: the band zones behind, the score line and its three components. */
  static String health(List<HealthPoint> points, Function<String, String> msg, ConsoleWords words) {
    int w = 720;
    int h = 290;
    int left = 36;
    int right = 12;
    int top = 10;
    int bottom = 58;
    double plotW = w - left - right;
    double plotH = h - top - bottom;
    StringBuilder svg = open("health-chart", w, h, msg.apply("chart.health.title"));
    svg.append("<desc>").append(esc(msg.apply("chart.health.desc"))).append("</desc>");
    // Band zones: critical 0-39, at risk 40-59, neutral 60-79, healthy 80-100.
    int[][] zones = {{0, 40}, {40, 60}, {60, 80}, {80, 100}};
    String[] colours = {CRITICAL, AT_RISK, NEUTRAL, HEALTHY};
    String[] names = {"band.CRITICAL", "band.AT_RISK", "band.NEUTRAL", "band.HEALTHY"};
    for (int i = 0; i < zones.length; i++) {
      double y1 = top + plotH * (1 - zones[i][1] / 100.0);
      double y2 = top + plotH * (1 - zones[i][0] / 100.0);
      svg.append(
          f(
              "<rect class=\"zone\" x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" fill-opacity=\"0.10\"><title>%s</title></rect>",
              left, y1, plotW, y2 - y1, colours[i], esc(msg.apply(names[i]))));
      svg.append(
          f(
              "<text x=\"%d\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">%d</text>",
              left - 4, y2 - 2, zones[i][0]));
    }
    if (points.isEmpty()) {
      svg.append(
          f(
              "<text x=\"%d\" y=\"%d\" class=\"empty\" text-anchor=\"middle\">%s</text>",
              w / 2, h / 2, esc(msg.apply("chart.health.empty"))));
      return svg.append("</svg>").toString();
    }
    Instant first = points.getFirst().at();
    Instant last = points.getLast().at();
    long span = Math.max(1, Duration.between(first, last).toMillis());
    Function<Instant, Double> x =
        at ->
            points.size() == 1
                ? left + plotW / 2
                : left + plotW * Duration.between(first, at).toMillis() / span;
    Function<Double, Double> y = v -> top + plotH * (1 - v / 100.0);
    String[][] components = {
      {"usage", "#8250df", "chart.health.usage"},
      {"engagement", "#1b7c83", "chart.health.engagement"},
      {"support", "#57606a", "chart.health.support"}
    };
    for (String[] c : components) {
      StringBuilder line = new StringBuilder();
      for (HealthPoint p : points) {
        double v =
            switch (c[0]) {
              case "usage" -> p.usage();
              case "engagement" -> p.engagement();
              default -> p.support();
            };
        line.append(f("%.1f,%.1f ", x.apply(p.at()), y.apply(v)));
      }
      svg.append(
          f(
              "<polyline class=\"component component-%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\" points=\"%s\"><title>%s</title></polyline>",
              c[0], c[1], line.toString().strip(), esc(msg.apply(c[2]))));
    }
    StringBuilder score = new StringBuilder();
    for (HealthPoint p : points) {
      score.append(f("%.1f,%.1f ", x.apply(p.at()), y.apply((double) p.score())));
    }
    svg.append(
        f(
            "<polyline id=\"health-line\" fill=\"none\" stroke=\"#0969da\" stroke-width=\"2.5\" points=\"%s\"/>",
            score.toString().strip()));
    for (HealthPoint p : points) {
      svg.append(
          f(
              "<circle class=\"score-point\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#0969da\"><title>%s: %d (%s)</title></circle>",
              x.apply(p.at()),
              y.apply((double) p.score()),
              words.chartTime(p.at()),
              p.score(),
              esc(msg.apply("band." + p.band()))));
    }
    svg.append(
        f(
            "<text x=\"%d\" y=\"%d\" class=\"axis\">%s</text>",
            left, h - 38, esc(words.chartTime(first))));
    if (points.size() > 1) {
      svg.append(
          f(
              "<text x=\"%d\" y=\"%d\" class=\"axis\" text-anchor=\"end\">%s</text>",
              w - right, h - 38, esc(words.chartTime(last))));
    }
    svg.append(legend(h - 12, "#0969da", null, esc(msg.apply("chart.health.score"))));
    int at = 1;
    for (String[] c : components) {
      svg.append(legend(h - 12, c[1], at++, esc(msg.apply(c[2]))));
    }
    return svg.append("</svg>").toString();
  }

  /**
   * One entry of the health chart's legend, under the axis: a line sample (dashed for the
   * components) in the line's colour and its escaped name.
   */
  private static String legend(int y, String colour, Integer slot, String name) {
    int x = 36 + (slot == null ? 0 : slot) * 170;
    return f(
        "<line class=\"legend-line\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%s\"%s/><text x=\"%d\" y=\"%d\" class=\"legend\">%s</text>",
        x,
        y - 4,
        x + 24,
        y - 4,
        colour,
        slot == null ? "2.5" : "1.5",
        slot == null ? "" : " stroke-dasharray=\"4 3\"",
        x + 30,
        y,
        name);
  }

  /**
   * A run's steps on its time axis: done (filled), skipped (hollow, crossed), and the next step
   * (hollow, dashed), with a "now" line.
   */
  static String runTimeline(
      Instant startedAt,
      List<StepRecord> steps,
      String nextStep,
      Instant nextAt,
      Instant now,
      Function<String, String> msg,
      ConsoleWords words) {
    int w = 720;
    int h = 120;
    int left = 16;
    int right = 16;
    double axisY = 60;
    Instant start = startedAt != null ? startedAt : now;
    Instant end = start;
    for (StepRecord s : steps) {
      end = max(end, s.ranAt() != null ? s.ranAt() : s.plannedAt());
    }
    if (nextAt != null) {
      end = max(end, nextAt);
    }
    end = max(end, now);
    long span = Math.max(1, Duration.between(start, end).toMillis());
    double plotW = w - left - right;
    Instant from = start;
    Function<Instant, Double> x =
        at -> left + plotW * Math.max(0, Duration.between(from, at).toMillis()) / span;
    StringBuilder svg = open("run-timeline", w, h, msg.apply("chart.run.title"));
    svg.append(
        f(
            "<line x1=\"%d\" y1=\"%.0f\" x2=\"%d\" y2=\"%.0f\" stroke=\"#57606a\"/>",
            left, axisY, w - right, axisY));
    double nowX = x.apply(now);
    svg.append(
        f(
            "<line class=\"now\" x1=\"%.1f\" y1=\"20\" x2=\"%.1f\" y2=\"100\" stroke=\"#0969da\" stroke-dasharray=\"2 2\"><title>%s</title></line>",
            nowX, nowX, esc(msg.apply("chart.run.now"))));
    int i = 0;
    for (StepRecord s : steps) {
      Instant at = s.ranAt() != null ? s.ranAt() : s.plannedAt();
      boolean skipped = s.result() != null && s.result().name().startsWith("SKIPPED");
      String kind = skipped ? "skipped" : "done";
      double cx = x.apply(at);
      double labelY = (i++ % 2 == 0) ? axisY - 14 : axisY + 24;
      svg.append(
          f(
              "<circle class=\"step step-%s\" cx=\"%.1f\" cy=\"%.0f\" r=\"6\" fill=\"%s\" stroke=\"%s\" stroke-width=\"2\"><title>%s %s: %s</title></circle>",
              kind,
              cx,
              axisY,
              skipped ? "#ffffff" : HEALTHY,
              skipped ? NEUTRAL : HEALTHY,
              esc(words.step(s.step())),
              words.chartTime(at),
              esc(s.result() == null ? "" : words.result(s.result().name()))));
      svg.append(
          f(
              "<text x=\"%.1f\" y=\"%.0f\" class=\"label\" text-anchor=\"%s\">%s</text>",
              cx, labelY, anchor(cx, w), esc(shorten(words.step(s.step())))));
    }
    if (nextStep != null && nextAt != null) {
      double cx = x.apply(nextAt);
      svg.append(
          f(
              "<circle class=\"step step-planned\" cx=\"%.1f\" cy=\"%.0f\" r=\"6\" fill=\"#ffffff\" stroke=\"#0969da\" stroke-width=\"2\" stroke-dasharray=\"3 2\"><title>%s %s (%s)</title></circle>",
              cx,
              axisY,
              esc(words.step(nextStep)),
              words.chartTime(nextAt),
              esc(msg.apply("run.planned"))));
      svg.append(
          f(
              "<text x=\"%.1f\" y=\"%.0f\" class=\"label planned\" text-anchor=\"%s\">%s</text>",
              cx, axisY + 40, anchor(cx, w), esc(shorten(words.step(nextStep)))));
    }
    svg.append(
        f(
            "<text x=\"%d\" y=\"%d\" class=\"axis\">%s</text>",
            left, h - 2, esc(words.chartTime(start))));
    svg.append(
        f(
            "<text x=\"%d\" y=\"%d\" class=\"axis\" text-anchor=\"end\">%s</text>",
            w - right, h - 2, esc(words.chartTime(end))));
    return svg.append("</svg>").toString();
  }

  /** Outcomes per playbook as horizontal stacked bars, one colour per outcome, with a legend. */
  static String outcomes(
      List<Reports.PlaybookReport> reports, Function<String, String> msg, ConsoleWords words) {
    Map<String, String> colours = new LinkedHashMap<>();
    long most = 1;
    for (Reports.PlaybookReport r : reports) {
      long sum = 0;
      for (var e : r.outcomes().entrySet()) {
        colours.computeIfAbsent(e.getKey(), Charts::outcomeColour);
        sum += e.getValue();
      }
      most = Math.max(most, sum + r.running());
    }
    colours.put("RUNNING", "#d0d7de");
    int rowH = 30;
    int labelW = 140;
    int w = 720;
    int legendRows = (colours.size() + 2) / 3;
    int h = reports.size() * rowH + 20 + legendRows * 20;
    double plotW = w - labelW - 50;
    StringBuilder svg = open("outcomes-chart", w, h, msg.apply("chart.outcomes.title"));
    int row = 0;
    for (Reports.PlaybookReport r : reports) {
      double y = 6 + row++ * rowH;
      svg.append(
          f(
              "<text x=\"%d\" y=\"%.0f\" class=\"label\" text-anchor=\"end\">%s</text>",
              labelW - 8, y + 16, esc(words.playbook(r.playbook()))));
      double xPos = labelW;
      Map<String, Long> segments = new LinkedHashMap<>(r.outcomes());
      if (r.running() > 0) {
        segments.put("RUNNING", r.running());
      }
      for (var e : segments.entrySet()) {
        double width = plotW * e.getValue() / most;
        svg.append(
            f(
                "<rect class=\"bar\" data-playbook=\"%s\" data-outcome=\"%s\" data-count=\"%d\" x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"20\" fill=\"%s\"><title>%s %s: %d</title></rect>",
                esc(r.playbook()),
                esc(e.getKey()),
                e.getValue(),
                xPos,
                y,
                width,
                colours.get(e.getKey()),
                esc(words.playbook(r.playbook())),
                esc(outcomeName(words, e.getKey())),
                e.getValue()));
        xPos += width;
      }
      svg.append(
          f(
              "<text x=\"%.1f\" y=\"%.0f\" class=\"label\">%d</text>",
              xPos + 6, y + 15, r.started()));
    }
    int i = 0;
    double legendTop = reports.size() * rowH + 14;
    for (var e : colours.entrySet()) {
      double lx = 10 + (i % 3) * 235;
      double ly = legendTop + (i / 3) * 20;
      svg.append(
          f(
              "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%.0f\" y=\"%.0f\" class=\"legend\">%s</text>",
              lx, ly, e.getValue(), lx + 16, ly + 10, esc(outcomeName(words, e.getKey()))));
      i++;
    }
    return svg.append("</svg>").toString();
  }

  /** An outcome's label; RUNNING (the runs still open) as a status. */
  private static String outcomeName(ConsoleWords words, String outcome) {
    return "RUNNING".equals(outcome) ? words.status(outcome) : words.outcome(outcome);
  }

  /**
   * Colours by meaning: a customer kept or grown is green, one lost red, one at risk or not done
   * orange, a run that ended for no customer reason grey. The same on every chart and chip.
   */
  static String outcomeColour(String outcome) {
    return switch (outcome) {
      case "SAVED", "RECOVERED", "UPGRADED", "COMPLETED", "RESOLVED", "ADVOCACY_INVITED" -> HEALTHY;
      case "FEEDBACK_CAPTURED" -> "#2da44e";
      case "CHURNED", "TRIAL_EXPIRED" -> CRITICAL;
      case "CHURNING", "UNRESOLVED", "HEALTH_DROPPED", "INCOMPLETE", "NO_REPLY" -> AT_RISK;
      case "DECLINED", "EXPIRED" -> NEUTRAL;
      default -> "#8c959f";
    };
  }

  /** The chip class of an outcome: good, bad, warn or plain (see console.css). */
  static String outcomeTone(String outcome) {
    if (outcome == null) {
      return "plain";
    }
    String colour = outcomeColour(outcome);
    return colour.equals(HEALTHY) || colour.equals("#2da44e")
        ? "good"
        : colour.equals(CRITICAL) ? "bad" : colour.equals("#8c959f") ? "plain" : "warn";
  }

  /** A rate against 100 % (and a target line when there is one). */
  static String rate(String id, String title, Double rate, Double target) {
    int w = 320;
    int h = 34;
    StringBuilder svg = open(id, w, h, title);
    svg.append("<rect x=\"0\" y=\"6\" width=\"260\" height=\"18\" fill=\"#eaeef2\"/>");
    if (rate != null) {
      svg.append(
          f(
              "<rect class=\"rate\" x=\"0\" y=\"6\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>",
              260 * rate, target == null || rate >= target ? HEALTHY : AT_RISK));
    }
    if (target != null) {
      svg.append(
          f(
              "<line class=\"target\" x1=\"%.1f\" y1=\"2\" x2=\"%.1f\" y2=\"30\" stroke=\"#24292f\" stroke-width=\"2\"/>",
              260 * target, 260 * target));
    }
    svg.append(
        f(
            "<text x=\"268\" y=\"20\" class=\"label\">%s</text>",
            rate == null ? "–" : percent(rate)));
    return svg.append("</svg>").toString();
  }

  /** Promoters, passives and detractors as one bar. */
  static String npsSplit(Reports.NpsReport nps, Function<String, String> msg) {
    int w = 720;
    int h = 54;
    StringBuilder svg = open("nps-split", w, h, msg.apply("chart.nps.split"));
    long total = Math.max(1, nps.responses());
    long[] counts = {nps.promoters(), nps.passives(), nps.detractors()};
    String[] colours = {HEALTHY, "#8c959f", CRITICAL};
    String[] names = {"nps.promoters", "nps.passives", "nps.detractors"};
    double xPos = 0;
    for (int i = 0; i < 3; i++) {
      double width = 700.0 * counts[i] / total;
      svg.append(
          f(
              "<rect class=\"nps-%s\" x=\"%.1f\" y=\"4\" width=\"%.1f\" height=\"22\" fill=\"%s\"><title>%s: %d</title></rect>",
              names[i].substring(4), xPos, width, colours[i], esc(msg.apply(names[i])), counts[i]));
      svg.append(
          f(
              "<rect x=\"%d\" y=\"34\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"44\" class=\"legend\">%s: %d</text>",
              i * 200, colours[i], i * 200 + 16, esc(msg.apply(names[i])), counts[i]));
      xPos += width;
    }
    return svg.append("</svg>").toString();
  }

  /** NPS per week on a −100..100 axis. */
  static String npsTrend(List<NpsWeek> weeks, Function<String, String> msg, ConsoleWords words) {
    int w = 720;
    int h = 180;
    int left = 40;
    int top = 10;
    double plotW = w - left - 16;
    double plotH = h - top - 30;
    StringBuilder svg = open("nps-trend", w, h, msg.apply("chart.nps.trend"));
    for (int v : new int[] {-100, 0, 100}) {
      double y = top + plotH * (1 - (v + 100) / 200.0);
      svg.append(
          f(
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#d0d7de\"/><text x=\"%d\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">%d</text>",
              left, y, w - 16, y, left - 4, y + 4, v));
    }
    if (weeks.isEmpty()) {
      svg.append(
          f(
              "<text x=\"%d\" y=\"%d\" class=\"empty\" text-anchor=\"middle\">%s</text>",
              w / 2, h / 2, esc(msg.apply("chart.empty"))));
      return svg.append("</svg>").toString();
    }
    List<String> coords = new ArrayList<>();
    for (int i = 0; i < weeks.size(); i++) {
      NpsWeek week = weeks.get(i);
      double x = weeks.size() == 1 ? left + plotW / 2 : left + plotW * i / (weeks.size() - 1);
      double y = top + plotH * (1 - (week.nps() + 100) / 200.0);
      coords.add(f("%.1f,%.1f", x, y));
      svg.append(
          f(
              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#0969da\"><title>%s: NPS %d (%d)</title></circle>",
              x, y, words.chartDay(week.week()), week.nps(), week.responses()));
      svg.append(
          f(
              "<text x=\"%.1f\" y=\"%d\" class=\"axis\" text-anchor=\"middle\">%s</text>",
              x, h - 6, words.chartDay(week.week())));
    }
    svg.append(
        f(
            "<polyline fill=\"none\" stroke=\"#0969da\" stroke-width=\"2\" points=\"%s\"/>",
            String.join(" ", coords)));
    return svg.append("</svg>").toString();
  }

  /** Started → reached first value → completed, as bars. */
  static String funnel(Reports.OnboardingReport onboarding, Function<String, String> msg) {
    int w = 720;
    long[] values = {onboarding.started(), onboarding.reachedFirstValue(), onboarding.completed()};
    String[] names = {"funnel.started", "funnel.firstValue", "funnel.completed"};
    int h = values.length * 30 + 6;
    StringBuilder svg = open("onboarding-funnel", w, h, msg.apply("chart.funnel.title"));
    long most = Math.max(1, values[0]);
    for (int i = 0; i < values.length; i++) {
      double width = 500.0 * values[i] / most;
      double y = 4 + i * 30;
      svg.append(
          f(
              "<text x=\"160\" y=\"%.0f\" class=\"label\" text-anchor=\"end\">%s</text>",
              y + 15, esc(msg.apply(names[i]))));
      svg.append(
          f(
              "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"20\" fill=\"#0969da\" fill-opacity=\"%.2f\"/>",
              170 + (500 - width) / 2, y, width, 1.0 - i * 0.25));
      svg.append(f("<text x=\"680\" y=\"%.0f\" class=\"label\">%d</text>", y + 15, values[i]));
    }
    return svg.append("</svg>").toString();
  }

  /** Numbers in SVG need a dot, whatever the server's locale. */
  @FormatMethod
  private static String f(@FormatString String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  static String percent(Double rate) {
    return rate == null ? "–" : f("%.1f %%", rate * 100);
  }

  private static StringBuilder open(String id, int w, int h, String title) {
    return new StringBuilder()
        .append(
            f(
                "<svg id=\"%s\" class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"%s-title\" xmlns=\"http://www.w3.org/2000/svg\">",
                id, w, h, id))
        .append(f("<title id=\"%s-title\">%s</title>", id, esc(title)));
  }

  /** Labels near an edge are anchored inside the chart, not cut off by it. */
  private static String anchor(double x, int width) {
    return x < 60 ? "start" : x > width - 60 ? "end" : "middle";
  }

  private static String shorten(String step) {
    return step.length() > 18 ? step.substring(0, 17) + "…" : step;
  }

  private static Instant max(Instant a, Instant b) {
    return b != null && b.isAfter(a) ? b : a;
  }

  static String esc(String text) {
    return text == null ? "" : HtmlUtils.htmlEscape(text);
  }
}
