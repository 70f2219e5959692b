package dev.retention.workflows.engine;

import dev.retention.workflows.cancellationsave.CancellationReason;
import dev.retention.workflows.cancellationsave.SaveOffer;
import dev.retention.workflows.npsfollowup.NpsCategory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The small expression language of definitions: conditions ({@code healthScore < 40 &&
 * !handedOver}), values ({@code stalls + 1}) and the parts of templates between {@code {{ }}}.
 *
 * <p>Literals ({@code 12}, {@code 0.5}, {@code 'text'}, {@code true}, {@code null}), names (a run's
 * inputs, variables and facts, {@code stage}, {@code outcome}, {@code now}, {@code start}, {@code
 * event.score} in handlers), {@code ! && || == != < <= > >= + - * /}, {@code c ? a : b} and the
 * functions of {@link #FUNCTIONS}. Parsing checks the syntax; evaluating is deterministic and uses
 * no reflection, so it is safe in workflow code.
 */
public final class Expressions {

  /** The functions every expression may call, with their arity. */
  public static final Map<String, Integer> FUNCTIONS =
      Map.ofEntries(
          Map.entry("orElse", 2),
          Map.entry("lower", 1),
          Map.entry("upper", 1),
          Map.entry("kebab", 1),
          Map.entry("round", 1),
          Map.entry("size", 1),
          Map.entry("contains", 2),
          Map.entry("blank", 1),
          Map.entry("strip", 1),
          Map.entry("npsCategory", 1),
          Map.entry("offerFor", 1),
          Map.entry("offerDescription", 1),
          Map.entry("after", 2),
          Map.entry("since", 1),
          Map.entry("reached", 1),
          Map.entry("reachedCount", 0),
          Map.entry("reachedList", 0),
          Map.entry("missing", 0),
          Map.entry("reachedAt", 1));

  private Expressions() {}

  /** Where names and the run's own functions are looked up. */
  public interface Scope {
    /** The value of a name; {@link #UNDEFINED} when the name is not known. */
    Object lookup(String name);

    /** A function over the run ({@code after}, {@code reached}, ...); null if not one of them. */
    Object call(String function, List<Object> args);
  }

  /** A name the scope does not know. */
  public static final Object UNDEFINED = new Object();

  /** A parsed expression. */
  public sealed interface Expr {
    Object eval(Scope scope);

    /** The names it reads (not functions). */
    default Set<String> names() {
      Set<String> names = new TreeSet<>();
      collect(names);
      return names;
    }

    void collect(Set<String> names);
  }

  /** A syntax error at {@code position} of the expression's text. */
  public static final class SyntaxError extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SyntaxError(String message) {
      super(message);
    }
  }

  /** Parses an expression or throws a {@link SyntaxError}. */
  public static Expr parse(String text) {
    Parser parser = new Parser(text);
    Expr expr = parser.ternary();
    parser.skipSpace();
    if (parser.pos < text.length()) {
      throw parser.error("unexpected '" + text.substring(parser.pos) + "'");
    }
    return expr;
  }

  /** Whether a condition holds: true only for {@code true}; null is false. */
  public static boolean truth(Object value, String text) {
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw new IllegalStateException("condition '" + text + "' gave " + value + ", not true/false");
  }

  /** A value as text in a template: numbers without a needless fraction, null as empty. */
  public static String text(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
      return Long.toString(d.longValue());
    }
    return value.toString();
  }

  // ---- the tree -----------------------------------------------------------------------------

  record Literal(Object value) implements Expr {
    @Override
    public Object eval(Scope scope) {
      return value;
    }

    @Override
    public void collect(Set<String> names) {}
  }

  record Name(String name) implements Expr {
    @Override
    public Object eval(Scope scope) {
      Object value = scope.lookup(name);
      if (value == UNDEFINED) {
        throw new IllegalStateException("unknown name '" + name + "'");
      }
      return value;
    }

    @Override
    public void collect(Set<String> names) {
      names.add(name);
    }
  }

  record Not(Expr operand) implements Expr {
    @Override
    public Object eval(Scope scope) {
      return !truth(operand.eval(scope), "!");
    }

    @Override
    public void collect(Set<String> names) {
      operand.collect(names);
    }
  }

  record Negate(Expr operand) implements Expr {
    @Override
    public Object eval(Scope scope) {
      Object value = operand.eval(scope);
      if (value instanceof Long l) {
        return -l;
      }
      return -number(value);
    }

    @Override
    public void collect(Set<String> names) {
      operand.collect(names);
    }
  }

  record Ternary(Expr condition, Expr then, Expr otherwise) implements Expr {
    @Override
    public Object eval(Scope scope) {
      return truth(condition.eval(scope), "?:") ? then.eval(scope) : otherwise.eval(scope);
    }

    @Override
    public void collect(Set<String> names) {
      condition.collect(names);
      then.collect(names);
      otherwise.collect(names);
    }
  }

  record Binary(String op, Expr left, Expr right) implements Expr {
    @Override
    public Object eval(Scope scope) {
      switch (op) {
        case "&&" -> {
          return truth(left.eval(scope), op) && truth(right.eval(scope), op);
        }
        case "||" -> {
          return truth(left.eval(scope), op) || truth(right.eval(scope), op);
        }
        default -> {}
      }
      Object a = left.eval(scope);
      Object b = right.eval(scope);
      return switch (op) {
        case "==" -> same(a, b);
        case "!=" -> !same(a, b);
        case "<" -> compare(a, b) < 0;
        case "<=" -> compare(a, b) <= 0;
        case ">" -> compare(a, b) > 0;
        case ">=" -> compare(a, b) >= 0;
        case "+" -> plus(a, b);
        case "-", "*", "/" -> arithmetic(op, a, b);
        default -> throw new IllegalStateException("operator " + op);
      };
    }

    @Override
    public void collect(Set<String> names) {
      left.collect(names);
      right.collect(names);
    }
  }

  record Call(String function, List<Expr> args) implements Expr {
    @Override
    public Object eval(Scope scope) {
      List<Object> values = new ArrayList<>();
      for (Expr arg : args) {
        values.add(arg.eval(scope));
      }
      return apply(function, values, scope);
    }

    @Override
    public void collect(Set<String> names) {
      for (Expr arg : args) {
        arg.collect(names);
      }
    }
  }

  // ---- evaluation ---------------------------------------------------------------------------

  private static Object apply(String function, List<Object> args, Scope scope) {
    Object a = args.isEmpty() ? null : args.get(0);
    return switch (function) {
      case "orElse" -> a == null || (a instanceof String s && s.isBlank()) ? args.get(1) : a;
      case "lower" -> a == null ? null : text(a).toLowerCase(Locale.ROOT);
      case "upper" -> a == null ? null : text(a).toUpperCase(Locale.ROOT);
      case "kebab" -> a == null ? null : text(a).toLowerCase(Locale.ROOT).replace('_', '-');
      case "strip" -> a == null ? null : text(a).strip();
      case "round" -> Math.round(number(a));
      case "size" -> a instanceof Collection<?> c ? (long) c.size() : (long) text(a).length();
      case "contains" -> a instanceof Collection<?> c && c.contains(args.get(1));
      case "blank" -> a == null || text(a).isBlank();
      case "npsCategory" -> NpsCategory.of((int) Math.round(number(a))).name();
      case "offerFor" -> CancellationReason.valueOf(text(a)).offer().name();
      case "offerDescription" -> SaveOffer.valueOf(text(a)).description();
      default -> {
        Object value = scope.call(function, args);
        if (value == UNDEFINED) {
          throw new IllegalStateException("unknown function " + function);
        }
        yield value;
      }
    };
  }

  private static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return x.doubleValue() == y.doubleValue();
    }
    return Objects.equals(a, b);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return Double.compare(x.doubleValue(), y.doubleValue());
    }
    if (a == null || b == null) {
      throw new IllegalStateException("cannot compare " + a + " with " + b);
    }
    if (a instanceof Comparable c && a.getClass().equals(b.getClass())) {
      return c.compareTo(b);
    }
    throw new IllegalStateException("cannot compare " + a + " with " + b);
  }

  private static Object plus(Object a, Object b) {
    if (a instanceof Number && b instanceof Number) {
      return arithmetic("+", a, b);
    }
    return text(a) + text(b);
  }

  private static Object arithmetic(String op, Object a, Object b) {
    if (a instanceof Long x && b instanceof Long y && !op.equals("/")) {
      return switch (op) {
        case "+" -> x + y;
        case "-" -> x - y;
        default -> x * y;
      };
    }
    double x = number(a);
    double y = number(b);
    return switch (op) {
      case "+" -> x + y;
      case "-" -> x - y;
      case "*" -> x * y;
      default -> x / y;
    };
  }

  private static double number(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof String s) {
      try {
        return Double.parseDouble(s.strip());
      } catch (NumberFormatException e) {
        throw new IllegalStateException("'" + s + "' is not a number", e);
      }
    }
    throw new IllegalStateException(value + " is not a number");
  }

  // ---- parsing ------------------------------------------------------------------------------

  private static final class Parser {
    private final String text;
    private int pos;

    Parser(String text) {
      this.text = text == null ? "" : text;
    }

    SyntaxError error(String message) {
      return new SyntaxError(message + " at position " + pos + " of '" + text + "'");
    }

    void skipSpace() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    boolean eat(String token) {
      skipSpace();
      if (text.startsWith(token, pos)) {
        // '=' alone, '&' alone and '|' alone are not operators.
        pos += token.length();
        return true;
      }
      return false;
    }

    boolean peek(String token) {
      skipSpace();
      return text.startsWith(token, pos);
    }

    Expr ternary() {
      Expr condition = or();
      if (eat("?")) {
        Expr then = ternary();
        if (!eat(":")) {
          throw error("expected ':'");
        }
        return new Ternary(condition, then, ternary());
      }
      return condition;
    }

    Expr or() {
      Expr left = and();
      while (eat("||")) {
        left = new Binary("||", left, and());
      }
      return left;
    }

    Expr and() {
      Expr left = equality();
      while (eat("&&")) {
        left = new Binary("&&", left, equality());
      }
      return left;
    }

    Expr equality() {
      Expr left = comparison();
      while (true) {
        if (eat("==")) {
          left = new Binary("==", left, comparison());
        } else if (eat("!=")) {
          left = new Binary("!=", left, comparison());
        } else {
          return left;
        }
      }
    }

    Expr comparison() {
      Expr left = additive();
      for (String op : List.of("<=", ">=", "<", ">")) {
        if (eat(op)) {
          return new Binary(op, left, additive());
        }
      }
      return left;
    }

    Expr additive() {
      Expr left = multiplicative();
      while (true) {
        if (eat("+")) {
          left = new Binary("+", left, multiplicative());
        } else if (peek("-")) {
          pos++;
          left = new Binary("-", left, multiplicative());
        } else {
          return left;
        }
      }
    }

    Expr multiplicative() {
      Expr left = unary();
      while (true) {
        if (eat("*")) {
          left = new Binary("*", left, unary());
        } else if (eat("/")) {
          left = new Binary("/", left, unary());
        } else {
          return left;
        }
      }
    }

    Expr unary() {
      if (peek("!") && !peek("!=")) {
        pos++;
        return new Not(unary());
      }
      if (eat("-")) {
        return new Negate(unary());
      }
      return primary();
    }

    Expr primary() {
      skipSpace();
      if (pos >= text.length()) {
        throw error("expected a value");
      }
      char c = text.charAt(pos);
      if (c == '(') {
        pos++;
        Expr inner = ternary();
        if (!eat(")")) {
          throw error("expected ')'");
        }
        return inner;
      }
      if (c == '\'') {
        return textLiteral();
      }
      if (Character.isDigit(c)) {
        return number();
      }
      if (Character.isLetter(c) || c == '_') {
        return nameOrCall();
      }
      throw error("unexpected '" + c + "'");
    }

    /** 'text', with '' for a quote inside it. */
    private Expr textLiteral() {
      StringBuilder value = new StringBuilder();
      int at = pos + 1;
      while (true) {
        int end = text.indexOf('\'', at);
        if (end < 0) {
          throw error("unclosed text");
        }
        value.append(text, at, end);
        if (end + 1 < text.length() && text.charAt(end + 1) == '\'') {
          value.append('\'');
          at = end + 2;
        } else {
          pos = end + 1;
          return new Literal(value.toString());
        }
      }
    }

    private Expr number() {
      int begin = pos;
      while (pos < text.length()
          && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
        pos++;
      }
      String number = text.substring(begin, pos);
      try {
        return new Literal(
            number.contains(".") ? (Object) Double.parseDouble(number) : Long.parseLong(number));
      } catch (NumberFormatException e) {
        throw error("bad number " + number);
      }
    }

    /** A name, a literal true/false/null, or a function's call. */
    private Expr nameOrCall() {
      int begin = pos;
      while (pos < text.length()
          && (Character.isLetterOrDigit(text.charAt(pos))
              || text.charAt(pos) == '_'
              || text.charAt(pos) == '.')) {
        pos++;
      }
      String name = text.substring(begin, pos);
      switch (name) {
        case "true" -> {
          return new Literal(true);
        }
        case "false" -> {
          return new Literal(false);
        }
        case "null" -> {
          return new Literal(null);
        }
        default -> {}
      }
      if (eat("(")) {
        Integer arity = FUNCTIONS.get(name);
        if (arity == null) {
          throw error("unknown function " + name);
        }
        List<Expr> args = new ArrayList<>();
        if (!eat(")")) {
          do {
            args.add(ternary());
          } while (eat(","));
          if (!eat(")")) {
            throw error("expected ')'");
          }
        }
        if (args.size() != arity) {
          throw error(name + " takes " + arity + " argument(s), not " + args.size());
        }
        return new Call(name, List.copyOf(args));
      }
      return new Name(name);
    }
  }

  /** The instant a value names (an {@link Instant} or its ISO text), for times. */
  public static Instant instant(Object value) {
    if (value instanceof Instant i) {
      return i;
    }
    if (value instanceof String s) {
      return Instant.parse(s);
    }
    throw new IllegalStateException(value + " is not a time");
  }
}
