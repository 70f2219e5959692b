package dev.retention.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Which way the house's rooms may lean: the data layer ({@code dev.retention.data}) serves the API
 * and the activity implementations and takes nothing from either; outside the workflows module only
 * the contract the API speaks ({@code workflows.contract}, {@code workflows.ports} and the playbook
 * interfaces) is used, never the engine frame ({@code workflows.frame}). Reads the main sources'
 * import lines (and fully qualified names); plain JUnit, no Spring.
 */
class ArchitectureLayersTest {

  @Test
  void theDataLayerTakesNothingFromTheActivitiesOrTheApi() {
    Path root = projectRoot();
    Path data = root.resolve("activities/src/main/java/dev/retention/data");
    assertThat(offenders(root, data, "dev.retention.activities.", "dev.retention.api."))
        .as("files of the data layer that use the activities or the API")
        .isEmpty();
  }

  @Test
  void onlyTheWorkflowsUseTheEngineFrame() {
    Path root = projectRoot();
    List<String> offenders =
        Stream.of("activities/src/main/java", "api/src/main/java")
            .flatMap(
                dir ->
                    offenders(root, root.resolve(dir), "dev.retention.workflows.frame.").stream())
            .toList();
    assertThat(offenders).as("files outside workflows/ that use the engine frame").isEmpty();
  }

  private static List<String> offenders(Path root, Path dir, String... forbidden) {
    assertThat(dir).isDirectory();
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(f -> f.toString().endsWith(".java"))
          .filter(f -> uses(read(f), forbidden))
          .map(f -> root.relativize(f).toString().replace('\\', '/'))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean uses(String source, String... forbidden) {
    for (String f : forbidden) {
      if (source.contains(f)) {
        return true;
      }
    }
    return false;
  }

  private static String read(Path file) {
    return ArchitectureTableWritersTest.read(file);
  }

  private static Path projectRoot() {
    return ArchitectureTableWritersTest.projectRoot();
  }
}
