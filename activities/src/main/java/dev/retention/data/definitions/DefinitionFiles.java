package dev.retention.data.definitions;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import dev.retention.workflows.engine.PlaybookDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads and writes playbook definitions: YAML or JSON text, the shipped files on the classpath
 * ({@code playbooks/<id>.yaml}) and a team's own folder of them.
 */
public final class DefinitionFiles {

  /** The shipped definitions, by id, in the order the console lists them. */
  public static final List<String> SHIPPED =
      List.of(
          "at-risk",
          "expansion",
          "onboarding",
          "nps-follow-up",
          "cancellation-save",
          "trial-conversion");

  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(
                  JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
          .build();

  /** YAML as a CS lead edits it: no empty lists or maps. */
  private static final ObjectMapper EDITABLE_YAML =
      YAMLMapper.builder(YAMLFactory.builder().stringQuotingChecker(new Quotes()).build())
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .disable(YAMLGenerator.Feature.SPLIT_LINES)
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(
                  JsonInclude.Include.NON_EMPTY, JsonInclude.Include.NON_EMPTY))
          .build();

  private DefinitionFiles() {}

  /**
   * Double quotes wherever YAML needs quotes, where the emitter would otherwise fall back to single
   * quotes and double every quote inside (the expression {@code 'csm'} came out as three quotes on
   * each side).
   */
  private static final class Quotes extends StringQuotingChecker.Default {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean needToQuoteValue(String value) {
      return super.needToQuoteValue(value) || plainIsNotEnough(value);
    }

    static boolean plainIsNotEnough(String value) {
      if (value.isEmpty()) {
        return true;
      }
      char first = value.charAt(0);
      char last = value.charAt(value.length() - 1);
      return "'\"!&*|>%@`[]{},#".indexOf(first) >= 0
          || value.startsWith("- ")
          || value.startsWith("? ")
          || value.contains(": ")
          || value.contains(" #")
          || last == ':'
          || Character.isWhitespace(first)
          || Character.isWhitespace(last);
    }
  }

  /** The tree without empty lists and maps (a definition reads its absent ones as empty). */
  private static JsonNode withoutEmpties(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> empty = new ArrayList<>();
      object
          .properties()
          .forEach(
              field -> {
                JsonNode value = withoutEmpties(field.getValue());
                if (value.isNull() || (value.isContainerNode() && value.isEmpty())) {
                  empty.add(field.getKey());
                }
              });
      object.remove(empty);
    } else if (node instanceof ArrayNode array) {
      array.forEach(DefinitionFiles::withoutEmpties);
    }
    return node;
  }

  /** A definition from YAML or JSON text (JSON is YAML too); a bad text throws. */
  public static PlaybookDefinition parse(String text) throws IOException {
    return YAML.readValue(text, PlaybookDefinition.class);
  }

  /** A definition from a JSON tree (the API's body). */
  public static PlaybookDefinition fromTree(JsonNode tree) throws IOException {
    return JSON.treeToValue(tree, PlaybookDefinition.class);
  }

  /** A definition from a map of its JSON (the API's body, as the web layer read it). */
  public static PlaybookDefinition fromMap(Map<String, Object> tree) throws IOException {
    try {
      return JSON.convertValue(tree, PlaybookDefinition.class);
    } catch (IllegalArgumentException e) {
      if (e.getCause() instanceof IOException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** The definition as a map of its JSON, for answers. */
  public static Map<String, Object> toMap(PlaybookDefinition definition) {
    return JSON.convertValue(definition, new TypeReference<Map<String, Object>>() {});
  }

  /** The definition as JSON, without empty fields. */
  public static String json(PlaybookDefinition definition) {
    try {
      return JSON.writeValueAsString(definition);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The definition as a JSON tree. */
  public static JsonNode tree(PlaybookDefinition definition) {
    return JSON.valueToTree(definition);
  }

  /**
   * The definition as YAML, as a CS lead edits it: in the shipped files' style (a value that must
   * be quoted in double quotes, one line per value, no empty fields).
   */
  public static String yaml(PlaybookDefinition definition) {
    try {
      return EDITABLE_YAML.writeValueAsString(withoutEmpties(JSON.valueToTree(definition)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether two definitions say the same, whatever their version numbers. */
  public static boolean same(PlaybookDefinition a, PlaybookDefinition b) {
    return tree(a.withVersion(1)).equals(tree(b.withVersion(1)));
  }

  /** A shipped definition, from the classpath. */
  public static Optional<PlaybookDefinition> shipped(String id) {
    if (!SHIPPED.contains(id)) {
      return Optional.empty();
    }
    try (InputStream in =
        DefinitionFiles.class.getClassLoader().getResourceAsStream("playbooks/" + id + ".yaml")) {
      if (in == null) {
        return Optional.empty();
      }
      return Optional.of(YAML.readValue(in, PlaybookDefinition.class));
    } catch (IOException e) {
      throw new UncheckedIOException("the shipped definition " + id + " does not read", e);
    }
  }

  /** A file of a team's folder: its name and its definition. */
  public record Found(Path file, PlaybookDefinition definition) {}

  /** Every {@code *.yaml}, {@code *.yml} and {@code *.json} in {@code folder}, by name. */
  public static List<Found> folder(Path folder) throws IOException {
    List<Found> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) {
          found.add(new Found(file, parse(Files.readString(file))));
        }
      }
    }
    return found;
  }
}
