package dev.retention.api.playbooks.dryrun;

import dev.retention.api.customers.Customers;
import dev.retention.api.definitions.DefinitionChecks;
import dev.retention.api.input.FreeText;
import dev.retention.api.input.Ids;
import dev.retention.api.input.OneOf;
import dev.retention.api.input.SingleLine;
import dev.retention.api.input.TextRules;
import dev.retention.api.playbooks.PlaybookStarts;
import dev.retention.api.problems.ApiProblem;
import dev.retention.data.customers.Customer;
import dev.retention.data.definitions.PlaybookDefinitions;
import dev.retention.workflows.contract.Milestone;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.engine.PlaybookDefinition;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/playbooks/dry-run}: what a playbook would do to a customer, at once. */
@Tag(name = "playbooks")
@RestController
class DryRunController {

  static final int MAX_EVENTS = 50;

  static final List<String> EVENT_TYPES =
      List.of("customer-responded", "outcome", "health", "milestone", "upgraded");

  private final ObjectProvider<DryRuns> dryRuns;
  private final Customers customers;
  private final PlaybookDefinitions definitions;
  private final DefinitionChecks checks;

  private final PlaybookStarts starts;

  DryRunController(
      ObjectProvider<DryRuns> dryRuns,
      Customers customers,
      PlaybookDefinitions definitions,
      DefinitionChecks checks,
      PlaybookStarts starts) {
    this.starts = starts;
    this.dryRuns = dryRuns;
    this.customers = customers;
    this.definitions = definitions;
    this.checks = checks;
  }

  record DryRunRequest(
      @Schema(description = "the playbook's id, e.g. at-risk", example = "at-risk")
          @NotBlank
          @SingleLine
          String playbook,
      @Schema(example = "c-42") @NotBlank @SingleLine(max = TextRules.ID_MAX) String customerId,
      @Schema(description = "cancellation-save: the cancellation reason (default OTHER)")
          @SingleLine(max = 500)
          String reason,
      @Schema(description = "what happens during the run, at offsets from its start")
          List<@Valid DryRunEvent> events,
      @Schema(
              description =
                  "a definition of the playbook to dry-run (JSON), e.g. a draft not stored yet;"
                      + " checked like a draft",
              types = {"object"})
          Map<String, Object> definition,
      @Schema(description = "the same definition as YAML text, instead of definition")
          @FreeText(max = 200_000)
          String yaml,
      @Schema(description = "a stored version of the playbook to dry-run (default: the published)")
          Integer version) {}

  @Operation(
      operationId = "dryRunPlaybook",
      summary = "Dry-run a playbook for a customer",
      description =
          "Plays the playbook for the customer on a time-skipping test environment, in about a"
              + " second, with every effect recorded instead of done: no email is sent, nothing"
              + " written to the CRM, the database or the backend. Answers the timeline the run"
              + " would produce: each email rendered for that customer (subject and text in their"
              + " language, from their CSM), each task, wait, stage change and step, and the"
              + " outcome. events happen at offsets from the start (ISO-8601, e.g. P4D): the"
              + " customer replies, a CSM outcome, a health score, a milestone, an upgrade. 429"
              + " with Retry-After when every dry-run environment is busy, 503 when a dry-run"
              + " takes too long. Needs playbooks:write; a CSM only for their own customers.")
  @PostMapping("/api/playbooks/dry-run")
  @ApiResponse(responseCode = "200", description = "The timeline", useReturnTypeSchema = true)
  @ApiResponse(
      responseCode = "429",
      description = "Every dry-run environment is busy: try again after Retry-After",
      headers =
          @Header(
              name = "Retry-After",
              description = "seconds until a dry-run may be tried again",
              schema = @Schema(type = "integer")),
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(ref = "#/components/schemas/Problem")))
  DryRunTimeline dryRun(@Valid @RequestBody DryRunRequest body) {
    // A draft (given, or stored) may be of a playbook not published yet; else it must start.
    boolean draft = body.definition() != null || body.yaml() != null || body.version() != null;
    String playbook =
        draft ? Ids.check("playbook", body.playbook()) : starts.playbook(body.playbook());
    PlaybookDefinition definition = definition(playbook, body);
    String reason = body.reason();
    if (playbook.equals(Playbook.CANCELLATION_SAVE.id())) {
      PlaybookStarts.reason(reason);
    }
    DryRuns runs = dryRuns.getIfAvailable();
    if (runs == null) {
      throw new ApiProblem(
          HttpStatus.SERVICE_UNAVAILABLE,
          "Service unavailable",
          "this build has no dry-run: it needs the in-process Temporal test service"
              + " (temporal-testing), which the production build leaves out",
          null,
          null);
    }
    List<DryRuns.Planned> events = events(body.events(), runs.horizon(), runs.dayLength());
    Customer customer = customers.owned(body.customerId());
    return runs.run(playbook, definition, customer, reason, events);
  }

  /** The version to play: the one given, a stored one, or the published one. */
  private PlaybookDefinition definition(String playbook, DryRunRequest body) {
    if (body.definition() != null || body.yaml() != null) {
      if (body.version() != null) {
        throw ApiProblem.invalid(
            "version", "give a definition (definition or yaml) or a stored version, not both");
      }
      return checks.checked(playbook, DefinitionChecks.read(body.definition(), body.yaml()));
    }
    if (body.version() != null) {
      return definitions
          .version(playbook, body.version())
          .map(PlaybookDefinitions.Version::definition)
          .orElseThrow(
              () ->
                  ApiProblem.notFound(
                      "Playbook definition", "no version " + body.version() + " of " + playbook));
    }
    return definitions
        .published(playbook)
        .orElseThrow(() -> ApiProblem.notFound("Playbook definition", "no published " + playbook));
  }

  /**
   * The events, each checked and its offset parsed: playbook time ({@code P4D} is the fourth day
   * after the start, whatever a playbook day lasts here); a 400 naming the first bad field.
   */
  static List<DryRuns.Planned> events(
      List<DryRunEvent> events, Duration horizon, Duration dayLength) {
    if (events == null) {
      return List.of();
    }
    if (events.size() > MAX_EVENTS) {
      throw ApiProblem.invalid(
          "events", "at most " + MAX_EVENTS + " events, were " + events.size());
    }
    List<DryRuns.Planned> planned = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      String field = "events[" + i + "]";
      DryRunEvent event = events.get(i);
      if (event == null) {
        throw ApiProblem.invalid(field, "an event is an object with at and type");
      }
      Duration at = offset(field + ".at", event.at(), horizon, dayLength);
      OneOf.parse(
          field + ".type",
          event.type(),
          "event type",
          "event types",
          EVENT_TYPES.toArray(String[]::new),
          t -> t);
      switch (event.type()) {
        case "outcome" ->
            OneOf.parse(
                field + ".outcome",
                event.outcome(),
                "outcome type",
                "outcome types",
                OutcomeType.values());
        case "health" -> {
          if (event.score() == null || event.score() < 0 || event.score() > 100) {
            throw ApiProblem.invalid(
                field + ".score", "a health event needs a score from 0 to 100");
          }
        }
        case "milestone" ->
            OneOf.parse(
                field + ".name", event.name(), "milestone", "milestones", Milestone.values());
        case "upgraded" -> {
          if (event.plan() == null || event.plan().isBlank()) {
            throw ApiProblem.invalid(field + ".plan", "an upgraded event needs the new plan");
          }
        }
        default -> {}
      }
      planned.add(new DryRuns.Planned(at, event));
    }
    return planned;
  }

  private static Duration offset(String field, String text, Duration horizon, Duration dayLength) {
    if (text == null || text.isBlank()) {
      throw ApiProblem.invalid(field, "an event needs at, an ISO-8601 offset such as P4D or PT5H");
    }
    Duration at;
    try {
      at = Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw ApiProblem.invalid(
          field, "not an ISO-8601 offset: " + text + " (write e.g. P4D, PT5H or P2DT3H)");
    }
    if (at.isNegative()) {
      throw ApiProblem.invalid(field, "an offset from the run's start cannot be negative: " + text);
    }
    // Playbook time: scaled by the playbook day, as every offset in a definition is.
    at = dayLength.multipliedBy(at.toSeconds()).dividedBy(86_400);
    if (at.compareTo(horizon) > 0) {
      throw ApiProblem.invalid(
          field,
          "the dry-run plays "
              + horizon.dividedBy(dayLength)
              + " playbook days of the run; "
              + text
              + " is after that");
    }
    return at;
  }
}
