package dev.retention.api.problems;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every problem text the API says has its words in every language file, and the English file says
 * exactly what the code writes (English callers get the code's text unchanged; the file is where a
 * translator reads it).
 */
class ProblemMessagesTest {

  /** A group of a pattern and a value it matches. */
  private static final Pattern GROUP =
      Pattern.compile("\\((\\\\S\\+|\\[A-Z_\\]\\+|\\.\\*|\\\\d\\+)\\)");

  @Test
  void everyPatternHasItsWords_inEnglishAndDutch() throws IOException {
    Properties english = load("problems/messages.properties");
    Properties dutch = load("problems/messages_nl.properties");
    for (ProblemTexts.Text text : texts()) {
      assertThat(english).as("English for " + text.key()).containsKey(text.key());
      assertThat(dutch).as("Dutch for " + text.key()).containsKey(text.key());
    }
    assertThat(dutch.keySet()).isEqualTo(english.keySet());
  }

  @Test
  void theEnglishFile_saysWhatTheCodeWrites() throws IOException {
    Properties english = load("problems/messages.properties");
    for (ProblemTexts.Text text : texts()) {
      List<Object> args = new ArrayList<>();
      Matcher group = GROUP.matcher(text.english().pattern());
      while (group.find()) {
        args.add(
            switch (group.group(1)) {
              case "[A-Z_]+" -> "SOME_CODE";
              case "\\d+" -> "7";
              case ".*" -> "any words";
              default -> "id-1";
            });
      }
      String message = english.getProperty(text.key());
      String said =
          args.isEmpty()
              ? message
              : new MessageFormat(message, Locale.ENGLISH).format(args.toArray());
      assertThat(text.english().matcher(said).matches())
          .as(text.key() + " says \"" + said + "\", the code writes " + text.english())
          .isTrue();
    }
  }

  /** Each key with the first text that says it (later ones are other spellings of it). */
  private static List<ProblemTexts.Text> texts() {
    java.util.Map<String, ProblemTexts.Text> first = new java.util.LinkedHashMap<>();
    Stream.concat(ProblemTexts.TITLES.stream(), ProblemTexts.DETAILS.stream())
        .forEach(t -> first.putIfAbsent(t.key(), t));
    return List.copyOf(first.values());
  }

  private static Properties load(String path) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = ProblemMessagesTest.class.getClassLoader().getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
    return properties;
  }
}
