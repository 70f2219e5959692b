package dev.retention.api.customers;

import dev.retention.api.input.FreeText;
import dev.retention.api.input.OneOf;
import dev.retention.api.input.SingleLine;
import dev.retention.api.input.TextRules;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Access;
import dev.retention.data.notes.CustomerNotes;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Notes on a customer: what a CSM writes on the customer, and calls and meetings they log; listed
 * with the notes typed with outcomes. Text is kept verbatim up to {@value TextRules#FREE_TEXT_MAX}
 * characters; longer is refused, never cut.
 */
@Tag(name = "customers")
@RestController
public class CustomerNotesController {

  private final NoteWriter writer;
  private final CustomerNotes notes;
  private final Customers customers;

  CustomerNotesController(NoteWriter writer, CustomerNotes notes, Customers customers) {
    this.writer = writer;
    this.notes = notes;
    this.customers = customers;
  }

  /**
   * A note, or a call or meeting logged: {@code kind} NOTE (the default), CALL or MEETING; for a
   * call or meeting {@code occurredAt} (default now) and {@code withWhom}.
   */
  record NoteRequest(
      @FreeText String text,
      @SingleLine(max = 16) String kind,
      Instant occurredAt,
      @SingleLine String withWhom) {}

  @Operation(
      operationId = "addCustomerNote",
      summary = "Write a note on a customer, or log a call or meeting",
      description =
          "Stores the text verbatim (at most 10000 characters: longer is refused with 400, "
              + "never cut). kind is NOTE (default), CALL or MEETING; a call or meeting may say "
              + "when (occurredAt, not in the future; default now) and withWhom. 409 when the "
              + "customer's personal data was erased. A CSM only for their own customers.")
  @PostMapping("/api/customers/{customerId}/notes")
  @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
  ResponseEntity<CustomerNotes.Note> add(
      @PathVariable String customerId, @Valid @RequestBody NoteRequest body) {
    customers.owned(customerId);
    CustomerNotes.Kind kind =
        body.kind() == null
            ? CustomerNotes.Kind.NOTE
            : OneOf.parse("kind", body.kind(), "kind", "kinds", CustomerNotes.Kind.values());
    CustomerNotes.Note note =
        writer.write(customerId, kind, body.occurredAt(), body.withWhom(), body.text());
    return ResponseEntity.status(HttpStatus.CREATED).body(note);
  }

  @Operation(
      operationId = "listCustomerNotes",
      summary = "List a customer's notes",
      description =
          "Newest first: notes written on the customer, calls and meetings logged, and the "
              + "notes typed with the outcomes of its runs (with workflowId and step).")
  @GetMapping("/api/customers/{customerId}/notes")
  List<CustomerNotes.Note> list(@PathVariable String customerId) {
    return notes.forCustomer(customers.owned(customerId).id(), 500);
  }

  /** No call was logged before this. */
  static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

  /** The same rules for the API and the console's form. */
  @org.springframework.stereotype.Component
  public static class NoteWriter {

    private final CustomerNotes notes;
    private final Access access;
    private final Clock clock;

    NoteWriter(CustomerNotes notes, Access access, Clock clock) {
      this.notes = notes;
      this.access = access;
      this.clock = clock;
    }

    /** A person writes as their CSM id (or login); a key as itself. */
    private String author() {
      String person = access.outcomeAuthor(null);
      return person != null ? person : dev.retention.api.security.Callers.require().actor();
    }

    /** Writes the note as the caller, or refuses it with a problem naming the field. */
    public CustomerNotes.Note write(
        String customerId,
        CustomerNotes.Kind kind,
        Instant occurredAt,
        String withWhom,
        String text) {
      if (text == null || text.isBlank()) {
        throw ApiProblem.invalid("text", "text is required: what you want to keep");
      }
      if (TextRules.forbiddenInFreeText(text) >= 0) {
        throw ApiProblem.invalid(
            "text", "text may hold line breaks and tabs but no other control character");
      }
      if (TextRules.length(text) > TextRules.FREE_TEXT_MAX) {
        throw ApiProblem.invalid(
            "text",
            "text is "
                + TextRules.length(text)
                + " characters; at most "
                + TextRules.FREE_TEXT_MAX
                + " are kept, so shorten it (nothing was saved)");
      }
      String with = withWhom == null || withWhom.isBlank() ? null : withWhom.strip();
      if (with != null
          && (TextRules.forbiddenInLine(with) >= 0
              || TextRules.length(with) > TextRules.LINE_MAX)) {
        throw ApiProblem.invalid(
            "withWhom", "withWhom must be a single line of at most " + TextRules.LINE_MAX);
      }
      Instant now = clock.instant();
      Instant when = null;
      if (kind != CustomerNotes.Kind.NOTE) {
        when = occurredAt == null ? now : occurredAt;
        if (when.isBefore(EARLIEST)) {
          throw ApiProblem.invalid("occurredAt", "occurredAt must be in the year 2000 or later");
        }
        if (when.isAfter(now.plusSeconds(300))) {
          throw ApiProblem.invalid(
              "occurredAt", "occurredAt is in the future; log a call or meeting once it happened");
        }
      } else if (occurredAt != null || with != null) {
        throw ApiProblem.invalid(
            occurredAt != null ? "occurredAt" : "withWhom",
            "occurredAt and withWhom are for a CALL or MEETING, not a NOTE");
      }
      return notes
          .add(customerId, kind, when, with, author(), text)
          .orElseThrow(
              () ->
                  ApiProblem.conflict(
                      "Customer erased",
                      "the personal data of customer "
                          + customerId
                          + " was erased; no new notes are kept about it",
                      null));
    }
  }
}
