package dev.retention.api.console;

import static dev.retention.api.console.Svg.n;

import dev.retention.api.console.Svg.Circle;
import dev.retention.api.console.Svg.Line;
import dev.retention.api.console.Svg.Polyline;
import dev.retention.api.console.Svg.Rect;
import dev.retention.data.console.ConsoleReads.HealthPoint;
import dev.retention.data.console.ConsoleReads.NpsWeek;
import dev.retention.data.reports.Reports;
import dev.retention.workflows.contract.StepRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The console's charts as inline SVG: the geometry is worked out here, the markup is the template's
 * ({@code console/charts :: chart}), which escapes every label. Nothing to build or load in the
 * browser, readable by screen readers (a title, a description, and a table beside each chart), and
 * testable as markup.
 */
final class Charts {

  static final String HEALTHY = "#1a7f37";
  static final String NEUTRAL = "#9a6700";
  static final String AT_RISK = "#bc4c00";
  static final String CRITICAL = "#cf222e";

  private static final String BLUE = "#0969da";

  private Charts() {}

  /** Health over time: the band zones behind, the score line and its three components. */
  static Svg health(List<HealthPoint> points, Function<String, String> msg, ConsoleWords words) {
    int w = 720;
    int h = 290;
    int left = 36;
    int right = 12;
    int top = 10;
    int bottom = 58;
    double plotW = w - left - right;
    double plotH = h - top - bottom;
    Svg.Builder svg =
        new Svg.Builder("health-chart", w, h, msg.apply("chart.health.title"))
            .desc(msg.apply("chart.health.desc"));
    bandZones(svg, left, top, plotW, plotH, msg);
    if (points.isEmpty()) {
      return svg.text("empty", w / 2.0, h / 2.0, "middle", msg.apply("chart.health.empty")).build();
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
      componentLine(svg, points, x, y, c, msg);
    }
    scoreLine(svg, points, x, y, msg, words);
    svg.text("axis", left, h - 38, null, words.chartTime(first));
    if (points.size() > 1) {
      svg.text("axis", w - right, h - 38, "end", words.chartTime(last));
    }
    legend(svg, h - 12, BLUE, null, msg.apply("chart.health.score"));
    int at = 1;
    for (String[] c : components) {
      legend(svg, h - 12, c[1], at++, msg.apply(c[2]));
    }
    return svg.build();
  }

  /** The band zones behind: critical 0-39, at risk 40-59, neutral 60-79, healthy 80-100. */
  private static void bandZones(
      Svg.Builder svg,
      int left,
      int top,
      double plotW,
      double plotH,
      Function<String, String> msg) {
    int[][] zones = {{0, 40}, {40, 60}, {60, 80}, {80, 100}};
    String[] colours = {CRITICAL, AT_RISK, NEUTRAL, HEALTHY};
    String[] names = {"band.CRITICAL", "band.AT_RISK", "band.NEUTRAL", "band.HEALTHY"};
    for (int i = 0; i < zones.length; i++) {
      double y1 = top + plotH * (1 - zones[i][1] / 100.0);
      double y2 = top + plotH * (1 - zones[i][0] / 100.0);
      svg.add(
          new Rect(
              "zone",
              n(left),
              n(y1),
              n(plotW),
              n(y2 - y1),
              colours[i],
              "0.10",
              msg.apply(names[i]),
              null,
              null,
              null));
      svg.text("axis", left - 4, y2 - 2, "end", String.valueOf(zones[i][0]));
    }
  }

  /** One component's dashed line: {@code c} is its name, colour and label's key. */
  private static void componentLine(
      Svg.Builder svg,
      List<HealthPoint> points,
      Function<Instant, Double> x,
      Function<Double, Double> y,
      String[] c,
      Function<String, String> msg) {
    List<String> line = new ArrayList<>();
    for (HealthPoint p : points) {
      double v =
          switch (c[0]) {
            case "usage" -> p.usage();
            case "engagement" -> p.engagement();
            default -> p.support();
          };
      line.add(n(x.apply(p.at())) + "," + n(y.apply(v)));
    }
    svg.add(
        new Polyline(
            null,
            "component component-" + c[0],
            String.join(" ", line),
            c[1],
            "1.5",
            "4 3",
            msg.apply(c[2])));
  }

  /** The score's line and a point per score, each titled with its time, score and band. */
  private static void scoreLine(
      Svg.Builder svg,
      List<HealthPoint> points,
      Function<Instant, Double> x,
      Function<Double, Double> y,
      Function<String, String> msg,
      ConsoleWords words) {
    List<String> score = new ArrayList<>();
    for (HealthPoint p : points) {
      score.add(n(x.apply(p.at())) + "," + n(y.apply((double) p.score())));
    }
    svg.add(new Polyline("health-line", null, String.join(" ", score), BLUE, "2.5", null, null));
    for (HealthPoint p : points) {
      svg.add(
          new Circle(
              "score-point",
              n(x.apply(p.at())),
              n(y.apply((double) p.score())),
              "3.5",
              BLUE,
              null,
              null,
              null,
              words.chartTime(p.at())
                  + ": "
                  + p.score()
                  + " ("
                  + msg.apply("band." + p.band())
                  + ")"));
    }
  }

  /**
   * One entry of the health chart's legend, under the axis: a line sample (dashed for the
   * components) in the line's colour and its name.
   */
  private static void legend(Svg.Builder svg, int y, String colour, Integer slot, String name) {
    int x = 36 + (slot == null ? 0 : slot) * 170;
    svg.add(
        new Line(
            "legend-line",
            n(x),
            n(y - 4),
            n(x + 24),
            n(y - 4),
            colour,
            slot == null ? "2.5" : "1.5",
            slot == null ? null : "4 3",
            null));
    svg.text("legend", x + 30, y, null, name);
  }

  /**
   * A run's steps on its time axis: done (filled), skipped (hollow, crossed), and the next step
   * (hollow, dashed), with a "now" line.
   */
  static Svg runTimeline(
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
    Svg.Builder svg = new Svg.Builder("run-timeline", w, h, msg.apply("chart.run.title"));
    svg.line(null, left, axisY, w - right, axisY, "#57606a", null);
    double nowX = x.apply(now);
    svg.add(
        new Line(
            "now", n(nowX), "20", n(nowX), "100", BLUE, null, "2 2", msg.apply("chart.run.now")));
    stepMarks(svg, steps, x, axisY, w, words);
    if (nextStep != null && nextAt != null) {
      double cx = x.apply(nextAt);
      svg.add(
          new Circle(
              "step step-planned",
              n(cx),
              n(axisY),
              "6",
              "#ffffff",
              BLUE,
              "2",
              "3 2",
              words.step(nextStep)
                  + " "
                  + words.chartTime(nextAt)
                  + " ("
                  + msg.apply("run.planned")
                  + ")"));
      svg.text("label planned", cx, axisY + 40, anchor(cx, w), shorten(words.step(nextStep)));
    }
    svg.text("axis", left, h - 2, null, words.chartTime(start));
    svg.text("axis", w - right, h - 2, "end", words.chartTime(end));
    return svg.build();
  }

  /** The steps taken: done filled, skipped hollow; labels above and below the axis in turn. */
  private static void stepMarks(
      Svg.Builder svg,
      List<StepRecord> steps,
      Function<Instant, Double> x,
      double axisY,
      int w,
      ConsoleWords words) {
    int i = 0;
    for (StepRecord s : steps) {
      Instant at = s.ranAt() != null ? s.ranAt() : s.plannedAt();
      boolean skipped = s.result() != null && s.result().name().startsWith("SKIPPED");
      double cx = x.apply(at);
      double labelY = (i++ % 2 == 0) ? axisY - 14 : axisY + 24;
      svg.add(
          new Circle(
              "step step-" + (skipped ? "skipped" : "done"),
              n(cx),
              n(axisY),
              "6",
              skipped ? "#ffffff" : HEALTHY,
              skipped ? NEUTRAL : HEALTHY,
              "2",
              null,
              words.step(s.step())
                  + " "
                  + words.chartTime(at)
                  + ": "
                  + (s.result() == null ? "" : words.result(s.result().name()))));
      svg.text("label", cx, labelY, anchor(cx, w), shorten(words.step(s.step())));
    }
  }

  /** Outcomes per playbook as horizontal stacked bars, one colour per outcome, with a legend. */
  static Svg outcomes(
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
    Svg.Builder svg = new Svg.Builder("outcomes-chart", w, h, msg.apply("chart.outcomes.title"));
    int row = 0;
    for (Reports.PlaybookReport r : reports) {
      double y = 6 + row++ * rowH;
      svg.text("label", labelW - 8, y + 16, "end", words.playbook(r.playbook()));
      double xPos = labelW;
      Map<String, Long> segments = new LinkedHashMap<>(r.outcomes());
      if (r.running() > 0) {
        segments.put("RUNNING", r.running());
      }
      for (var e : segments.entrySet()) {
        double width = plotW * e.getValue() / most;
        svg.add(
            new Rect(
                "bar",
                n(xPos),
                n(y),
                n(width),
                "20",
                colours.get(e.getKey()),
                null,
                words.playbook(r.playbook())
                    + " "
                    + outcomeName(words, e.getKey())
                    + ": "
                    + e.getValue(),
                r.playbook(),
                e.getKey(),
                String.valueOf(e.getValue())));
        xPos += width;
      }
      svg.text("label", xPos + 6, y + 15, null, String.valueOf(r.started()));
    }
    outcomeLegend(svg, colours, reports.size() * rowH + 14, words);
    return svg.build();
  }

  /** Each outcome's colour and name, three to a row. */
  private static void outcomeLegend(
      Svg.Builder svg, Map<String, String> colours, double legendTop, ConsoleWords words) {
    int i = 0;
    for (var e : colours.entrySet()) {
      double lx = 10 + (i % 3) * 235;
      double ly = legendTop + (i / 3) * 20;
      svg.rect(null, lx, ly, 12, 12, e.getValue(), null);
      svg.text("legend", lx + 16, ly + 10, null, outcomeName(words, e.getKey()));
      i++;
    }
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
  static Svg rate(String id, String title, Double rate, Double target) {
    Svg.Builder svg = new Svg.Builder(id, 320, 34, title);
    svg.rect(null, 0, 6, 260, 18, "#eaeef2", null);
    if (rate != null) {
      svg.rect(
          "rate", 0, 6, 260 * rate, 18, target == null || rate >= target ? HEALTHY : AT_RISK, null);
    }
    if (target != null) {
      svg.add(
          new Line(
              "target", n(260 * target), "2", n(260 * target), "30", "#24292f", "2", null, null));
    }
    return svg.text("label", 268, 20, null, rate == null ? "–" : percent(rate)).build();
  }

  /** Promoters, passives and detractors as one bar. */
  static Svg npsSplit(Reports.NpsReport nps, Function<String, String> msg) {
    Svg.Builder svg = new Svg.Builder("nps-split", 720, 54, msg.apply("chart.nps.split"));
    long total = Math.max(1, nps.responses());
    long[] counts = {nps.promoters(), nps.passives(), nps.detractors()};
    String[] colours = {HEALTHY, "#8c959f", CRITICAL};
    String[] names = {"nps.promoters", "nps.passives", "nps.detractors"};
    double xPos = 0;
    for (int i = 0; i < 3; i++) {
      double width = 700.0 * counts[i] / total;
      String label = msg.apply(names[i]) + ": " + counts[i];
      svg.rect("nps-" + names[i].substring(4), xPos, 4, width, 22, colours[i], label);
      svg.rect(null, i * 200, 34, 12, 12, colours[i], null);
      svg.text("legend", i * 200 + 16, 44, null, label);
      xPos += width;
    }
    return svg.build();
  }

  /** NPS per week on a −100..100 axis. */
  static Svg npsTrend(List<NpsWeek> weeks, Function<String, String> msg, ConsoleWords words) {
    int w = 720;
    int h = 180;
    int left = 40;
    int top = 10;
    double plotW = w - left - 16;
    double plotH = h - top - 30;
    Svg.Builder svg = new Svg.Builder("nps-trend", w, h, msg.apply("chart.nps.trend"));
    for (int v : new int[] {-100, 0, 100}) {
      double y = top + plotH * (1 - (v + 100) / 200.0);
      svg.line(null, left, y, w - 16, y, "#d0d7de", null);
      svg.text("axis", left - 4, y + 4, "end", String.valueOf(v));
    }
    if (weeks.isEmpty()) {
      return svg.text("empty", w / 2.0, h / 2.0, "middle", msg.apply("chart.empty")).build();
    }
    List<String> coords = new ArrayList<>();
    List<Svg.Shape> points = new ArrayList<>();
    for (int i = 0; i < weeks.size(); i++) {
      NpsWeek week = weeks.get(i);
      double x = weeks.size() == 1 ? left + plotW / 2 : left + plotW * i / (weeks.size() - 1);
      double y = top + plotH * (1 - (week.nps() + 100) / 200.0);
      coords.add(n(x) + "," + n(y));
      String day = words.chartDay(week.week());
      points.add(
          new Circle(
              null,
              n(x),
              n(y),
              "3.5",
              BLUE,
              null,
              null,
              null,
              day + ": NPS " + week.nps() + " (" + week.responses() + ")"));
      points.add(new Svg.Text("axis", n(x), n(h - 6), "middle", day));
    }
    points.forEach(svg::add);
    return svg.add(new Polyline(null, null, String.join(" ", coords), BLUE, "2", null, null))
        .build();
  }

  /** Started → reached first value → completed, as bars. */
  static Svg funnel(Reports.OnboardingReport onboarding, Function<String, String> msg) {
    long[] values = {onboarding.started(), onboarding.reachedFirstValue(), onboarding.completed()};
    String[] names = {"funnel.started", "funnel.firstValue", "funnel.completed"};
    Svg.Builder svg =
        new Svg.Builder(
            "onboarding-funnel", 720, values.length * 30 + 6, msg.apply("chart.funnel.title"));
    long most = Math.max(1, values[0]);
    for (int i = 0; i < values.length; i++) {
      double width = 500.0 * values[i] / most;
      double y = 4 + i * 30;
      svg.text("label", 160, y + 15, "end", msg.apply(names[i]));
      svg.add(
          new Rect(
              null,
              n(170 + (500 - width) / 2),
              n(y),
              n(width),
              "20",
              BLUE,
              String.format(Locale.ROOT, "%.2f", 1.0 - i * 0.25),
              null,
              null,
              null,
              null));
      svg.text("label", 680, y + 15, null, String.valueOf(values[i]));
    }
    return svg.build();
  }

  static String percent(Double rate) {
    return rate == null ? "–" : String.format(Locale.ROOT, "%.1f %%", rate * 100);
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
}
