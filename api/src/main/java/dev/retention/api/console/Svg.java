package dev.retention.api.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A chart as data: its size, title and description and the shapes on it, with the geometry worked
 * out by {@link Charts}. The markup is the template's ({@code console/charts :: chart}), which
 * escapes every label and attribute; nothing here is markup.
 *
 * <p>Numbers are kept as text with a dot ({@link #n}), whatever the server's locale; an attribute
 * that is null is left out of the markup.
 */
record Svg(String id, int width, int height, String title, String desc, List<Shape> shapes) {

  public String viewBox() {
    return "0 0 " + width + " " + height;
  }

  public String titleId() {
    return id + "-title";
  }

  /** One shape; {@link #kind()} names its element. */
  sealed interface Shape permits Rect, Line, Polyline, Circle, Text {
    String kind();
  }

  /** A bar or an area; {@code data} names a playbook/outcome/count for tests and scripts. */
  record Rect(
      String cls,
      String x,
      String y,
      String width,
      String height,
      String fill,
      String fillOpacity,
      String tooltip,
      String dataPlaybook,
      String dataOutcome,
      String dataCount)
      implements Shape {
    @Override
    public String kind() {
      return "rect";
    }
  }

  record Line(
      String cls,
      String x1,
      String y1,
      String x2,
      String y2,
      String stroke,
      String strokeWidth,
      String dash,
      String tooltip)
      implements Shape {
    @Override
    public String kind() {
      return "line";
    }
  }

  record Polyline(
      String id,
      String cls,
      String points,
      String stroke,
      String strokeWidth,
      String dash,
      String tooltip)
      implements Shape {
    @Override
    public String kind() {
      return "polyline";
    }
  }

  record Circle(
      String cls,
      String cx,
      String cy,
      String r,
      String fill,
      String stroke,
      String strokeWidth,
      String dash,
      String tooltip)
      implements Shape {
    @Override
    public String kind() {
      return "circle";
    }
  }

  record Text(String cls, String x, String y, String anchor, String text) implements Shape {
    @Override
    public String kind() {
      return "text";
    }
  }

  /** A number as SVG wants it: a dot, one decimal at most, no trailing ".0". */
  static String n(double value) {
    String s = String.format(Locale.ROOT, "%.1f", value);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }

  /** Collects a chart's shapes in drawing order. */
  static final class Builder {
    private final String id;
    private final int width;
    private final int height;
    private final String title;
    private String desc;
    private final List<Shape> shapes = new ArrayList<>();

    Builder(String id, int width, int height, String title) {
      this.id = id;
      this.width = width;
      this.height = height;
      this.title = title;
    }

    Builder desc(String text) {
      this.desc = text;
      return this;
    }

    Builder add(Shape shape) {
      shapes.add(shape);
      return this;
    }

    Builder text(String cls, double x, double y, String anchor, String text) {
      return add(new Text(cls, n(x), n(y), anchor, text));
    }

    Builder rect(String cls, double x, double y, double w, double h, String fill, String tooltip) {
      return add(new Rect(cls, n(x), n(y), n(w), n(h), fill, null, tooltip, null, null, null));
    }

    Builder line(
        String cls, double x1, double y1, double x2, double y2, String stroke, String tooltip) {
      return add(new Line(cls, n(x1), n(y1), n(x2), n(y2), stroke, null, null, tooltip));
    }

    Svg build() {
      return new Svg(id, width, height, title, desc, List.copyOf(shapes));
    }
  }
}
