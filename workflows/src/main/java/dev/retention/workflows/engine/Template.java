package dev.retention.workflows.engine;

import dev.retention.workflows.engine.Expressions.Expr;
import dev.retention.workflows.engine.Expressions.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A text with expressions between {@code {{ }}}: {@code "Critical health ({{healthScore}})"}. A
 * text without them is taken as it is.
 */
public final class Template {

  private static final Pattern PART = Pattern.compile("\\{\\{(.*?)}}", Pattern.DOTALL);

  /** {@code anchor + ISO-8601 duration}, the shorthand for a time. */
  private static final Pattern TIME =
      Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*\\+\\s*(-?P[0-9A-Za-z.]+)\\s*");

  private final List<Object> parts;

  private Template(List<Object> parts) {
    this.parts = parts;
  }

  /** Parses a template; a bad expression throws {@link Expressions.SyntaxError}. */
  public static Template parse(String text) {
    List<Object> parts = new ArrayList<>();
    Matcher m = PART.matcher(text == null ? "" : text);
    int last = 0;
    while (m.find()) {
      if (m.start() > last) {
        parts.add(text.substring(last, m.start()));
      }
      parts.add(Expressions.parse(m.group(1)));
      last = m.end();
    }
    if (text != null && last < text.length()) {
      parts.add(text.substring(last));
    }
    return new Template(List.copyOf(parts));
  }

  /** Whether {@code text} holds an expression, so that what it says is known only when rendered. */
  public static boolean holdsExpressions(String text) {
    return text != null && PART.matcher(text).find();
  }

  /**
   * Parses a time: an expression of an instant ({@code decisionDeadline}, {@code
   * reachedAt(event.milestone)}) or the shorthand {@code start + P2D} / {@code now + PT4H}.
   */
  public static Expr time(String text) {
    Matcher m = TIME.matcher(text == null ? "" : text);
    if (m.matches()) {
      return Expressions.parse("after(" + m.group(1) + ", '" + m.group(2) + "')");
    }
    return Expressions.parse(text);
  }

  /** The text, with each expression's value. */
  public String render(Scope scope) {
    StringBuilder out = new StringBuilder();
    for (Object part : parts) {
      out.append(part instanceof Expr e ? Expressions.text(e.eval(scope)) : (String) part);
    }
    return out.toString();
  }

  /** As {@link #render}, but null when the template is one expression whose value is null. */
  public String renderOrNull(Scope scope) {
    if (parts.size() == 1 && parts.get(0) instanceof Expr e) {
      Object value = e.eval(scope);
      return value == null ? null : Expressions.text(value);
    }
    return render(scope);
  }

  /** The names its expressions read. */
  public Set<String> names() {
    Set<String> names = new TreeSet<>();
    for (Object part : parts) {
      if (part instanceof Expr e) {
        e.collect(names);
      }
    }
    return names;
  }
}
