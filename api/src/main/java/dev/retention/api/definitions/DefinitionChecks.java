package dev.retention.api.definitions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.retention.api.problems.ApiProblem;
import dev.retention.data.definitions.DefinitionFiles;
import dev.retention.workflows.engine.DefinitionProblem;
import dev.retention.workflows.engine.DefinitionValidator;
import dev.retention.workflows.engine.PlaybookDefinition;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Reads a definition from what a person or a backend sent (JSON or YAML) and checks it, with a
 * problem+json naming the place of each problem (a JSON pointer): for the API, the dry-run and the
 * console alike.
 */
@Component
public class DefinitionChecks {

  private static final Logger log = LoggerFactory.getLogger(DefinitionChecks.class);

  private final DefinitionValidator validator;

  DefinitionChecks(DefinitionValidator validator) {
    this.validator = validator;
  }

  /** The definition, or a 400 naming where its text does not read. */
  public static PlaybookDefinition read(Map<String, Object> json, String yaml) {
    if ((json == null) == (yaml == null)) {
      throw ApiProblem.invalid(
          "definition", "give the definition either as JSON in definition or as YAML text in yaml");
    }
    String field = yaml != null ? "yaml" : "definition";
    try {
      return yaml != null ? DefinitionFiles.parse(yaml) : DefinitionFiles.fromMap(json);
    } catch (JsonMappingException e) {
      String pointer = pointer(e.getPath());
      throw invalidDefinition(
          field,
          List.of(new DefinitionProblem(pointer, plain(e))),
          "the definition does not read at " + (pointer.isEmpty() ? "its top" : pointer));
    } catch (JsonProcessingException e) {
      throw invalidDefinition(
          field,
          List.of(new DefinitionProblem("", plain(e))),
          "the definition is not valid " + ("yaml".equals(field) ? "YAML" : "JSON"));
    } catch (IOException | IllegalArgumentException e) {
      throw invalidDefinition(
          field,
          List.of(new DefinitionProblem("", e.getMessage())),
          "the definition does not read");
    }
  }

  public List<DefinitionProblem> problems(PlaybookDefinition definition) {
    try {
      return validator.validate(definition, DefinitionValidator.Limits.DEFAULT);
    } catch (RuntimeException e) {
      // A definition the checks themselves trip over is refused, never half-accepted.
      log.warn("a definition could not be checked", e);
      return List.of(
          new DefinitionProblem("", "the definition could not be checked: " + e.getMessage()));
    }
  }

  /** The definition for playbook {@code id}, or a 400 listing its problems. */
  public PlaybookDefinition checked(String id, PlaybookDefinition definition) {
    if (definition.id() != null && !definition.id().equals(id)) {
      throw invalidDefinition(
          "definition",
          List.of(
              new DefinitionProblem(
                  "/id", "the definition's id is " + definition.id() + ", the address says " + id)),
          "the definition's id is not " + id);
    }
    PlaybookDefinition named = definition.id() == null ? withId(definition, id) : definition;
    List<DefinitionProblem> problems = problems(named);
    if (!problems.isEmpty()) {
      throw invalidDefinition(
          "definition",
          problems,
          problems.size()
              + (problems.size() == 1 ? " problem" : " problems")
              + ", the first at "
              + (problems.getFirst().pointer().isEmpty()
                  ? "the top"
                  : problems.getFirst().pointer())
              + ": "
              + problems.getFirst().message());
    }
    return named;
  }

  private static PlaybookDefinition withId(PlaybookDefinition d, String id) {
    Map<String, Object> tree = DefinitionFiles.toMap(d);
    tree.put("id", id);
    try {
      return DefinitionFiles.fromMap(tree);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static ApiProblem invalidDefinition(
      String field, List<DefinitionProblem> problems, String detail) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("pointer", problems.getFirst().pointer());
    properties.put("problems", problems);
    return new ApiProblem(
        HttpStatus.BAD_REQUEST, "Invalid playbook definition", detail, field, properties);
  }

  private static String pointer(List<JsonMappingException.Reference> path) {
    StringBuilder pointer = new StringBuilder();
    for (JsonMappingException.Reference reference : path) {
      pointer.append('/');
      if (reference.getFieldName() != null) {
        pointer.append(reference.getFieldName().replace("~", "~0").replace("/", "~1"));
      } else {
        pointer.append(reference.getIndex());
      }
    }
    return pointer.toString();
  }

  /** Jackson's message without its location lines and class names. */
  private static String plain(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      return "does not read";
    }
    return message.replaceAll("`[a-zA-Z0-9_.$]+\\.([A-Za-z0-9_]+)`", "$1").strip();
  }
}
