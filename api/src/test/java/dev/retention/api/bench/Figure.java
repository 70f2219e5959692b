package dev.retention.api.bench;

import com.google.errorprone.annotations.FormatMethod;
import com.google.errorprone.annotations.FormatString;
import java.util.List;
import java.util.Locale;

/**
 * One line of a benchmark's table: what was measured, the figure, the limit it is held against
 * (measured in the same run where the limit is relative) and whether it is within it.
 */
record Figure(String what, String measured, String limit, Verdict verdict) {

  enum Verdict {
    OK,
    OVER,
    /** No limit: the figure is the yardstick or for information. */
    NONE
  }

  static Figure info(String what, String measured) {
    return new Figure(what, measured, "", Verdict.NONE);
  }

  static Figure held(String what, String measured, String limit, boolean within) {
    return new Figure(what, measured, limit, within ? Verdict.OK : Verdict.OVER);
  }

  @FormatMethod
  static String format(@FormatString String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }

  /** Prints the figures as a table, a section heading before each group. */
  static void print(String title, List<Figure> figures) {
    int what = Math.max(10, figures.stream().mapToInt(f -> f.what().length()).max().orElse(0));
    int measured =
        Math.max(8, figures.stream().mapToInt(f -> f.measured().length()).max().orElse(0));
    String row = "%-" + what + "s  %-" + measured + "s  %-4s  %s%n";
    System.out.println();
    System.out.println(title);
    System.out.printf(Locale.ROOT, row, "figure", "measured", "", "limit");
    for (Figure f : figures) {
      String verdict = f.verdict() == Verdict.NONE ? "" : f.verdict().name();
      System.out.printf(Locale.ROOT, row, f.what(), f.measured(), verdict, f.limit());
    }
  }

  static boolean allWithin(List<Figure> figures) {
    return figures.stream().noneMatch(f -> f.verdict() == Verdict.OVER);
  }
}
