package dev.retention.api.email;

import static dev.retention.api.email.WebhookSupport.text;

import dev.retention.data.email.DeliveryEvents;
import dev.retention.data.email.DeliveryEvents.Kind;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Resend's webhook ({@code POST /api/webhooks/resend}), signed by Svix: delivery events of our
 * emails, and {@code email.received} for a reply to our inbound address.
 */
@Tag(name = "email webhooks")
@RestController
class ResendWebhookController {

  static final String PROVIDER = "resend";

  private final ResendSignature signature;
  private final DeliveryEvents events;
  private final InboundReplies replies;
  private final ObjectMapper json;
  private final Clock clock;

  ResendWebhookController(
      ResendSignature signature,
      DeliveryEvents events,
      InboundReplies replies,
      ObjectMapper json,
      Clock clock) {
    this.signature = signature;
    this.events = events;
    this.replies = replies;
    this.json = json;
    this.clock = clock;
  }

  @Operation(
      operationId = "receiveResendEvent",
      summary = "Receive a Resend delivery event",
      description =
          "Resend's webhook (Svix-signed): deliveries, bounces and complaints; the "
              + "signature is checked over the exact bytes.")
  @PostMapping("/api/webhooks/resend")
  @ApiResponse(responseCode = "200", description = "Handled or ignored", useReturnTypeSchema = true)
  @ApiResponse(responseCode = "202", description = "Accepted", useReturnTypeSchema = true)
  ResponseEntity<Object> event(
      @RequestHeader(name = ResendSignature.ID, required = false) String id,
      @RequestHeader(name = ResendSignature.TIMESTAMP, required = false) String timestamp,
      @RequestHeader(name = ResendSignature.SIGNATURE, required = false) String sig,
      @RequestBody(required = false) byte[] body) {
    String problem = signature.problem(body, id, timestamp, sig);
    if (problem != null) {
      throw WebhookSupport.unauthorized(problem);
    }
    JsonNode event;
    try {
      event = json.readTree(body);
    } catch (JacksonException e) {
      throw WebhookSupport.malformed("the body is not JSON: " + e.getOriginalMessage());
    }
    String type = text(event, "type");
    JsonNode data = event.path("data");
    Instant at = WebhookSupport.instant(text(event, "created_at"), clock.instant());
    if ("email.received".equals(type)) {
      return ResponseEntity.status(HttpStatus.ACCEPTED)
          .body(replies.received(PROVIDER, id, text(data, "from"), text(data, "subject"), at));
    }
    Kind kind = kind(type, data);
    if (kind == null) {
      return ResponseEntity.ok(Map.of("type", String.valueOf(type), "result", "IGNORED"));
    }
    JsonNode to = data.path("to");
    String recipient = to.isArray() ? element(to, 0) : text(data, "to");
    JsonNode bounce = data.path("bounce");
    DeliveryEvents.Outcome outcome =
        events.apply(
            new DeliveryEvents.Event(
                PROVIDER,
                id,
                kind,
                text(data, "email_id"),
                null,
                recipient,
                at,
                text(bounce, "message")));
    return ResponseEntity.ok(Map.of("type", type, "result", outcome.name()));
  }

  /** Hard bounces only: a transient or undetermined bounce may succeed next time. */
  private static Kind kind(String type, JsonNode data) {
    if (type == null) {
      return null;
    }
    return switch (type) {
      case "email.sent" -> Kind.ACCEPTED;
      case "email.delivered" -> Kind.DELIVERED;
      case "email.opened" -> Kind.OPENED;
      case "email.clicked" -> Kind.CLICKED;
      case "email.bounced" -> {
        String bounceType = text(data.path("bounce"), "type");
        yield bounceType == null || "Permanent".equalsIgnoreCase(bounceType) ? Kind.BOUNCED : null;
      }
      case "email.complained" -> Kind.COMPLAINED;
      default -> null;
    };
  }

  private static String element(JsonNode array, int index) {
    JsonNode value = array.path(index);
    return value.isString() ? value.stringValue() : null;
  }
}
