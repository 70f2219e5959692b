package dev.retention.api.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Temporal settings the app's dev server runs with are the ones the production shape's Temporal
 * service reads (docs/temporal/dynamicconfig.yaml) and CI's dev server gets (.ci/run): three
 * places, one list. Plain JUnit.
 */
class DevServerDynamicConfigTest {

  private static final Path ROOT =
      Files.isDirectory(Path.of("..", "docs")) ? Path.of("..") : Path.of(".");

  @Test
  void theComposeServiceReadsTheSameSettings_allOn() throws IOException {
    Map<?, ?> settings =
        (Map<?, ?>)
            new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(ROOT.resolve("docs/temporal/dynamicconfig.yaml")));
    assertThat(settings.keySet().stream().map(String::valueOf).toList())
        .containsExactlyInAnyOrderElementsOf(TemporalDevServer.DYNAMIC_CONFIG);
    for (String key : TemporalDevServer.DYNAMIC_CONFIG) {
      assertThat(settings.get(key)).as(key).isEqualTo(List.of(Map.of("value", true)));
    }
  }

  @Test
  void ciStartsItsDevServerWithTheSameSettings() throws IOException {
    String ci = Files.readString(ROOT.resolve(".ci/run"));
    for (String key : TemporalDevServer.DYNAMIC_CONFIG) {
      assertThat(ci).contains("--dynamic-config-value " + key + "=true");
    }
  }
}
