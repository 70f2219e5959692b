package dev.retention.api.definitions;

import dev.retention.api.problems.ApiProblem;
import dev.retention.data.definitions.DefinitionFiles;
import dev.retention.data.definitions.LineDiff;
import dev.retention.data.definitions.PlaybookDefinitions;
import dev.retention.data.definitions.PlaybookDefinitions.Publication;
import dev.retention.data.definitions.PlaybookDefinitions.Version;
import dev.retention.workflows.engine.DefinitionProblem;
import dev.retention.workflows.engine.PlaybookDefinition;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * Reading, checking, storing and publishing playbook definitions, one way for the API and the
 * console: a definition with problems is refused as a 400 problem listing each problem with its
 * JSON pointer ({@code problems}), and nothing is stored.
 */
@Service
public class PlaybookDefinitionEditing {

  private final PlaybookDefinitions store;
  private final DefinitionChecks checks;

  PlaybookDefinitionEditing(PlaybookDefinitions store, DefinitionChecks checks) {
    this.store = store;
    this.checks = checks;
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
    return DefinitionChecks.read(json, yaml);
  }

  List<DefinitionProblem> problems(PlaybookDefinition definition) {
    return checks.problems(definition);
  }

  /** The definition for playbook {@code id}, or a 400 listing its problems. */
  PlaybookDefinition checked(String id, PlaybookDefinition definition) {
    return checks.checked(id, definition);
  }
}
