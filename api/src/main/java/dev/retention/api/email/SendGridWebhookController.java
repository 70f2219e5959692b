package dev.retention.api.email;

import static dev.retention.api.email.WebhookSupport.text;

import dev.retention.activities.email.EmailProperties;
import dev.retention.activities.email.providers.SendGridEmailProvider;
import dev.retention.data.email.DeliveryEvents;
import dev.retention.data.email.DeliveryEvents.Kind;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * SendGrid's webhooks: the signed Event Webhook ({@code POST /api/webhooks/sendgrid/events}) and
 * Inbound Parse ({@code POST /api/webhooks/sendgrid/inbound/{token}}, multipart form data,
 * protected by the secret token in its URL because Inbound Parse signs nothing).
 */
@Tag(name = "email webhooks")
@RestController
class SendGridWebhookController {

  static final String PROVIDER = "sendgrid";

  private static final Pattern DATE = Pattern.compile("(?im)^date:[ \\t]*([^\\r\\n]*)");

  private static final Pattern MESSAGE_ID =
      Pattern.compile("(?im)^message-id:\\s*(<[^>\\r\\n]+>|\\S+)");

  private final SendGridSignature signature;
  private final DeliveryEvents events;
  private final InboundReplies replies;
  private final ObjectMapper json;
  private final Clock clock;
  private final byte[] inboundToken;

  SendGridWebhookController(
      SendGridSignature signature,
      DeliveryEvents events,
      InboundReplies replies,
      ObjectMapper json,
      Clock clock,
      EmailProperties email) {
    String inboundToken = email.sendgrid().inboundToken();
    this.signature = signature;
    this.events = events;
    this.replies = replies;
    this.json = json;
    this.clock = clock;
    this.inboundToken =
        StringUtils.hasText(inboundToken)
            ? inboundToken.trim().getBytes(StandardCharsets.UTF_8)
            : null;
  }

  record Received(int events, int applied, int unmatched, int alreadySeen, int ignored) {}

  @Operation(
      operationId = "receiveSendGridEvents",
      summary = "Receive SendGrid delivery events",
      description =
          "SendGrid's Event Webhook: deliveries, bounces, opens, spam reports. Signed by "
              + "SendGrid (ECDSA); the signature is checked over the exact bytes.")
  @PostMapping("/api/webhooks/sendgrid/events")
  ResponseEntity<Received> events(
      @RequestHeader(name = SendGridSignature.SIGNATURE, required = false) String sig,
      @RequestHeader(name = SendGridSignature.TIMESTAMP, required = false) String timestamp,
      @RequestBody(required = false) byte[] body) {
    if (!signature.configured()) {
      throw WebhookSupport.unauthorized(
          "retention.email.sendgrid.webhook-public-key is not set: no SendGrid event can be"
              + " verified");
    }
    if (sig == null || timestamp == null) {
      throw WebhookSupport.unauthorized(
          "the "
              + SendGridSignature.SIGNATURE
              + " and "
              + SendGridSignature.TIMESTAMP
              + " headers are required");
    }
    if (!signature.verify(body, sig, timestamp)) {
      throw WebhookSupport.unauthorized(
          SendGridSignature.SIGNATURE + " is not a valid signature of the timestamp and body");
    }
    String stale = signature.staleness(timestamp);
    if (stale != null) {
      throw WebhookSupport.unauthorized(stale);
    }
    JsonNode batch;
    try {
      batch = json.readTree(body);
    } catch (JacksonException e) {
      throw WebhookSupport.malformed("the body is not JSON: " + e.getOriginalMessage());
    }
    if (!batch.isArray()) {
      throw WebhookSupport.malformed("SendGrid posts a JSON array of events");
    }
    int applied = 0;
    int unmatched = 0;
    int seen = 0;
    int ignored = 0;
    for (JsonNode event : batch) {
      Kind kind = kind(event);
      if (kind == null) {
        ignored++;
        continue;
      }
      switch (events.apply(toEvent(event, kind))) {
        case APPLIED -> applied++;
        case UNMATCHED -> unmatched++;
        case ALREADY_SEEN -> seen++;
      }
    }
    return ResponseEntity.ok(new Received(batch.size(), applied, unmatched, seen, ignored));
  }

  @Operation(
      operationId = "receiveSendGridInbound",
      summary = "Receive a customer's reply through SendGrid",
      description =
          "SendGrid Inbound Parse posts a customer's reply as multipart form data; the "
              + "token in the path is the shared secret. The reply counts as CUSTOMER_RESPONDED "
              + "for the run it answers.")
  @PostMapping("/api/webhooks/sendgrid/inbound/{token}")
  @ApiResponse(responseCode = "202", description = "Accepted", useReturnTypeSchema = true)
  ResponseEntity<InboundReplies.Handled> inbound(
      @PathVariable String token,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String subject,
      @RequestParam(required = false) String headers,
      @RequestParam(required = false) String text,
      @RequestParam(required = false) String html) {
    if (inboundToken == null) {
      throw WebhookSupport.unauthorized(
          "retention.email.sendgrid.inbound-token is not set: Inbound Parse is not accepted");
    }
    if (!MessageDigest.isEqual(inboundToken, token.getBytes(StandardCharsets.UTF_8))) {
      throw WebhookSupport.unauthorized("the token in the Inbound Parse URL is not ours");
    }
    if (!StringUtils.hasText(from)) {
      throw WebhookSupport.malformed("the Inbound Parse form has no 'from' field");
    }
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .body(
            replies.received(
                PROVIDER,
                deliveryId(headers, from, subject, text, html),
                from,
                subject,
                clock.instant()));
  }

  /**
   * The email's Message-ID; without one, a hash of what the email says (sender, subject, its Date
   * header, body), so a post SendGrid retries is recognised all the same and recorded once.
   */
  static String deliveryId(String headers, String from, String subject, String text, String html) {
    String messageId = messageId(headers);
    if (messageId != null) {
      return messageId;
    }
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
    for (String part :
        new String[] {from, subject, header(headers, DATE), text != null ? text : html}) {
      byte[] bytes = String.valueOf(part).getBytes(StandardCharsets.UTF_8);
      // Length-prefixed, so moving text from one part to the next changes the hash.
      sha256.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
      sha256.update(bytes);
    }
    return "content-sha256:" + HexFormat.of().formatHex(sha256.digest());
  }

  private static String header(String headers, Pattern pattern) {
    if (headers == null) {
      return null;
    }
    Matcher m = pattern.matcher(headers);
    return m.find() ? m.group(1).strip() : null;
  }

  /** The event types we act on; deferrals, drops, soft bounces (blocked) and the like we don't. */
  private static Kind kind(JsonNode event) {
    String type = text(event, "event");
    if (type == null) {
      return null;
    }
    return switch (type) {
      case "processed" -> Kind.ACCEPTED;
      case "delivered" -> Kind.DELIVERED;
      case "open" -> Kind.OPENED;
      case "click" -> Kind.CLICKED;
      case "bounce" -> "blocked".equals(text(event, "type")) ? null : Kind.BOUNCED;
      case "spamreport" -> Kind.COMPLAINED;
      case "unsubscribe", "group_unsubscribe" -> Kind.UNSUBSCRIBED;
      default -> null;
    };
  }

  private DeliveryEvents.Event toEvent(JsonNode event, Kind kind) {
    String messageId = SendGridEmailProvider.messageIdOf(text(event, "sg_message_id"));
    String key = text(event, SendGridEmailProvider.KEY_ARG);
    String eventId = text(event, "sg_event_id");
    String timestamp = text(event, "timestamp");
    Instant at =
        timestamp != null && timestamp.matches("\\d{1,12}")
            ? Instant.ofEpochSecond(Long.parseLong(timestamp))
            : clock.instant();
    if (eventId == null) {
      eventId =
          String.join(
              ":",
              List.of(String.valueOf(messageId), kind.name(), String.valueOf(at.getEpochSecond())));
    }
    return new DeliveryEvents.Event(
        PROVIDER, eventId, kind, messageId, key, text(event, "email"), at, text(event, "reason"));
  }

  private static String messageId(String headers) {
    if (headers == null) {
      return null;
    }
    Matcher m = MESSAGE_ID.matcher(headers);
    return m.find() ? m.group(1) : null;
  }
}
