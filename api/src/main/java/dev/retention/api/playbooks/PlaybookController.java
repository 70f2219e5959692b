package dev.retention.api.playbooks;

import dev.retention.api.input.FreeText;
import dev.retention.api.input.Ids;
import dev.retention.api.input.SingleLine;
import dev.retention.api.input.TextRules;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Access;
import dev.retention.workflows.contract.RunView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

@Tag(name = "playbooks")
@RestController
class PlaybookController {

  private static final Set<String> STATUSES =
      Set.of("RUNNING", "COMPLETED", "CANCELLED", "FAILED", "TERMINATED");

  private final PlaybookRuns runs;
  private final PlaybookClient client;
  private final PlaybookStarts starts;
  private final Access access;
  private final RunOutcomes outcomes;

  PlaybookController(
      PlaybookRuns runs,
      PlaybookClient client,
      PlaybookStarts starts,
      Access access,
      RunOutcomes outcomes) {
    this.outcomes = outcomes;
    this.runs = runs;
    this.client = client;
    this.starts = starts;
    this.access = access;
  }

  record StartRequest(
      @NotBlank @SingleLine String playbook,
      @NotBlank @SingleLine(max = TextRules.ID_MAX) String customerId,
      @SingleLine(max = PlaybookStarts.REASON_MAX) String reason) {}

  record OutcomeRequest(
      @NotBlank @SingleLine String type,
      @FreeText String note,
      @SingleLine(max = TextRules.ID_MAX) String csmId) {}

  @Operation(
      operationId = "startPlaybook",
      summary = "Start a playbook for a customer",
      description =
          "Starts one of the playbooks (at-risk, expansion, onboarding, nps-follow-up, "
              + "cancellation-save) for a customer by hand. Answers 202 as soon as the run is "
              + "started, with its workflowId; GET /api/playbooks/{workflowId} shows its steps. "
              + "409 when that playbook already runs for the customer (the body names the "
              + "running workflowId). Needs playbooks:write; a CSM only for their own "
              + "customers.")
  @PostMapping("/api/playbooks")
  @ApiResponse(responseCode = "202", description = "Started", useReturnTypeSchema = true)
  ResponseEntity<PlaybookClient.Started> start(@Valid @RequestBody StartRequest body) {
    Ids.check("customerId", body.customerId());
    access.customer(body.customerId());
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .body(starts.byHand(body.playbook(), body.customerId(), body.reason()));
  }

  @Operation(
      operationId = "getRun",
      summary = "Get a playbook run",
      description =
          "One run: status, stage, outcome, the next planned step and every step planned "
              + "or taken with its result. A CSM sees only their own customers' runs.")
  @GetMapping("/api/playbooks/{workflowId}")
  RunView get(@PathVariable String workflowId) {
    access.run(checkWorkflowId(workflowId));
    return runs.view(workflowId);
  }

  static final int DEFAULT_LIMIT = 500;
  static final int MAX_LIMIT = 1000;

  /**
   * Runs newest first, as a JSON array (the shape old clients know): the first {@code limit}
   * (default 500, at most 1000). When there are more, the answer carries an {@code X-Next-Cursor}
   * header and a {@code Link: <…>; rel="next"} header; pass the cursor back as {@code cursor} for
   * the next page (with the same filters).
   */
  @Operation(
      operationId = "listRuns",
      summary = "List playbook runs",
      description =
          "Runs newest first, without their steps, filtered by customer, playbook and "
              + "status. At most limit runs (default 500, at most 1000); X-Next-Cursor and Link "
              + "rel=next name the next page, pass the cursor back with the same filters.")
  @GetMapping("/api/playbooks")
  @ApiResponse(
      responseCode = "200",
      description =
          "A page of runs; X-Next-Cursor and Link rel=next name the next page when there is one",
      useReturnTypeSchema = true,
      headers = {
        @io.swagger.v3.oas.annotations.headers.Header(
            name = "X-Next-Cursor",
            description = "pass as cursor for the next page; absent on the last page",
            schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string")),
        @io.swagger.v3.oas.annotations.headers.Header(
            name = "Link",
            description = "<…/api/playbooks?…&cursor=…>; rel=\"next\" when there is a next page",
            schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string"))
      })
  ResponseEntity<List<RunView>> list(
      @RequestParam(required = false) @SingleLine(max = TextRules.ID_MAX) String customerId,
      @RequestParam(required = false) @SingleLine String playbook,
      @RequestParam(required = false) @SingleLine String status,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) @SingleLine(max = 500) String cursor) {
    if (customerId != null) {
      Ids.check("customerId", customerId);
      access.customer(customerId);
    }
    if (playbook != null) {
      starts.playbook(playbook);
    }
    if (status != null && !STATUSES.contains(status)) {
      throw ApiProblem.invalid(
          "status", "status must be one of " + STATUSES.stream().sorted().toList());
    }
    int size = limit == null ? DEFAULT_LIMIT : limit;
    if (size < 1 || size > MAX_LIMIT) {
      throw ApiProblem.invalid("limit", "limit must be between 1 and " + MAX_LIMIT);
    }
    PlaybookRuns.Page page =
        runs.page(
            customerId,
            playbook,
            status,
            access.visibleCsmIds().orElse(null),
            size,
            cursor == null ? null : RunCursor.decode(cursor));
    ResponseEntity.BodyBuilder answer = ResponseEntity.ok();
    if (page.next() != null) {
      String next = page.next().encode();
      String link =
          ServletUriComponentsBuilder.fromCurrentRequest()
              .replaceQueryParam("cursor", next)
              .replaceQueryParam("limit", size)
              .build()
              .toUriString();
      answer.header("X-Next-Cursor", next).header(HttpHeaders.LINK, "<" + link + ">; rel=\"next\"");
    }
    return answer.body(page.runs());
  }

  @Operation(
      operationId = "recordOutcome",
      summary = "Record a CSM's outcome on a run",
      description =
          "What the CSM did or learned (a call completed, the customer saved, an offer "
              + "accepted, ...), with an optional note. The run answers with its new state (the run "
              + "as a GET shows it, without its notes). 400 "
              + "when the type is not valid for this playbook or stage (the detail lists the "
              + "valid ones); 409 when the run is closed.")
  @PostMapping("/api/playbooks/{workflowId}/outcomes")
  RunView outcome(@PathVariable String workflowId, @Valid @RequestBody OutcomeRequest body) {
    access.run(checkWorkflowId(workflowId));
    String author = access.outcomeAuthor(body.csmId());
    return outcomes.record(workflowId, body.type(), body.note(), author);
  }

  @Operation(
      operationId = "cancelRun",
      summary = "Cancel a playbook run",
      description =
          "Stops the run; it ends with outcome CANCELLED. The stop is recorded before the "
              + "202: nothing more goes to the customer.")
  @DeleteMapping("/api/playbooks/{workflowId}")
  @ApiResponse(
      responseCode = "202",
      description =
          "Stopping; the run ends with outcome CANCELLED. The stop is recorded before this"
              + " answer: nothing more goes to the customer (an email already at the provider"
              + " goes out and is in the run's steps)",
      useReturnTypeSchema = true)
  ResponseEntity<Map<String, String>> cancel(@PathVariable String workflowId) {
    access.run(checkWorkflowId(workflowId));
    client.cancel(workflowId);
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .body(Map.of("workflowId", workflowId, "status", "CANCELLING"));
  }

  private static String checkWorkflowId(String workflowId) {
    return Ids.check("workflowId", workflowId);
  }
}
