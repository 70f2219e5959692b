package dev.retention.workflows;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.retention.workflows.engine.PlaybookDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The shipped playbook definitions, read from the module's resources as the app reads them. */
public final class Definitions {

  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private Definitions() {}

  public static PlaybookDefinition load(String id) {
    try (InputStream in = Definitions.class.getResourceAsStream("/playbooks/" + id + ".yaml")) {
      if (in == null) {
        throw new IllegalArgumentException("no shipped definition " + id);
      }
      return YAML.readValue(in, PlaybookDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
