package dev.retention.api.meetings;

import static dev.retention.api.email.WebhookSupport.text;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.retention.api.customers.Customers;
import dev.retention.api.email.WebhookSupport;
import dev.retention.api.events.CustomerEvents;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * Calendly's webhook ({@code POST /api/webhooks/calendly}, v2, signed with the subscription's
 * signing key): an {@code invitee.created} (a meeting booked) whose invitee is matched to a
 * customer stops that customer's automation like a reply. Each delivery is handled once (by the
 * invitee's URI); nothing personal (no address, no name) is logged or kept.
 */
@Tag(name = "meeting webhooks")
@RestController
class CalendlyWebhookController {

  private static final Logger log = LoggerFactory.getLogger(CalendlyWebhookController.class);

  static final String SOURCE = "calendly";
  static final String INVITEE_CREATED = "invitee.created";

  private final CalendlySignature signature;
  private final Invitees invitees;
  private final Customers customers;
  private final CustomerEvents events;
  private final ObjectMapper json;
  private final Clock clock;
  private final MeterRegistry meters;
  private final CalendlyConnection connection;

  CalendlyWebhookController(
      CalendlySignature signature,
      Invitees invitees,
      Customers customers,
      CustomerEvents events,
      ObjectMapper json,
      Clock clock,
      MeterRegistry meters,
      CalendlyConnection connection) {
    this.signature = signature;
    this.invitees = invitees;
    this.customers = customers;
    this.events = events;
    this.json = json;
    this.clock = clock;
    this.meters = meters;
    this.connection = connection;
  }

  /**
   * What became of a delivery: {@code status} matched, duplicate (handled before), unmatched (with
   * the {@code reason}) or ignored (another event); the customer and how it was matched; the runs
   * told.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Handled(
      String event,
      String status,
      boolean matched,
      String customerId,
      String matchedBy,
      String reason,
      List<String> workflowIds) {
    static final String MATCHED = "matched";
    static final String DUPLICATE = "duplicate";
    static final String UNMATCHED = "unmatched";
    static final String IGNORED = "ignored";
  }

  @Operation(
      operationId = "receiveCalendlyEvent",
      summary = "Receive a Calendly booking",
      description =
          "Calendly's webhook (v2): Calendly-Webhook-Signature t=<Unix seconds>,v1=<hex"
              + " HMAC-SHA256 of \"<t>.<raw body>\" with retention.calendly.signing-key>; a missing"
              + " or wrong signature, or a timestamp more than 3 minutes old, is refused (401) and"
              + " changes nothing. invitee.created is matched to a customer by the invitee's"
              + " address (the customer's own or a contact's), else by its domain (one customer"
              + " only) and then acts like POST /api/events/meeting-booked with source calendly;"
              + " unmatched or ambiguous invitees answer 202 with matched false and the reason."
              + " A delivery Calendly retries is handled once. Other events: 202, ignored.")
  @PostMapping("/api/webhooks/calendly")
  @ApiResponse(
      responseCode = "202",
      description = "Handled, unmatched or ignored",
      useReturnTypeSchema = true)
  ResponseEntity<Handled> event(
      @RequestHeader(name = CalendlySignature.HEADER, required = false) String sig,
      @RequestBody(required = false) byte[] body) {
    String problem = signature.problem(body, sig);
    if (problem != null) {
      count("refused");
      connection.refused(problem);
      throw WebhookSupport.unauthorized(problem);
    }
    JsonNode delivery;
    try {
      delivery = json.readTree(body);
    } catch (JacksonException e) {
      throw WebhookSupport.malformed("the body is not JSON: " + e.getOriginalMessage());
    }
    String event = text(delivery, "event");
    if (!INVITEE_CREATED.equals(event)) {
      return answer(
          new Handled(
              event,
              Handled.IGNORED,
              false,
              null,
              null,
              "only invitee.created is handled",
              List.of()));
    }
    JsonNode payload = delivery.path("payload");
    String email = text(payload, "email");
    if (email == null || !Invitees.address(email.strip())) {
      throw WebhookSupport.malformed("payload.email is missing or not an email address");
    }
    Invitees.Match match = invitees.match(email.strip());
    if (!match.matched()) {
      return answer(
          new Handled(event, Handled.UNMATCHED, false, null, null, match.reason(), List.of()));
    }
    Instant at =
        WebhookSupport.instant(
            text(payload, "created_at"),
            WebhookSupport.instant(text(delivery, "created_at"), clock.instant()));
    CustomerEvents.Touched touched =
        events.meetingBooked(
            customers.get(match.customerId()), SOURCE, deliveryKey(payload, body), at);
    if (touched == null) {
      return answer(
          new Handled(
              event, Handled.DUPLICATE, true, match.customerId(), match.by(), null, List.of()));
    }
    return answer(
        new Handled(
            event,
            Handled.MATCHED,
            true,
            match.customerId(),
            match.by(),
            null,
            touched.workflowIds()));
  }

  /**
   * The invitee's URI (one per booking, the same in every retry); without one, a hash of the body.
   */
  static String deliveryKey(JsonNode payload, byte[] body) {
    String uri = text(payload, "uri");
    if (uri != null && !uri.isBlank()) {
      return uri.strip();
    }
    try {
      return "body-sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  private ResponseEntity<Handled> answer(Handled handled) {
    count(handled.status());
    connection.accepted();
    // No address or name: the outcome, the customer (an id) and how it was matched.
    log.info(
        "calendly delivery: {}{}",
        handled.status(),
        handled.matched()
            ? " (customer " + handled.customerId() + " by " + handled.matchedBy() + ")"
            : handled.reason() == null ? "" : " (" + handled.reason() + ")");
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(handled);
  }

  private void count(String result) {
    meters.counter("retention.calendly.deliveries", "result", result).increment();
  }
}
