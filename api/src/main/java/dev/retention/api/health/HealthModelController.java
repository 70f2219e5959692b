package dev.retention.api.health;

import dev.retention.api.input.SingleLine;
import dev.retention.api.security.Callers;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * The health model as versioned data (docs/playbooks.md, "Health score"; the format is
 * docs/health-model.schema.json, served at {@code GET /api/health-model/schema}): read it and its
 * versions, preview a candidate against every customer's latest metrics, draft, and publish (the
 * playbook-editor permission). Every write is in the audit log.
 */
@Tag(name = "health model")
@RestController
class HealthModelController {

  static final String SCHEMA_RESOURCE = "/health/health-model.schema.json";

  private final HealthModelApi api;
  private final JsonMapper json;
  private final String schema;

  HealthModelController(HealthModelApi api, JsonMapper json) {
    this.api = api;
    this.json = json;
    try (InputStream in = HealthModelController.class.getResourceAsStream(SCHEMA_RESOURCE)) {
      this.schema =
          new String(
              Objects.requireNonNull(in, SCHEMA_RESOURCE).readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  record HealthModelDraft(
      @Schema(
              description = "The health model (format 1, see GET /api/health-model/schema)",
              requiredMode = Schema.RequiredMode.REQUIRED)
          @NotNull
          Map<String, Object> model,
      @SingleLine String note) {}

  record HealthModelPreviewRequest(
      @Schema(description = "A health model to preview; or give version") Map<String, Object> model,
      @Schema(description = "A stored version to preview; or give model") Integer version) {}

  record HealthModelPublishRequest(@NotBlank @SingleLine String note) {}

  @Operation(
      operationId = "getHealthModel",
      summary = "The published health model",
      description =
          "The version every new score is computed with: components and weights, each metric's"
              + " tiers, sentiment scores and the bands.")
  @GetMapping("/api/health-model")
  HealthModelApi.HealthModelVersion published() {
    return api.published();
  }

  @Operation(
      operationId = "listHealthModelVersions",
      summary = "Every version of the health model",
      description =
          "Newest first: drafts, the published version and those it replaced (SUPERSEDED), each"
              + " with who made and published it, when, and the note.")
  @GetMapping("/api/health-model/versions")
  List<HealthModelApi.HealthModelVersion> versions() {
    return api.versions();
  }

  @Operation(
      operationId = "getHealthModelVersion",
      summary = "One version of the health model",
      description = "A draft, the published version or an earlier one.")
  @GetMapping("/api/health-model/versions/{version}")
  HealthModelApi.HealthModelVersion version(@PathVariable int version) {
    return api.version(version);
  }

  @Operation(
      operationId = "getHealthModelSchema",
      summary = "The JSON Schema of the health model format",
      description =
          "The format of a health model (format 1), as JSON Schema 2020-12; the same file is"
              + " docs/health-model.schema.json in the repository.")
  @ApiResponse(
      responseCode = "200",
      description = "The JSON Schema (a JSON object)",
      content = @Content(mediaType = "application/schema+json", schema = @Schema(type = "object")))
  @GetMapping(path = "/api/health-model/schema", produces = "application/schema+json")
  ResponseEntity<String> schema() {
    return ResponseEntity.ok()
        .contentType(MediaType.parseMediaType("application/schema+json"))
        .body(schema);
  }

  @Operation(
      operationId = "draftHealthModel",
      summary = "Store a draft of the health model",
      description =
          "Validated first: weights from 0 to 1 that sum to exactly 1, each metric's tiers"
              + " starting at 0 in ascending order without overlap, scores 0-100, and the bands"
              + " CRITICAL, AT_RISK, NEUTRAL, HEALTHY covering 0-100 without gap or overlap. A"
              + " model refused answers 400 naming the place as a JSON pointer (field and"
              + " pointer, e.g. /model/components/usage/weight). A draft scores nothing until it"
              + " is published.")
  @ApiResponse(responseCode = "201", description = "Stored", useReturnTypeSchema = true)
  @PostMapping("/api/health-model/versions")
  ResponseEntity<HealthModelApi.HealthModelVersion> draft(
      @Valid @RequestBody HealthModelDraft body) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(
            api.draft(
                json.writeValueAsString(body.model()),
                Callers.require().actor(),
                body.note() == null || body.note().isBlank() ? null : body.note().strip()));
  }

  @Operation(
      operationId = "previewHealthModel",
      summary = "What a health model would change",
      description =
          "Every customer's latest score recomputed with the model given (or a stored version),"
              + " from the metrics stored with it (a backend's own score keeps its number and"
              + " meets the new bands): how many customers change band, each of them (up to 500)"
              + " with the old and new score and band, and how many change score. Nothing is"
              + " stored.")
  @PostMapping("/api/health-model/preview")
  HealthModelApi.HealthModelImpact preview(@RequestBody HealthModelPreviewRequest body) {
    return api.preview(
        body.model() == null ? null : json.writeValueAsString(body.model()), body.version());
  }

  @Operation(
      operationId = "publishHealthModel",
      summary = "Publish a version of the health model",
      description =
          "Needs the playbook-editor permission (admins; keys with the playbook-editor scope)."
              + " The version scores every score from now on; scores already stored keep theirs"
              + " and the version they name. Publishing an older version rolls back. 409 when it"
              + " is published already.")
  @PostMapping("/api/health-model/versions/{version}/publish")
  HealthModelApi.HealthModelVersion publish(
      @PathVariable int version, @Valid @RequestBody HealthModelPublishRequest body) {
    return api.publish(version, Callers.require().actor(), body.note().strip());
  }
}
