package dev.retention.api.webhooks;

import dev.retention.api.input.Ids;
import dev.retention.api.input.SingleLine;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Callers;
import dev.retention.data.webhooks.WebhookSubscriptions;
import dev.retention.data.webhooks.WebhookSubscriptions.Delivery;
import dev.retention.data.webhooks.WebhookSubscriptions.Subscription;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Webhook subscriptions, for admins: where every run event goes, signed with each subscription's
 * own secret (shown once), and each subscription's delivery log with replays. Under {@code
 * /api/admin/}: the admin rule, the audit and CSRF apply as to every admin write ({@code
 * /api/webhooks/} is the providers' open, signed inbound side).
 */
@Tag(name = "webhook subscriptions")
@RestController
class WebhookSubscriptionController {

  static final String BASE = "/api/admin/webhooks/subscriptions";
  static final int MAX_LIMIT = 200;

  private final WebhookSubscriptions subscriptions;

  WebhookSubscriptionController(WebhookSubscriptions subscriptions) {
    this.subscriptions = subscriptions;
  }

  record SubscriptionRequest(
      @NotBlank @SingleLine(max = 2000) String url,
      @SingleLine String description,
      @Size(min = 1, max = 20) List<@NotBlank String> eventTypes,
      Boolean enabled) {}

  record SubscriptionChange(
      @SingleLine(max = 2000) String url,
      @SingleLine String description,
      @Size(min = 1, max = 20) List<@NotBlank String> eventTypes,
      Boolean enabled) {}

  /** A subscription; {@code eventTypes} is {@code ["*"]} for every type. */
  record SubscriptionView(
      String id,
      String url,
      String description,
      List<String> eventTypes,
      boolean enabled,
      String createdBy,
      Instant createdAt,
      Instant updatedAt) {

    static SubscriptionView of(Subscription s) {
      return new SubscriptionView(
          s.id(),
          s.url(),
          s.description(),
          s.eventTypes() == null ? List.of(WebhookInput.ALL) : s.eventTypes(),
          s.enabled(),
          s.createdBy(),
          s.createdAt(),
          s.updatedAt());
    }
  }

  /** A subscription with its signing secret, which is in this answer only. */
  record SubscriptionSecret(
      String id,
      String url,
      String description,
      List<String> eventTypes,
      boolean enabled,
      String secret) {

    static SubscriptionSecret of(WebhookSubscriptions.WithSecret w) {
      SubscriptionView v = SubscriptionView.of(w.subscription());
      return new SubscriptionSecret(
          v.id(), v.url(), v.description(), v.eventTypes(), v.enabled(), w.secret());
    }
  }

  /**
   * One event to this subscriber: {@code eventId} is the {@code webhook-id} every attempt carries;
   * {@code nextAttemptAt} is set while it is PENDING.
   */
  record DeliveryView(
      long id,
      String eventId,
      String type,
      String status,
      int attempts,
      Integer lastStatus,
      String lastError,
      Instant nextAttemptAt,
      Instant deliveredAt,
      Instant createdAt) {

    static DeliveryView of(Delivery d) {
      return new DeliveryView(
          d.id(),
          d.eventId(),
          d.type(),
          d.status(),
          d.attempts(),
          d.lastStatus(),
          d.lastError(),
          d.nextAttemptAt(),
          d.deliveredAt(),
          d.createdAt());
    }
  }

  record Replayed(int replayed) {}

  @Operation(
      operationId = "createWebhookSubscription",
      summary = "Subscribe a URL to run events",
      description =
          "An absolute http(s) URL, an optional description, the event types it receives"
              + " (absent or [\"*\"]: every type; see docs/connectors/webhooks.md) and whether it"
              + " is enabled (default true). Every delivery is signed as Standard Webhooks with"
              + " the subscription's secret (whsec_…), which is in this answer only.")
  @PostMapping(BASE)
  @ApiResponse(
      responseCode = "201",
      description = "Created; the secret is in this answer only",
      useReturnTypeSchema = true)
  ResponseEntity<SubscriptionSecret> create(@Valid @RequestBody SubscriptionRequest body) {
    String url = WebhookInput.url(body.url());
    List<String> types = WebhookInput.types(body.eventTypes());
    var created =
        subscriptions.create(
            url,
            blankToNull(body.description()),
            types,
            body.enabled() == null || body.enabled(),
            Callers.require().actor());
    return ResponseEntity.status(HttpStatus.CREATED).body(SubscriptionSecret.of(created));
  }

  @Operation(
      operationId = "listWebhookSubscriptions",
      summary = "List webhook subscriptions",
      description = "Every subscription with its URL, filter and state; never the secrets.")
  @GetMapping(BASE)
  List<SubscriptionView> list() {
    return subscriptions.list().stream().map(SubscriptionView::of).toList();
  }

  @Operation(
      operationId = "getWebhookSubscription",
      summary = "Get a webhook subscription",
      description = "The subscription's URL, filter and state; never the secret.")
  @GetMapping(BASE + "/{subscriptionId}")
  @ApiResponse(responseCode = "200", description = "The subscription", useReturnTypeSchema = true)
  SubscriptionView get(@PathVariable String subscriptionId) {
    return SubscriptionView.of(find(subscriptionId));
  }

  @Operation(
      operationId = "updateWebhookSubscription",
      summary = "Change a webhook subscription",
      description =
          "Changes what the body gives (url, description, eventTypes, enabled); the rest stays."
              + " A disabled subscription receives nothing until enabled again; its pending"
              + " deliveries wait.")
  @PatchMapping(BASE + "/{subscriptionId}")
  @ApiResponse(responseCode = "200", description = "Changed", useReturnTypeSchema = true)
  SubscriptionView update(
      @PathVariable String subscriptionId, @Valid @RequestBody SubscriptionChange body) {
    Ids.check("subscriptionId", subscriptionId);
    String url = body.url() == null ? null : WebhookInput.url(body.url());
    List<String> types = body.eventTypes() == null ? null : WebhookInput.types(body.eventTypes());
    boolean all = body.eventTypes() != null && types == null;
    return subscriptions
        .update(subscriptionId, url, body.description(), types, all, body.enabled())
        .map(SubscriptionView::of)
        .orElseThrow(() -> notFound(subscriptionId));
  }

  @Operation(
      operationId = "deleteWebhookSubscription",
      summary = "Delete a webhook subscription",
      description = "The subscription and its delivery log; nothing more is sent to it.")
  @DeleteMapping(BASE + "/{subscriptionId}")
  @ApiResponse(responseCode = "204", description = "Deleted")
  ResponseEntity<Void> delete(@PathVariable String subscriptionId) {
    Ids.check("subscriptionId", subscriptionId);
    if (!subscriptions.delete(subscriptionId)) {
      throw notFound(subscriptionId);
    }
    return ResponseEntity.noContent().build();
  }

  @Operation(
      operationId = "rotateWebhookSubscriptionSecret",
      summary = "Rotate a subscription's secret",
      description =
          "A new whsec_ secret, in this answer only; every attempt from now on is signed with"
              + " it, and the old one stops at once.")
  @PostMapping(BASE + "/{subscriptionId}/rotate-secret")
  @ApiResponse(
      responseCode = "200",
      description = "Rotated; the secret is in this answer only",
      useReturnTypeSchema = true)
  SubscriptionSecret rotate(@PathVariable String subscriptionId) {
    Ids.check("subscriptionId", subscriptionId);
    return subscriptions
        .rotateSecret(subscriptionId)
        .map(SubscriptionSecret::of)
        .orElseThrow(() -> notFound(subscriptionId));
  }

  @Operation(
      operationId = "listWebhookDeliveries",
      summary = "A subscription's delivery log",
      description =
          "Newest first: each event's webhook-id, type, status (PENDING, DELIVERED, FAILED),"
              + " attempts, the subscriber's last status code and error, the next attempt and"
              + " when it was delivered.")
  @GetMapping(BASE + "/{subscriptionId}/deliveries")
  @ApiResponse(responseCode = "200", description = "The log", useReturnTypeSchema = true)
  List<DeliveryView> deliveries(
      @PathVariable String subscriptionId,
      @Parameter(description = "PENDING, DELIVERED or FAILED")
          @RequestParam(required = false)
          @SingleLine(max = 20)
          String status,
      @Parameter(description = "1-200, default 50") @RequestParam(required = false) Integer limit) {
    find(subscriptionId);
    String wanted = status == null ? null : deliveryStatus(status);
    int size = limit == null ? 50 : limit;
    if (size < 1 || size > MAX_LIMIT) {
      throw ApiProblem.invalid("limit", "limit must be between 1 and " + MAX_LIMIT);
    }
    return subscriptions.deliveries(subscriptionId, wanted, size).stream()
        .map(DeliveryView::of)
        .toList();
  }

  @Operation(
      operationId = "replayWebhookDelivery",
      summary = "Send one delivery again",
      description =
          "From its first attempt, under the same webhook-id (a delivered one too: the"
              + " subscriber may have lost it).")
  @PostMapping(BASE + "/{subscriptionId}/deliveries/{deliveryId}/replay")
  @ApiResponse(responseCode = "202", description = "Queued", useReturnTypeSchema = true)
  ResponseEntity<DeliveryView> replay(
      @PathVariable String subscriptionId, @PathVariable long deliveryId) {
    find(subscriptionId);
    return subscriptions
        .replay(subscriptionId, deliveryId)
        .map(d -> ResponseEntity.status(HttpStatus.ACCEPTED).body(DeliveryView.of(d)))
        .orElseThrow(
            () ->
                ApiProblem.notFound(
                    "Delivery",
                    "subscription " + subscriptionId + " has no delivery " + deliveryId));
  }

  @Operation(
      operationId = "replayFailedWebhookDeliveries",
      summary = "Send a subscription's failed deliveries again",
      description =
          "Every FAILED delivery of the subscription, from its first attempt, under its own"
              + " webhook-id; status=failed is required (the only status replayed in bulk).")
  @PostMapping(BASE + "/{subscriptionId}/replay")
  @ApiResponse(responseCode = "202", description = "Queued", useReturnTypeSchema = true)
  ResponseEntity<Replayed> replayFailed(
      @PathVariable String subscriptionId,
      @Parameter(description = "failed") @RequestParam @SingleLine(max = 20) String status) {
    find(subscriptionId);
    if (!"FAILED".equals(status.toUpperCase(Locale.ROOT))) {
      throw ApiProblem.invalid("status", "status must be failed: only failed deliveries replay");
    }
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .body(new Replayed(subscriptions.replayFailed(subscriptionId)));
  }

  private Subscription find(String subscriptionId) {
    Ids.check("subscriptionId", subscriptionId);
    return subscriptions.find(subscriptionId).orElseThrow(() -> notFound(subscriptionId));
  }

  private static ApiProblem notFound(String id) {
    return ApiProblem.notFound("Webhook subscription", "no webhook subscription " + id);
  }

  private static String deliveryStatus(String status) {
    String upper = status.toUpperCase(Locale.ROOT);
    if (!List.of("PENDING", "DELIVERED", "FAILED").contains(upper)) {
      throw ApiProblem.invalid("status", "status must be one of PENDING, DELIVERED, FAILED");
    }
    return upper;
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text.strip();
  }
}
