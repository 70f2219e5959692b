package dev.retention.api.definitions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.retention.activities.definitions.DefinitionFiles;
import dev.retention.activities.definitions.LineDiff;
import dev.retention.activities.definitions.PlaybookDefinitions;
import dev.retention.activities.definitions.PlaybookDefinitions.Publication;
import dev.retention.activities.definitions.PlaybookDefinitions.Version;
import dev.retention.api.problems.ApiProblem;
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
import org.springframework.stereotype.Service;

/**
 * Reading, checking, storing and publishing playbook definitions, one way for the API and the
 * console: a definition with problems is refused as a 400 problem listing each problem with its
 * JSON pointer ({@code problems}), and nothing is stored.
 */
@Service
public class PlaybookDefinitionEditing {

  private static final Logger log = LoggerFactory.getLogger(PlaybookDefinitionEditing.class);

  private final PlaybookDefinitions store;
  private final DefinitionValidator validator;

  PlaybookDefinitionEditing(PlaybookDefinitions store, DefinitionValidator validator) {
    this.store = store;
    this.validator = validator;
  }

  /**
   * The problems of a definition given as YAML text for playbook {@code id}: where it does not
   * read, or what the checks find; empty when it may be stored.
   */
  public List<DefinitionProblem> problemsOfYaml(String id, String yaml) {
    try {
      checked(id, parse(null, yaml));
      return List.of();
    } catch (ApiProblem refused) {
      return problemsOf(refused);
    }
  }

  /** The problems a refusal of this class lists, or its detail as one problem. */
  @SuppressWarnings("unchecked")
  public static List<DefinitionProblem> problemsOf(ApiProblem refused) {
    Object listed = refused.properties().get("problems");
    if (listed instanceof List<?> list && !list.isEmpty()) {
      return (List<DefinitionProblem>) list;
    }
    return List.of(new DefinitionProblem("", refused.getMessage()));
  }

  /** Stores a YAML definition as the playbook's next draft, or refuses it (400, its problems). */
  public Version addDraft(String id, String yaml, String source, String note, String actor) {
    return store.addDraft(checked(id, parse(null, yaml)), source, note, actor);
  }

  /** Publishes a version (a draft, or an older one: a rollback), checked again first. */
  public Publication publish(String id, int version, String note, String actor) {
    Version chosen = require(id, version);
    if (store.publishedVersion(id).filter(v -> v == version).isPresent()) {
      throw ApiProblem.conflict(
          "Already published",
          "version " + version + " of " + id + " is already the one new runs follow",
          Map.of("version", version));
    }
    // Checked again: the rules may have grown since the draft was stored.
    checked(id, chosen.definition());
    return store.publish(id, version, note, actor);
  }

  /** The YAML lines version {@code to} keeps, removes and adds against version {@code from}. */
  public List<LineDiff.Line> diff(String id, int from, int to) {
    String before = DefinitionFiles.yaml(require(id, from).definition().withVersion(1));
    String after = DefinitionFiles.yaml(require(id, to).definition().withVersion(1));
    return LineDiff.of(before, after);
  }

  /** A stored version, or a 404. */
  public Version require(String id, int version) {
    store.published(id);
    return store
        .version(id, version)
        .orElseThrow(
            () ->
                ApiProblem.notFound("Playbook definition", "no version " + version + " of " + id));
  }

  /** The definition, from JSON or from YAML text (exactly one), or a 400 naming where. */
  PlaybookDefinition parse(Map<String, Object> json, String yaml) {
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

  List<DefinitionProblem> problems(PlaybookDefinition definition) {
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
  PlaybookDefinition checked(String id, PlaybookDefinition definition) {
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
