package dev.retention.api.health;

import dev.retention.api.problems.ApiProblem;
import dev.retention.data.scoring.HealthModel;
import dev.retention.data.scoring.HealthModelPreview;
import dev.retention.data.scoring.HealthModels;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * The health model's versions as the API and the console show them, and their errors as problems: a
 * model refused names the place with a JSON pointer from the request body's root ({@code
 * /model/components/usage/weight}).
 */
@Service
public class HealthModelApi {

  private static final tools.jackson.core.type.TypeReference<Map<String, Object>> MODEL =
      new tools.jackson.core.type.TypeReference<>() {};

  private final HealthModels models;
  private final HealthModelPreview preview;
  private final JsonMapper json;

  HealthModelApi(HealthModels models, HealthModelPreview preview, JsonMapper json) {
    this.models = models;
    this.preview = preview;
    this.json = json;
  }

  /** A version: its number, status, who made and published it, the note, and the model. */
  public record HealthModelVersion(
      int version,
      String status,
      String createdBy,
      Instant createdAt,
      String note,
      String publishedBy,
      Instant publishedAt,
      @io.swagger.v3.oas.annotations.media.Schema(
              description = "The health model, format 1 (GET /api/health-model/schema)")
          Map<String, Object> model) {}

  /** A customer whose band the candidate changes. */
  public record HealthModelChange(
      String customerId, int oldScore, String oldBand, int newScore, String newBand) {}

  /**
   * What the candidate does: of {@code customers} with a score, {@code changed} change band ({@code
   * changes} lists them, at most 500) and {@code scoreChanged} change score.
   */
  public record HealthModelImpact(
      Integer version,
      int customers,
      int changed,
      int scoreChanged,
      List<HealthModelChange> changes) {}

  public HealthModelVersion published() {
    int version = models.published().version();
    return view(models.version(version).orElseThrow());
  }

  public List<HealthModelVersion> versions() {
    return models.versions().stream().map(this::view).toList();
  }

  public HealthModelVersion version(int version) {
    return view(stored(version));
  }

  /** Stores a draft; the model arrives as the request's {@code model} member. */
  public HealthModelVersion draft(String modelJson, String by, String note) {
    return view(models.draft(validated(modelJson), by, note));
  }

  public HealthModelVersion publish(int version, String by, String note) {
    try {
      return view(
          models
              .publish(version, by, note)
              .orElseThrow(() -> ApiProblem.notFound("Health model version", missing(version))));
    } catch (HealthModels.NotPublishable e) {
      throw ApiProblem.conflict("Already published", e.getMessage(), null);
    }
  }

  /** The preview of a model given in the request, or of a stored version. */
  public HealthModelImpact preview(String modelJson, Integer version) {
    if ((modelJson == null) == (version == null)) {
      throw ApiProblem.invalid(
          "model", "give either model (a health model) or version (a stored version's number)");
    }
    HealthModel model =
        version != null ? models.model(stored(version)) : HealthModel.parse(validated(modelJson));
    HealthModelPreview.Result result = preview.preview(model);
    return new HealthModelImpact(
        version,
        result.customers(),
        result.changed(),
        result.scoreChanged(),
        result.changes().stream()
            .map(
                c ->
                    new HealthModelChange(
                        c.customerId(),
                        c.oldScore(),
                        c.oldBand().name(),
                        c.newScore(),
                        c.newBand().name()))
            .toList());
  }

  /** The model's JSON, pretty-printed as stored, once it reads as a model. */
  private String validated(String modelJson) {
    try {
      // The model's own reader first: it names the place of the first problem.
      HealthModel.parse(modelJson);
      String pretty =
          json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(modelJson));
      HealthModel.parse(pretty);
      return pretty;
    } catch (HealthModel.Invalid e) {
      String pointer = "/model" + e.pointer();
      throw new ApiProblem(
          HttpStatus.BAD_REQUEST,
          "Invalid health model",
          pointer + ": " + e.getMessage(),
          pointer,
          Map.of("pointer", pointer));
    }
  }

  private HealthModels.Version stored(int version) {
    return models
        .version(version)
        .orElseThrow(() -> ApiProblem.notFound("Health model version", missing(version)));
  }

  private static String missing(int version) {
    return "no health model version " + version + "; GET /api/health-model/versions lists them";
  }

  private HealthModelVersion view(HealthModels.Version v) {
    return new HealthModelVersion(
        v.version(),
        v.status(),
        v.createdBy(),
        v.createdAt(),
        v.note(),
        v.publishedBy(),
        v.publishedAt(),
        json.readValue(v.definition(), MODEL));
  }
}
