package dev.retention.api.input;

/**
 * What a piece of text may contain. A single-line field (an id, a name, an address, a plan, a
 * reason) may hold no control character at all, nor a Unicode line or paragraph separator: such a
 * character would end up in an email header, a CRM task title or a log line. Free text (a note, a
 * comment) may hold line breaks and tabs, nothing else of the kind. Lengths count code points, so
 * an emoji is one character.
 */
public final class TextRules {

  /** The size of an id: a customer, a CSM, a workflow. */
  public static final int ID_MAX = 64;

  /** The size of a name or any other single line. */
  public static final int LINE_MAX = 200;

  /** The size of a note or a comment. */
  public static final int FREE_TEXT_MAX = 10_000;

  private TextRules() {}

  /** The index of the first character a single line may not hold, or -1. */
  public static int forbiddenInLine(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      if (breaksALine(text.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  /** The index of the first character free text may not hold (line breaks and tabs may), or -1. */
  public static int forbiddenInFreeText(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\n' && c != '\r' && c != '\t' && breaksALine(c)) {
        return i;
      }
    }
    return -1;
  }

  /** C0 and C1 controls (NUL, CR, LF, ESC, DEL, NEL, …) and U+2028/U+2029. */
  public static boolean breaksALine(char c) {
    return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
  }

  /** The character as {@code U+000A}, for messages that must not echo it. */
  public static String describe(char c) {
    return String.format("U+%04X", (int) c);
  }

  public static int length(CharSequence text) {
    return Character.codePointCount(text, 0, text.length());
  }
}
