package dev.retention.api.connectors.segment;

import dev.retention.api.email.WebhookSupport;
import dev.retention.api.problems.ApiProblem;
import dev.retention.data.segment.SegmentStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Product events in, Segment-compatible: the HTTP Tracking API's track, identify, group and batch
 * (at {@code /api/segment/v1/...}, so a Segment library or an HTTP API source pointed at {@code
 * <host>/api/segment} sends here), and single messages from Segment's Webhook destination. No
 * login: the write key (HTTP Basic user name) or the shared secret's signature ({@code
 * X-Signature}) lets a request in; without either, 401 and nothing changes. See
 * docs/connectors/segment.md.
 */
@Tag(name = "segment")
@RestController
class SegmentController {

  static final String BASE = "/api/segment/v1/";

  private static final String AUTH =
      " No login: HTTP Basic with the write key (retention.segment.write-key) as the user name and"
          + " an empty password, or X-Signature: hex HMAC-SHA1 of the body with"
          + " retention.segment.shared-secret; otherwise 401 and nothing changes. A message with a"
          + " messageId already stored (a retry) is counted once. A bad message refuses the whole"
          + " request with a 400 naming its field (batch[3].event); nothing is stored.";

  private final SegmentSettings settings;
  private final SegmentIntake intake;
  private final SegmentConnection connection;
  private final SegmentStore store;
  private final JsonMapper json;
  private final Clock clock;

  SegmentController(
      SegmentSettings settings,
      SegmentIntake intake,
      SegmentConnection connection,
      SegmentStore store,
      JsonMapper json,
      Clock clock) {
    this.settings = settings;
    this.intake = intake;
    this.connection = connection;
    this.store = store;
    this.json = json;
    this.clock = clock;
  }

  /** A Segment message as documented for the HTTP Tracking API (the fields the engine reads). */
  @Schema(name = "SegmentMessage")
  record MessageDoc(
      @Schema(
              description =
                  "track, identify or group (page, screen and alias are accepted and left out);"
                      + " on /track, /identify and /group it may be left out",
              allowableValues = {"track", "identify", "group", "page", "screen", "alias"})
          String type,
      @Schema(description = "userId or anonymousId is required", maxLength = 200) String userId,
      @Schema(maxLength = 200) String anonymousId,
      @Schema(
              description = "group: the account; track: also read from context.groupId",
              maxLength = 200)
          String groupId,
      @Schema(description = "track: the event's name", maxLength = 200) String event,
      @Schema(description = "track: the event's properties") Map<String, Object> properties,
      @Schema(description = "identify and group: traits") Map<String, Object> traits,
      @Schema(description = "when it happened, ISO-8601; later than now counts as now")
          String timestamp,
      @Schema(
              description = "unique per message; a retry with the same one counts once",
              maxLength = 200)
          String messageId,
      Map<String, Object> context) {}

  /** A batch, as the HTTP Tracking API's /v1/batch takes it. */
  @Schema(name = "SegmentBatch")
  record BatchDoc(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<MessageDoc> batch) {}

  @Operation(
      operationId = "segmentTrack",
      summary = "Receive a Segment track call",
      description =
          "A product event; the mapping (retention.segment.mapping) says what it counts"
              + " towards or starts."
              + AUTH,
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = MessageDoc.class))))
  @PostMapping(BASE + "track")
  SegmentIntake.Result track(HttpServletRequest request) throws IOException {
    return receive(request, SegmentMessages.TRACK);
  }

  @Operation(
      operationId = "segmentIdentify",
      summary = "Receive a Segment identify call",
      description =
          "A user; a trait naming our customer (retention.segment.mapping.customer-trait,"
              + " customerId by default) maps the user to that customer, and replays events kept"
              + " without a customer for that user."
              + AUTH,
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = MessageDoc.class))))
  @PostMapping(BASE + "identify")
  SegmentIntake.Result identify(HttpServletRequest request) throws IOException {
    return receive(request, SegmentMessages.IDENTIFY);
  }

  @Operation(
      operationId = "segmentGroup",
      summary = "Receive a Segment group call",
      description =
          "An account: a groupId that is a customer id, or a trait naming one, maps the"
              + " group (and the user) to that customer and replays events kept without a customer."
              + " The plan-usage and open-tickets traits feed the health model."
              + AUTH,
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = MessageDoc.class))))
  @PostMapping(BASE + "group")
  SegmentIntake.Result group(HttpServletRequest request) throws IOException {
    return receive(request, SegmentMessages.GROUP);
  }

  @Operation(
      operationId = "segmentBatch",
      summary = "Receive a Segment batch",
      description =
          "Many messages of any type in one request ({\"batch\": [...]}), stored and"
              + " rolled up together."
              + AUTH,
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = BatchDoc.class))))
  @PostMapping(BASE + "batch")
  SegmentIntake.Result batch(HttpServletRequest request) throws IOException {
    return receive(request, "batch");
  }

  @Operation(
      operationId = "segmentBatchShort",
      summary = "Receive a Segment batch (short path)",
      description =
          "The same as /api/segment/v1/batch, at the short path Segment's browser"
              + " library uses."
              + AUTH,
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = BatchDoc.class))))
  @PostMapping(BASE + "b")
  SegmentIntake.Result batchShort(HttpServletRequest request) throws IOException {
    return receive(request, "batch");
  }

  @Operation(
      operationId = "segmentWebhook",
      summary = "Receive one message from Segment's Webhook destination",
      description =
          "One message of any type, its type in the message, as Segment's Webhook"
              + " destination posts it (signed with X-Signature)."
              + AUTH,
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = MessageDoc.class))))
  @PostMapping(BASE + "webhook")
  SegmentIntake.Result webhook(HttpServletRequest request) throws IOException {
    return receive(request, null);
  }

  /** One event kept without a customer. */
  record UnmatchedView(
      String messageId,
      String type,
      String event,
      String userId,
      String anonymousId,
      String groupId,
      Instant timestamp,
      Instant receivedAt) {}

  record Unmatched(long count, List<UnmatchedView> events, String replay) {}

  @Operation(
      operationId = "listSegmentUnmatched",
      summary = "Segment events kept without a customer",
      description =
          "Events whose group, user or anonymous id no customer is mapped to yet: kept,"
              + " not dropped, newest first (at most limit, 100 by default). When a later group or"
              + " identify call maps that group or user to a customer, its track events are replayed:"
              + " counted into the customer's figures and their milestones, NPS answers and"
              + " cancellation requests applied. Admins only.")
  @GetMapping("/api/segment/unmatched")
  Unmatched unmatched(
      @Parameter(in = ParameterIn.QUERY, schema = @Schema(minimum = "1", maximum = "1000"))
          @RequestParam(required = false)
          Integer limit) {
    int n = limit == null ? 100 : limit;
    if (n < 1 || n > 1000) {
      throw ApiProblem.invalid("limit", "limit must be 1..1000");
    }
    return new Unmatched(
        store.unmatchedCount(),
        store.unmatched(n).stream()
            .map(
                u ->
                    new UnmatchedView(
                        u.messageId(),
                        u.kind(),
                        u.event(),
                        u.userId(),
                        u.anonymousId(),
                        u.groupId(),
                        u.at(),
                        u.receivedAt()))
            .toList(),
        "track events are replayed when a group or identify call maps their group or user");
  }

  private SegmentIntake.Result receive(HttpServletRequest request, String type) throws IOException {
    byte[] body = request.getInputStream().readAllBytes();
    String problem =
        SegmentAuth.problem(
            settings,
            request.getHeader(HttpHeaders.AUTHORIZATION),
            request.getHeader(SegmentAuth.SIGNATURE),
            body);
    if (problem != null) {
      connection.refused(problem);
      throw WebhookSupport.unauthorized(problem);
    }
    JsonNode node;
    try {
      node = json.readTree(body);
    } catch (JacksonException e) {
      connection.refused("the body is not JSON");
      throw ApiProblem.invalid(null, "the body is not JSON: " + e.getOriginalMessage());
    }
    SegmentMessages.Read read;
    try {
      read = SegmentMessages.read(node, type, settings.mapping(), clock.instant());
    } catch (ApiProblem bad) {
      connection.refused("a bad message: " + bad.getMessage());
      throw bad;
    }
    return intake.ingest(read);
  }
}
