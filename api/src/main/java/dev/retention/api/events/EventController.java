package dev.retention.api.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.retention.api.customers.Customers;
import dev.retention.api.input.FreeText;
import dev.retention.api.input.Ids;
import dev.retention.api.input.OneOf;
import dev.retention.api.input.SingleLine;
import dev.retention.api.input.TextRules;
import dev.retention.api.playbooks.PlaybookStarts;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Access;
import dev.retention.data.customers.Customer;
import dev.retention.workflows.contract.Milestone;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Events from the backend. Each is validated whole before anything changes, and answers 202 with
 * the workflow ids it touched (and the ones it started).
 */
@Tag(name = "events")
@RestController
class EventController {

  /** Where a meeting was booked: a short lowercase name (calendly, hubspot-meetings). */
  static final int MEETING_SOURCE_MAX = 40;

  private static final Pattern MEETING_SOURCE = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

  private final Customers customers;
  private final CustomerEvents events;
  private final Access access;

  EventController(Customers customers, CustomerEvents events, Access access) {
    this.customers = customers;
    this.events = events;
    this.access = access;
  }

  record CustomerEvent(@NotBlank @SingleLine(max = TextRules.ID_MAX) String customerId) {}

  record MilestoneEvent(
      @NotBlank @SingleLine(max = TextRules.ID_MAX) String customerId,
      @NotBlank @SingleLine String milestone) {}

  record NpsEvent(
      @NotBlank @SingleLine(max = TextRules.ID_MAX) String customerId,
      @NotNull @Min(0) @Max(10) Integer score,
      @FreeText String comment) {}

  record CancellationEvent(
      @NotBlank @SingleLine(max = TextRules.ID_MAX) String customerId,
      @NotBlank @SingleLine String reason) {}

  record MeetingEvent(
      @NotBlank @SingleLine(max = TextRules.ID_MAX) String customerId,
      @SingleLine(max = MEETING_SOURCE_MAX) String source) {}

  record UpgradeEvent(
      @NotBlank @SingleLine(max = TextRules.ID_MAX) String customerId,
      @NotBlank @SingleLine(max = 100) String plan) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Answer(List<String> workflowIds, List<String> started, Instant decisionDeadline) {
    static Answer of(CustomerEvents.Touched touched) {
      return new Answer(touched.workflowIds(), touched.started(), touched.decisionDeadline());
    }
  }

  @Operation(
      operationId = "recordSignup",
      summary = "Report a signup",
      description =
          "A new customer signed up: starts the onboarding playbook. Answers 202 with the "
              + "workflow ids it touched.")
  @PostMapping("/api/events/signup")
  @ApiResponse(
      responseCode = "202",
      description = "Accepted: the workflows touched",
      useReturnTypeSchema = true)
  ResponseEntity<Answer> signup(@Valid @RequestBody CustomerEvent body) {
    return accepted(events.signup(customer(body.customerId())));
  }

  @Operation(
      operationId = "recordMilestone",
      summary = "Report an onboarding milestone",
      description =
          "The customer reached an onboarding milestone (INTEGRATION_CONNECTED, "
              + "FIRST_QUERY, THREE_QUESTIONS, PAYMENT_METHOD_ADDED, KEY_WORKFLOW_ESTABLISHED); "
              + "the onboarding run moves on. Answers 202 with the workflow ids it touched.")
  @PostMapping("/api/events/milestone")
  @ApiResponse(
      responseCode = "202",
      description = "Accepted: the workflows touched",
      useReturnTypeSchema = true)
  ResponseEntity<Answer> milestone(@Valid @RequestBody MilestoneEvent body) {
    Milestone milestone =
        OneOf.parse("milestone", body.milestone(), "milestone", "milestones", Milestone.values());
    return accepted(events.milestone(customer(body.customerId()), milestone));
  }

  @Operation(
      operationId = "recordNps",
      summary = "Report an NPS answer",
      description =
          "Records the customer's NPS score (0..10) and comment and starts the "
              + "nps-follow-up playbook. Answers 202 with the workflow ids it touched.")
  @PostMapping("/api/events/nps")
  @ApiResponse(
      responseCode = "202",
      description = "Accepted: the workflows touched",
      useReturnTypeSchema = true)
  ResponseEntity<Answer> nps(@Valid @RequestBody NpsEvent body) {
    return accepted(events.nps(customer(body.customerId()), body.score(), body.comment()));
  }

  @Operation(
      operationId = "recordCancellationRequest",
      summary = "Report a cancellation request",
      description =
          "The customer asked to cancel: starts the cancellation-save playbook. The "
              + "answer includes the decisionDeadline.")
  @PostMapping("/api/events/cancellation-requested")
  @ApiResponse(
      responseCode = "202",
      description = "Accepted: the workflows touched",
      useReturnTypeSchema = true)
  ResponseEntity<Answer> cancellationRequested(@Valid @RequestBody CancellationEvent body) {
    var reason = PlaybookStarts.reason(body.reason());
    return accepted(events.cancellationRequested(customer(body.customerId()), reason));
  }

  @Operation(
      operationId = "recordUpgrade",
      summary = "Report a plan upgrade",
      description =
          "The customer moved to another plan; their running playbook runs are told. "
              + "Answers 202 with the workflow ids it touched.")
  @PostMapping("/api/events/upgraded")
  @ApiResponse(
      responseCode = "202",
      description = "Accepted: the workflows touched",
      useReturnTypeSchema = true)
  ResponseEntity<Answer> upgraded(@Valid @RequestBody UpgradeEvent body) {
    return accepted(events.upgraded(customer(body.customerId()), body.plan().strip()));
  }

  @Operation(
      operationId = "recordCustomerReply",
      summary = "Report that a customer replied",
      description =
          "Sends CUSTOMER_RESPONDED to every running run of the customer (a reply by "
              + "phone or chat, say). A CSM may report it for their own customers.")
  @PostMapping("/api/events/customer-replied")
  @ApiResponse(
      responseCode = "202",
      description = "Accepted: the workflows touched",
      useReturnTypeSchema = true)
  ResponseEntity<Answer> customerReplied(@Valid @RequestBody CustomerEvent body) {
    return accepted(events.customerReplied(customer(body.customerId()), "backend"));
  }

  @Operation(
      operationId = "recordMeetingBooked",
      summary = "Report that a customer booked a meeting",
      description =
          "A booked meeting stops the automation like a reply: every running run of the customer"
              + " hears CUSTOMER_RESPONDED (source meeting-booked:<source>), hands over to the CSM"
              + " and sends no more automated emails; the timeline says \"Meeting booked\"."
              + " source names where it was booked (lowercase letters, digits and '-', at most 40;"
              + " e.g. calendly, hubspot-meetings), default meeting. A CSM may report it for"
              + " their own customers. Calendly's own webhook is POST /api/webhooks/calendly.")
  @PostMapping("/api/events/meeting-booked")
  @ApiResponse(
      responseCode = "202",
      description = "Accepted: the workflows touched",
      useReturnTypeSchema = true)
  ResponseEntity<Answer> meetingBooked(@Valid @RequestBody MeetingEvent body) {
    String source = body.source() == null ? CustomerEvents.MEETING_DEFAULT_SOURCE : body.source();
    if (!MEETING_SOURCE.matcher(source).matches()) {
      throw ApiProblem.invalid(
          "source",
          "source must be 1-40 lowercase letters, digits or '-', starting with a letter or digit"
              + " (e.g. calendly)");
    }
    return accepted(events.meetingBooked(customer(body.customerId()), source));
  }

  @Operation(
      operationId = "recordEvent",
      summary = "Report an event that starts a team-defined playbook",
      description =
          "An event named by the backend (e.g. trial-started) starts every published playbook"
              + " whose definition's trigger is {kind: event, event: <the name>}, such as the"
              + " shipped trial-conversion. The built-in events above keep their own endpoints."
              + " 400 (field event) when no playbook starts on it; answers 202 with the workflow"
              + " ids it touched and started.")
  @PostMapping("/api/events/{event}")
  @ApiResponse(
      responseCode = "202",
      description = "Accepted: the workflows touched",
      useReturnTypeSchema = true)
  ResponseEntity<Answer> event(
      @PathVariable @SingleLine(max = 64) String event, @Valid @RequestBody CustomerEvent body) {
    String name = Ids.check("event", event);
    return accepted(events.event(customer(body.customerId()), name));
  }

  private Customer customer(String customerId) {
    access.customer(Ids.check("customerId", customerId));
    return customers.get(customerId);
  }

  private static ResponseEntity<Answer> accepted(CustomerEvents.Touched touched) {
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(Answer.of(touched));
  }
}
