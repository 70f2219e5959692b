package dev.retention.api.connectors.hubspot;

import dev.retention.activities.connectors.hubspot.HubSpotCompletions;
import dev.retention.activities.connectors.hubspot.HubSpotSettings;
import dev.retention.api.email.WebhookSupport;
import dev.retention.api.problems.ApiProblem;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * HubSpot's webhooks ({@code POST /api/webhooks/hubspot}, signature v3): a task of ours whose
 * {@code hs_task_status} became {@code COMPLETED} completes our task, exactly as completing it in
 * the console does; every other event is ignored. A repeated delivery changes nothing more. Logs
 * hold counts only.
 */
@Tag(name = "crm webhooks")
@RestController
class HubSpotWebhookController {

  static final String PATH = "/api/webhooks/hubspot";
  private static final Logger log = LoggerFactory.getLogger(HubSpotWebhookController.class);

  private final HubSpotSignature signature;
  private final ObjectProvider<HubSpotCompletions> completions;
  private final HubSpotSettings settings;
  private final ObjectMapper json;
  private final MeterRegistry meters;

  HubSpotWebhookController(
      HubSpotSignature signature,
      ObjectProvider<HubSpotCompletions> completions,
      HubSpotSettings settings,
      ObjectMapper json,
      MeterRegistry meters) {
    this.signature = signature;
    this.completions = completions;
    this.settings = settings;
    this.json = json;
    this.meters = meters;
  }

  /** What a delivery did: events read, our tasks completed, tasks already closed, others. */
  record Handled(int events, int completed, int alreadyClosed, int ignored) {}

  @Operation(
      operationId = "receiveHubSpotEvents",
      summary = "Receive HubSpot webhook events",
      description =
          "HubSpot's webhooks, signature v3: X-HubSpot-Signature-v3 = base64 HMAC-SHA256 of"
              + " method + URI + raw body + X-HubSpot-Request-Timestamp (Unix ms) with"
              + " retention.hubspot.client-secret; a missing or wrong signature, or a timestamp"
              + " more than 5 minutes old, is refused (401) and changes nothing. The body is"
              + " HubSpot's array of events; an object.propertyChange of hs_task_status to"
              + " COMPLETED on a task the connector created completes our task (closed by"
              + " hubspot), as the console does. Other events are counted and ignored.")
  @PostMapping(PATH)
  Handled events(
      @RequestHeader(name = HubSpotSignature.SIGNATURE, required = false) String sig,
      @RequestHeader(name = HubSpotSignature.TIMESTAMP, required = false) String timestamp,
      @RequestBody(required = false) byte[] body,
      HttpServletRequest request) {
    String problem =
        signature.problem(request.getMethod(), request.getQueryString(), body, sig, timestamp);
    if (problem != null) {
      count("refused");
      throw WebhookSupport.unauthorized(problem);
    }
    HubSpotCompletions hubspot = completions.getIfAvailable();
    if (hubspot == null || !settings.webhooks()) {
      throw ApiProblem.notFound(
          "HubSpot webhooks",
          "HubSpot webhooks are off: set retention.crm.provider=hubspot and"
              + " retention.hubspot.webhooks=true");
    }
    JsonNode events;
    try {
      events = json.readTree(body);
    } catch (JacksonException e) {
      throw WebhookSupport.malformed("the body is not JSON: " + e.getOriginalMessage());
    }
    if (!events.isArray()) {
      throw WebhookSupport.malformed("the body must be HubSpot's array of events");
    }
    int completed = 0;
    int closed = 0;
    int ignored = 0;
    for (JsonNode event : events) {
      String objectId = WebhookSupport.text(event, "objectId");
      if (objectId == null
          || !"hs_task_status".equals(WebhookSupport.text(event, "propertyName"))
          || !"COMPLETED".equals(WebhookSupport.text(event, "propertyValue"))) {
        ignored++;
        continue;
      }
      switch (hubspot.completed(objectId, null)) {
        case COMPLETED -> completed++;
        case ALREADY_CLOSED -> closed++;
        case NOT_OURS -> ignored++;
      }
    }
    Handled handled = new Handled(events.size(), completed, closed, ignored);
    count("accepted");
    log.info(
        "hubspot delivery: {} event(s), {} task(s) completed, {} already closed, {} ignored",
        handled.events(),
        completed,
        closed,
        ignored);
    return handled;
  }

  private void count(String result) {
    meters.counter("retention.hubspot.deliveries", "result", result).increment();
  }
}
