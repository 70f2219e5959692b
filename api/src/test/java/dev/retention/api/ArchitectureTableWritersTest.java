package dev.retention.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.data.ledger.QueuedStarts;
import dev.retention.data.ledger.RunRecords;
import dev.retention.data.ledger.Timeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * One writer per table: every insert, update and delete of {@code timeline}, {@code playbook_runs}
 * and {@code queued_starts} goes through the one class that owns the table, so its idempotency
 * keys, erasure check and transactions live in one place. The check reads the main sources of every
 * module (SQL in Java text blocks and strings, concatenated strings joined first, across line
 * breaks, in any case) and fails naming any other file that writes the table. Database triggers
 * that write these tables are fine: they live in the Flyway migrations ({@code db/migration}),
 * which are not scanned. Plain JUnit, no Spring.
 */
class ArchitectureTableWritersTest {

  /** Each table and the class that alone may write it. */
  private static final Map<String, Class<?>> OWNERS =
      Map.of(
          "timeline",
          Timeline.class,
          "playbook_runs",
          RunRecords.class,
          "queued_starts",
          QueuedStarts.class);

  @Test
  void eachTableIsWrittenByItsOwnerOnly() {
    Path root = projectRoot();
    List<Path> sources = mainSources(root);
    assertThat(sources).as("main sources under " + root).hasSizeGreaterThan(100);
    SoftAssertions softly = new SoftAssertions();
    OWNERS.forEach(
        (table, owner) -> {
          String ownerFile = "src/main/java/" + owner.getName().replace('.', '/') + ".java";
          List<String> owners =
              sources.stream()
                  .map(source -> relative(root, source))
                  .filter(file -> file.endsWith(ownerFile))
                  .toList();
          softly.assertThat(owners).as("the source of " + owner.getName()).hasSize(1);
          softly
              .assertThat(writersOf(table, sources, root))
              .as("files whose SQL writes %s (only %s may)", table, owner.getSimpleName())
              .containsExactlyElementsOf(owners);
        });
    softly.assertAll();
  }

  /** The files, relative to the root, whose text writes the table. */
  private static Set<String> writersOf(String table, List<Path> sources, Path root) {
    Set<String> writers = new TreeSet<>();
    for (Path source : sources) {
      if (writes(read(source), table)) {
        writers.add(relative(root, source));
      }
    }
    return writers;
  }

  @Test
  void theCheckSeesWritesAcrossLinesCaseAndConcatenation() {
    assertThat(writes("jdbc.sql(\"\"\"\n  INSERT\n   INTO timeline (a) values (1)", "timeline"))
        .isTrue();
    assertThat(writes("\"update \" + \"playbook_runs set status = 'X'\"", "playbook_runs"))
        .isTrue();
    assertThat(writes("\"delete from public.timeline where at < :c\"", "timeline")).isTrue();
    assertThat(writes("select * from playbook_runs for update", "playbook_runs")).isFalse();
    assertThat(writes("insert into playbook_run_variants (run_id)", "playbook_runs")).isFalse();
    assertThat(writes("insert into timeline_archive (id)", "timeline")).isFalse();
  }

  /**
   * True when the text holds SQL that inserts into, updates, deletes from or truncates the table.
   */
  static boolean writes(String text, String table) {
    String joined = text.replaceAll("\"\\s*\\+\\s*\"", "");
    return Pattern.compile(
            "\\b(insert\\s+into|update|delete\\s+from|merge\\s+into|truncate(\\s+table)?)"
                + "\\s+(only\\s+)?(\\w+\\.)?"
                + Pattern.quote(table)
                + "\\b",
            Pattern.CASE_INSENSITIVE)
        .matcher(joined)
        .find();
  }

  /** Java sources and SQL files of every module's src/main, migrations left out. */
  private static List<Path> mainSources(Path root) {
    try (Stream<Path> modules = Files.list(root)) {
      return modules
          .map(module -> module.resolve("src/main"))
          .filter(Files::isDirectory)
          .flatMap(ArchitectureTableWritersTest::walk)
          .filter(Files::isRegularFile)
          .filter(p -> !p.toString().replace('\\', '/').contains("/db/migration/"))
          .filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".sql"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Stream<Path> walk(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String relative(Path root, Path file) {
    return root.relativize(file).toString().replace('\\', '/');
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Maven runs a module's tests with the module as working directory; IDEs may use the root. */
  static Path projectRoot() {
    for (Path candidate : List.of(Path.of(".."), Path.of("."))) {
      if (Files.isDirectory(candidate.resolve("activities/src/main"))
          && Files.isDirectory(candidate.resolve("api/src/main"))) {
        return candidate.toAbsolutePath().normalize();
      }
    }
    throw new AssertionError("no project root above " + Path.of("").toAbsolutePath());
  }
}
