package dev.retention.api.definitions;

import dev.retention.api.input.FreeText;
import dev.retention.api.input.Ids;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Callers;
import dev.retention.data.definitions.DefinitionFiles;
import dev.retention.data.definitions.LineDiff;
import dev.retention.data.definitions.PlaybookDefinitions;
import dev.retention.data.definitions.PlaybookDefinitions.Publication;
import dev.retention.data.definitions.PlaybookDefinitions.RunsOfVersion;
import dev.retention.data.definitions.PlaybookDefinitions.Version;
import dev.retention.workflows.engine.DefinitionProblem;
import dev.retention.workflows.engine.PlaybookDefinition;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Playbook definitions through the API: read every version, check a draft, store drafts, publish (a
 * playbook editor; audited), compare versions. A published version applies to new runs only: runs
 * carry their own.
 */
@RestController
@Tag(name = "playbook definitions")
class PlaybookDefinitionController {

  private final PlaybookDefinitions store;
  private final PlaybookDefinitionEditing editing;

  PlaybookDefinitionController(PlaybookDefinitions store, PlaybookDefinitionEditing editing) {
    this.store = store;
    this.editing = editing;
  }

  /** A definition as JSON ({@code definition}) or as YAML text ({@code yaml}), with a note. */
  record DefinitionBody(
      Map<String, Object> definition,
      @FreeText(max = 200_000) String yaml,
      @FreeText String note) {}

  /** Why a version is published. */
  record PublishBody(@FreeText String note) {}

  /** A playbook in the list: its names, the version new runs follow, its drafts and runs. */
  record DefinitionSummary(
      String id,
      Map<String, String> name,
      Map<String, String> description,
      Integer publishedVersion,
      int latestVersion,
      List<Integer> drafts,
      List<RunsOfVersion> runsPerVersion) {}

  /** One playbook: every version (newest first), its publications and its runs per version. */
  record DefinitionDetail(
      String id,
      Integer publishedVersion,
      List<VersionSummary> versions,
      List<Publication> publications,
      List<RunsOfVersion> runsPerVersion) {}

  /** A version without its body. */
  record VersionSummary(
      int version,
      String status,
      String source,
      String note,
      String createdBy,
      Instant createdAt,
      String publishedBy,
      Instant publishedAt) {}

  /** A version with its definition, as JSON and as YAML. */
  record VersionView(
      String playbookId,
      int version,
      String status,
      String source,
      String note,
      String createdBy,
      Instant createdAt,
      String publishedBy,
      Instant publishedAt,
      Map<String, Object> definition,
      String yaml) {}

  /** The result of checking a definition: its problems, each with where it is. */
  record Check(boolean valid, List<DefinitionProblem> problems) {}

  /** The lines two versions keep, remove ({@code -}) and add ({@code +}), as YAML. */
  record Diff(String playbookId, int from, int to, List<String> lines) {}

  @Operation(
      operationId = "listPlaybookDefinitions",
      summary = "List the playbook definitions",
      description =
          "Every playbook: its names, the version new runs follow, its drafts, and how many runs"
              + " follow each version.")
  @GetMapping("/api/playbook-definitions")
  List<DefinitionSummary> list() {
    return store.ids().stream()
        .map(
            id -> {
              PlaybookDefinition published = store.published(id).orElse(null);
              List<Version> versions = store.versions(id);
              PlaybookDefinition named =
                  published != null
                      ? published
                      : versions.isEmpty() ? null : versions.getFirst().definition();
              return new DefinitionSummary(
                  id,
                  named == null ? Map.of() : named.name(),
                  named == null ? Map.of() : named.description(),
                  published == null ? null : published.version(),
                  versions.isEmpty() ? 0 : versions.getFirst().version(),
                  versions.stream().filter(v -> !v.published()).map(Version::version).toList(),
                  store.runsPerVersion(id));
            })
        .toList();
  }

  @Operation(
      operationId = "playbookDefinitionSchema",
      summary = "The JSON Schema of playbook definitions",
      description = "docs/playbook-definition.schema.json, as an editor validates against it.")
  @ApiResponse(
      responseCode = "200",
      description = "The JSON Schema (a JSON object)",
      content = @Content(mediaType = "application/schema+json", schema = @Schema(type = "object")))
  @GetMapping(value = "/api/playbook-definitions/schema", produces = "application/schema+json")
  ResponseEntity<String> schema() throws IOException {
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream("playbooks/definition.schema.json")) {
      if (in == null) {
        throw new IllegalStateException("the schema is missing from the classpath");
      }
      return ResponseEntity.ok()
          .contentType(MediaType.parseMediaType("application/schema+json"))
          .body(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Operation(
      operationId = "getPlaybookDefinition",
      summary = "A playbook's versions",
      description =
          "Every version (who, when, why, draft or published), every publication and the runs per"
              + " version.")
  @GetMapping("/api/playbook-definitions/{id}")
  DefinitionDetail get(@PathVariable String id) {
    Ids.check("id", id);
    store.published(id);
    List<Version> versions = store.versions(id);
    if (versions.isEmpty()) {
      throw ApiProblem.notFound("Playbook definition", "no playbook " + id);
    }
    return new DefinitionDetail(
        id,
        store.publishedVersion(id).orElse(null),
        versions.stream().map(PlaybookDefinitionController::summary).toList(),
        store.publications(id),
        store.runsPerVersion(id));
  }

  @Operation(
      operationId = "getPlaybookDefinitionVersion",
      summary = "One version of a playbook, as JSON and YAML",
      description =
          "The version's definition (as JSON in definition and as the YAML a CS lead edits), who"
              + " stored it and why, and whether and when it was published.")
  @GetMapping("/api/playbook-definitions/{id}/versions/{version}")
  VersionView version(@PathVariable String id, @PathVariable int version) {
    Ids.check("id", id);
    return view(require(id, version));
  }

  @Operation(
      operationId = "validatePlaybookDefinition",
      summary = "Check a definition",
      description =
          "Answers the problems of a definition (JSON in definition, or YAML text in yaml), each"
              + " with a JSON pointer to where it is; an empty list when it is fine. Stores"
              + " nothing.")
  @PostMapping("/api/playbook-definitions/validate")
  Check validate(@Valid @RequestBody DefinitionBody body) {
    List<DefinitionProblem> problems = editing.problems(parse(body));
    return new Check(problems.isEmpty(), problems);
  }

  @Operation(
      operationId = "createPlaybookDefinitionDraft",
      summary = "Store a new draft version",
      description =
          "Checks the definition and stores it as the playbook's next version, a draft: new runs"
              + " do not follow it until it is published. A definition with problems is refused"
              + " (400, each problem with its JSON pointer) and nothing is stored.")
  @ApiResponse(responseCode = "201", description = "Stored as a draft", useReturnTypeSchema = true)
  @PostMapping("/api/playbook-definitions/{id}/versions")
  ResponseEntity<VersionView> createDraft(
      @PathVariable String id, @Valid @RequestBody DefinitionBody body) {
    Ids.check("id", id);
    PlaybookDefinition definition = checked(id, parse(body));
    Version draft =
        store.addDraft(definition, source(body), body.note(), Callers.require().actor());
    return ResponseEntity.status(HttpStatus.CREATED).body(view(draft));
  }

  @Operation(
      operationId = "replacePlaybookDefinitionDraft",
      summary = "Change a draft",
      description =
          "Replaces a draft version's definition; a published version never changes (409).")
  @PutMapping("/api/playbook-definitions/{id}/versions/{version}")
  VersionView replaceDraft(
      @PathVariable String id, @PathVariable int version, @Valid @RequestBody DefinitionBody body) {
    Ids.check("id", id);
    Version current = require(id, version);
    if (current.published()) {
      throw ApiProblem.conflict(
          "Version published",
          "version " + version + " of " + id + " is published and never changes; store a new draft",
          Map.of("version", version));
    }
    PlaybookDefinition definition = checked(id, parse(body));
    if (!store.replaceDraft(definition, version, body.note(), Callers.require().actor())) {
      throw ApiProblem.conflict(
          "Version published",
          "version " + version + " of " + id + " was published meanwhile",
          Map.of("version", version));
    }
    return view(require(id, version));
  }

  @Operation(
      operationId = "publishPlaybookDefinition",
      summary = "Publish a version",
      description =
          "Makes a version the one new runs of the playbook follow, with a note; runs in flight"
              + " keep theirs. Publishing an older version again rolls back. Needs the"
              + " playbook-editor permission; audited.")
  @PostMapping("/api/playbook-definitions/{id}/versions/{version}/publish")
  Publication publish(
      @PathVariable String id, @PathVariable int version, @Valid @RequestBody PublishBody body) {
    Ids.check("id", id);
    return editing.publish(id, version, body.note(), Callers.require().actor());
  }

  @Operation(
      operationId = "diffPlaybookDefinitions",
      summary = "Compare two versions",
      description =
          "The YAML lines version to keeps, removes (-) and adds (+) against version from.")
  @GetMapping("/api/playbook-definitions/{id}/diff")
  Diff diff(@PathVariable String id, @RequestParam int from, @RequestParam int to) {
    Ids.check("id", id);
    return new Diff(
        id, from, to, editing.diff(id, from, to).stream().map(LineDiff.Line::toString).toList());
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private Version require(String id, int version) {
    return editing.require(id, version);
  }

  private PlaybookDefinition parse(DefinitionBody body) {
    return editing.parse(body.definition(), body.yaml());
  }

  private PlaybookDefinition checked(String id, PlaybookDefinition definition) {
    return editing.checked(id, definition);
  }

  private static String source(DefinitionBody body) {
    return body.yaml() != null ? "api (YAML)" : "api (JSON)";
  }

  private static VersionSummary summary(Version v) {
    return new VersionSummary(
        v.version(),
        v.status(),
        v.source(),
        v.note(),
        v.createdBy(),
        v.createdAt(),
        v.publishedBy(),
        v.publishedAt());
  }

  private static VersionView view(Version v) {
    return new VersionView(
        v.playbookId(),
        v.version(),
        v.status(),
        v.source(),
        v.note(),
        v.createdBy(),
        v.createdAt(),
        v.publishedBy(),
        v.publishedAt(),
        DefinitionFiles.toMap(v.definition()),
        DefinitionFiles.yaml(v.definition()));
  }
}
