package dev.retention.api.style;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds the methods, constructors and initialisers of one Java source file and the number of lines
 * of each body, from the line of its opening brace to the line of its closing brace. A scanner of
 * braces and parentheses, not a parser: it skips comments, string literals, text blocks and
 * character literals, tells a type body from a method body by what precedes the brace, and keeps
 * the comments that precede each declaration so a reason for a long body can be read there.
 */
final class MethodLengths {

  /** One body: where it starts, what it is called, how long it is and the comments above it. */
  record Body(int line, String name, int lines, String comments) {}

  private enum Kind {
    TYPE,
    METHOD,
    OTHER
  }

  /** A token: an identifier, a literal placeholder or one punctuation mark, with its line. */
  private record Token(String text, int line) {}

  /** An open brace: what it opens and, for a type, its simple name. */
  private static final class Frame {
    final Kind kind;
    final String typeName;
    final int openLine;
    final String name;
    final String comments;
    int parens;
    int headerStart;

    Frame(Kind kind, String typeName, int openLine, String name, String comments, int headerStart) {
      this.kind = kind;
      this.typeName = typeName;
      this.openLine = openLine;
      this.name = name;
      this.comments = comments;
      this.headerStart = headerStart;
    }
  }

  private static final Set<String> TYPE_KEYWORDS = Set.of("class", "interface", "enum", "record");

  private final List<Token> tokens = new ArrayList<>();

  /** The comments that end before token i (index i), joined. */
  private final List<StringBuilder> commentsBefore = new ArrayList<>();

  private MethodLengths() {}

  /** Every method, constructor and initialiser body in {@code source}, in order of their end. */
  static List<Body> bodies(String source) {
    MethodLengths scanner = new MethodLengths();
    scanner.tokenize(source);
    return scanner.walk();
  }

  private void tokenize(String s) {
    StringBuilder pending = new StringBuilder();
    int line = 1;
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\n') {
        line++;
        i++;
      } else if (Character.isWhitespace(c)) {
        i++;
      } else if (s.startsWith("//", i)) {
        int end = s.indexOf('\n', i);
        end = end < 0 ? n : end;
        pending.append(s, i, end).append('\n');
        i = end;
      } else if (s.startsWith("/*", i)) {
        int end = s.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        String text = s.substring(i, end);
        pending.append(text).append('\n');
        line += count(text, '\n');
        i = end;
      } else if (s.startsWith("\"\"\"", i)) {
        int end = endOfTextBlock(s, i + 3);
        line += count(s.substring(i, end), '\n');
        add("\"\"", line, pending);
        i = end;
      } else if (c == '"' || c == '\'') {
        int end = endOfQuoted(s, i + 1, c);
        add("\"\"", line, pending);
        i = end;
      } else if (Character.isJavaIdentifierStart(c)) {
        int end = i + 1;
        while (end < n && Character.isJavaIdentifierPart(s.charAt(end))) {
          end++;
        }
        add(s.substring(i, end), line, pending);
        i = end;
      } else if (Character.isDigit(c)) {
        int end = i + 1;
        while (end < n && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_')) {
          end++;
        }
        add("0", line, pending);
        i = end;
      } else if (s.startsWith("->", i) || s.startsWith("::", i)) {
        add(s.substring(i, i + 2), line, pending);
        i += 2;
      } else {
        add(String.valueOf(c), line, pending);
        i++;
      }
    }
  }

  private void add(String text, int line, StringBuilder pending) {
    tokens.add(new Token(text, line));
    commentsBefore.add(new StringBuilder(pending));
    pending.setLength(0);
  }

  private static int endOfTextBlock(String s, int from) {
    int i = from;
    while (i < s.length()) {
      if (s.charAt(i) == '\\') {
        i += 2;
      } else if (s.startsWith("\"\"\"", i)) {
        return i + 3;
      } else {
        i++;
      }
    }
    return s.length();
  }

  private static int endOfQuoted(String s, int from, char quote) {
    int i = from;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == quote || c == '\n') {
        return i + 1;
      } else {
        i++;
      }
    }
    return s.length();
  }

  private static int count(String s, char c) {
    int k = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == c) {
        k++;
      }
    }
    return k;
  }

  private List<Body> walk() {
    List<Body> bodies = new ArrayList<>();
    Deque<Frame> frames = new ArrayDeque<>();
    frames.push(new Frame(Kind.TYPE, "", 0, "", "", 0));
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i).text();
      Frame top = frames.peek();
      switch (t) {
        case "(" -> top.parens++;
        case ")" -> top.parens--;
        case ";" -> {
          if (top.parens == 0) {
            top.headerStart = i + 1;
          }
        }
        case "{" -> frames.push(open(top, i));
        case "}" -> {
          Frame closed = frames.pop();
          if (closed.kind == Kind.METHOD) {
            int last = tokens.get(i).line();
            bodies.add(
                new Body(
                    closed.openLine, closed.name, last - closed.openLine + 1, closed.comments));
          }
          Frame outer = frames.peek();
          if (outer != null && outer.parens == 0) {
            outer.headerStart = i + 1;
          }
        }
        default -> {}
      }
    }
    return bodies;
  }

  /** What the brace at token {@code i} opens, read from the tokens before it. */
  private Frame open(Frame top, int i) {
    int line = tokens.get(i).line();
    if (anonymousClassBody(i)) {
      return new Frame(Kind.TYPE, "", line, "", "", i + 1);
    }
    if (top.kind == Kind.TYPE && top.parens == 0) {
      return member(top, i, line);
    }
    return new Frame(Kind.OTHER, "", line, "", "", i + 1);
  }

  /** A brace directly inside a type body: a nested type, a method, an initialiser or a value. */
  private Frame member(Frame top, int i, int line) {
    List<String> header = new ArrayList<>();
    for (int k = top.headerStart; k < i; k++) {
      header.add(tokens.get(k).text());
    }
    String comments = comments(top.headerStart, i);
    for (int k = 0; k < header.size() - 1; k++) {
      String h = header.get(k);
      // "@Name" is an annotation in use; "@interface Name" declares an annotation type.
      boolean annotation = k > 0 && header.get(k - 1).equals("@") && !h.equals("interface");
      if (TYPE_KEYWORDS.contains(h) && !annotation && isIdentifier(header.get(k + 1))) {
        return new Frame(Kind.TYPE, header.get(k + 1), line, "", "", i + 1);
      }
    }
    if (valueAtTopLevel(header)) {
      return new Frame(Kind.OTHER, "", line, "", "", i + 1);
    }
    int close = lastIndexOf(header, ")");
    if (close < 0) {
      // An initialiser ({ or static {), a record's compact constructor (Name {) or an enum
      // constant's class body (NAME {).
      String name = header.isEmpty() ? "{initialiser}" : header.get(header.size() - 1);
      if (name.equals("static") || name.equals("{initialiser}") || name.equals(top.typeName)) {
        return new Frame(Kind.METHOD, "", line, name, comments, i + 1);
      }
      return new Frame(Kind.TYPE, name, line, "", "", i + 1);
    }
    int open = matchingOpen(header, close);
    String name = open > 0 ? header.get(open - 1) : "?";
    boolean first = firstNonAnnotation(header) == open - 1;
    if (first && !name.equals(top.typeName)) {
      // An enum constant with a body of its own: a class body.
      return new Frame(Kind.TYPE, name, line, "", "", i + 1);
    }
    return new Frame(Kind.METHOD, "", line, name, comments, i + 1);
  }

  private String comments(int from, int to) {
    StringBuilder all = new StringBuilder();
    for (int k = from; k <= to && k < commentsBefore.size(); k++) {
      all.append(commentsBefore.get(k));
    }
    return all.toString();
  }

  /** An anonymous class: the brace follows the arguments of a {@code new Type<...>(...)}. */
  private boolean anonymousClassBody(int i) {
    if (i == 0 || !tokens.get(i - 1).text().equals(")")) {
      return false;
    }
    int depth = 0;
    int k = i - 1;
    for (; k >= 0; k--) {
      String t = tokens.get(k).text();
      if (t.equals(")")) {
        depth++;
      } else if (t.equals("(") && --depth == 0) {
        break;
      }
    }
    for (k--; k >= 0; k--) {
      String t = tokens.get(k).text();
      if (t.equals("new")) {
        return true;
      }
      if (!(isIdentifier(t)
          || t.equals(".")
          || t.equals("<")
          || t.equals(">")
          || t.equals(",")
          || t.equals("?"))) {
        return false;
      }
    }
    return false;
  }

  /** A field's value or a lambda: an {@code =} or {@code ->} outside any parentheses. */
  private static boolean valueAtTopLevel(List<String> header) {
    int depth = 0;
    for (String h : header) {
      if (h.equals("(")) {
        depth++;
      } else if (h.equals(")")) {
        depth--;
      } else if (depth == 0 && (h.equals("=") || h.equals("->"))) {
        return true;
      }
    }
    return false;
  }

  private static int firstNonAnnotation(List<String> header) {
    int k = 0;
    while (k < header.size() && header.get(k).equals(",")) {
      k++; // the comma after the enum constant before
    }
    while (k < header.size() && header.get(k).equals("@")) {
      k += 2; // @ and the name
      while (k < header.size() && header.get(k).equals(".")) {
        k += 2;
      }
      if (k < header.size() && header.get(k).equals("(")) {
        k = matchingClose(header, k) + 1;
      }
    }
    return k;
  }

  private static int matchingClose(List<String> header, int open) {
    int depth = 0;
    for (int k = open; k < header.size(); k++) {
      if (header.get(k).equals("(")) {
        depth++;
      } else if (header.get(k).equals(")") && --depth == 0) {
        return k;
      }
    }
    return header.size() - 1;
  }

  private static int matchingOpen(List<String> header, int close) {
    int depth = 0;
    for (int k = close; k >= 0; k--) {
      if (header.get(k).equals(")")) {
        depth++;
      } else if (header.get(k).equals("(") && --depth == 0) {
        return k;
      }
    }
    return 0;
  }

  private static int lastIndexOf(List<String> header, String text) {
    for (int k = header.size() - 1; k >= 0; k--) {
      if (header.get(k).equals(text)) {
        return k;
      }
    }
    return -1;
  }

  private static boolean isIdentifier(String t) {
    return !t.isEmpty()
        && Character.isJavaIdentifierStart(t.charAt(0))
        && !t.toLowerCase(Locale.ROOT).equals("new");
  }
}
