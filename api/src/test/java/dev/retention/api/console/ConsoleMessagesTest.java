package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * English and Dutch say the same things: every key in one bundle is in the other, and every text a
 * run stores in English (ConsoleWords' patterns) has its words in both.
 */
class ConsoleMessagesTest {

  @Test
  void englishAndDutchHaveTheSameKeys() {
    Set<String> english = keys("console/messages.properties");
    Set<String> dutch = keys("console/messages_nl.properties");
    assertThat(new TreeSet<>(dutch)).containsExactlyElementsOf(new TreeSet<>(english));
  }

  @Test
  void everyStoredEnglishTextHasItsWordsInBothLanguages() {
    Set<String> english = keys("console/messages.properties");
    Set<String> dutch = keys("console/messages_nl.properties");
    for (ConsoleWords.Phrase phrase : ConsoleWords.PHRASES) {
      assertThat(english).as(phrase.key()).contains(phrase.key());
      assertThat(dutch).as(phrase.key()).contains(phrase.key());
    }
  }

  @Test
  void theApisDutchProblemTextsCoverEveryPattern() {
    Set<String> dutch = keys("problems/messages_nl.properties");
    for (var text : dev.retention.api.problems.ProblemTextsAccess.keys()) {
      assertThat(dutch).as(text).contains(text);
    }
  }

  private static Set<String> keys(String resource) {
    Properties properties = new Properties();
    try (InputStream in =
        ConsoleMessagesTest.class.getClassLoader().getResourceAsStream(resource)) {
      properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.stringPropertyNames();
  }
}
