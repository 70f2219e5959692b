package dev.retention.api.style;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No method, constructor or initialiser in the main code of {@code workflows}, {@code activities}
 * or {@code api} is longer than {@value #LIMIT} lines (from the line of its opening brace to the
 * line of its closing brace) unless the comment right above it says why: a line of that comment (or
 * Javadoc, where it may open a paragraph) that starts with {@code Long:}, followed by the reason
 * (for example {@code Long: one SQL statement, read as a whole}). Split a long method into
 * well-named private methods first; give a reason only where splitting would hurt. The lengths are
 * measured by {@link MethodLengths}, a scanner that skips comments, strings, text blocks and
 * character literals.
 */
class MethodLengthTest {

  static final int LIMIT = 60;

  private static final Pattern REASON =
      Pattern.compile("(?m)^\\s*(?://+|/\\*\\*?|\\*)?\\s*(?:<p>\\s*)?Long:\\s*\\S");

  private static final List<String> MODULES = List.of("workflows", "activities", "api");

  @Test
  void noMethodIsLongerThanTheLimitWithoutAReason() throws IOException {
    Path root = repositoryRoot();
    List<String> tooLong = new ArrayList<>();
    int files = 0;
    for (String module : MODULES) {
      for (Path file : javaFiles(root.resolve(module).resolve("src/main/java"))) {
        files++;
        for (MethodLengths.Body body : MethodLengths.bodies(Files.readString(file))) {
          if (body.lines() > LIMIT && !REASON.matcher(body.comments()).find()) {
            tooLong.add(
                root.relativize(file)
                    + ":"
                    + body.line()
                    + " "
                    + body.name()
                    + " "
                    + body.lines()
                    + " lines");
          }
        }
      }
    }
    assertThat(files).as("main Java files read").isGreaterThan(100);
    assertThat(tooLong)
        .as("methods over %d lines without a 'Long:' reason in the comment above them", LIMIT)
        .isEmpty();
  }

  /** The scanner itself, on the shapes it must tell apart. */
  @Test
  void theScannerMeasuresMethodsAndSkipsWhatIsNotCode() {
    String source =
        """
        package x;
        /** A type. */
        class A {
          static final String S = "{ not a brace";
          static final char C = '{';
          @SuppressWarnings({"a", "b"})
          A(int a) {
            // a comment with a brace {
            Runnable r = () -> {
              System.out.println(\"""
                  text block {
                  \""");
            };
          }

          /**
           * Lists.
           *
           * <p>Long: a reason.
           */
          @Deprecated(since = "1")
          <T> java.util.List<T> list(T t) throws Exception {
            Object o = new Object() {
              @Override
              public String toString() {
                return "}";
              }
            };
            return null;
          }

          enum E {
            ONE("1") {
              @Override
              int n() {
                return 1;
              }
            },
            TWO("2");

            E(String s) {}

            int n() {
              return 0;
            }
          }

          record R(int a) {
            R {
              if (a < 0) {
                throw new IllegalArgumentException();
              }
            }
          }

          @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
          public @interface Marker {
            int max() default 1;
          }
        }
        """;
    List<String> found =
        MethodLengths.bodies(source).stream()
            .map(b -> b.name() + "@" + b.line() + "/" + b.lines())
            .toList();
    assertThat(found)
        .containsExactlyInAnyOrder(
            "A@7/8", "toString@25/3", "list@22/9", "n@35/3", "E@41/1", "n@43/3", "R@49/5");
    assertThat(
            MethodLengths.bodies(source).stream()
                .filter(b -> b.name().equals("list"))
                .findFirst()
                .orElseThrow()
                .comments())
        .containsPattern(REASON);
  }

  private static List<Path> javaFiles(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }

  private static boolean holdsTheModules(Path dir) {
    return MODULES.stream()
        .allMatch(m -> Files.isDirectory(dir.resolve(m).resolve("src/main/java")));
  }

  /** The folder holding the three modules, found from the directory the test runs in. */
  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (holdsTheModules(dir)) {
        return dir;
      }
    }
    throw new IllegalStateException("no folder above the working directory holds " + MODULES);
  }
}
