package dev.retention.api.customers;

import dev.retention.api.input.SingleLine;
import dev.retention.api.problems.ApiProblem;
import dev.retention.data.customers.Contacts;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import java.util.Comparator;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The people at a customer. The primary contact is the one the customer's emails go to; marking
 * another one primary takes it from the previous one.
 */
@Tag(name = "customers")
@RestController
public class ContactController {

  private final ContactWriter writer;
  private final Contacts contacts;
  private final Customers customers;

  ContactController(ContactWriter writer, Contacts contacts, Customers customers) {
    this.writer = writer;
    this.contacts = contacts;
    this.customers = customers;
  }

  record ContactRequest(
      @NotBlank @SingleLine String name,
      @NotBlank @Email @SingleLine String email,
      @SingleLine String role,
      Boolean primary) {}

  @Operation(
      operationId = "listContacts",
      summary = "List a customer's contacts",
      description = "The primary contact first, then by name.")
  @GetMapping("/api/customers/{customerId}/contacts")
  List<Contacts.Contact> list(@PathVariable String customerId) {
    return contacts.forCustomer(customers.owned(customerId).id());
  }

  @Operation(
      operationId = "addContact",
      summary = "Add a contact to a customer",
      description =
          "name, email, an optional role, and primary (true: the customer's emails go to this "
              + "address from now on). 409 when the address is a contact already, or the "
              + "customer's personal data was erased.")
  @PostMapping("/api/customers/{customerId}/contacts")
  @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
  ResponseEntity<Contacts.Contact> add(
      @PathVariable String customerId, @Valid @RequestBody ContactRequest body) {
    customers.owned(customerId);
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(writer.add(customerId, body.name(), body.email(), body.role(), primary(body)));
  }

  @Operation(
      operationId = "updateContact",
      summary = "Change a contact",
      description = "Replaces the contact's name, email, role and primary flag.")
  @PutMapping("/api/customers/{customerId}/contacts/{contactId}")
  Contacts.Contact update(
      @PathVariable String customerId,
      @PathVariable long contactId,
      @Valid @RequestBody ContactRequest body) {
    customers.owned(customerId);
    return writer.update(
        customerId, contactId, body.name(), body.email(), body.role(), primary(body));
  }

  @Operation(
      operationId = "deleteContact",
      summary = "Remove a contact",
      description = "Without a primary contact, the customer's emails go to its own address.")
  @DeleteMapping("/api/customers/{customerId}/contacts/{contactId}")
  @ApiResponse(responseCode = "204", description = "Removed")
  ResponseEntity<Void> delete(@PathVariable String customerId, @PathVariable long contactId) {
    customers.owned(customerId);
    if (!contacts.delete(customerId, contactId)) {
      throw ApiProblem.notFound(
          "Contact", "customer " + customerId + " has no contact " + contactId);
    }
    return ResponseEntity.noContent().build();
  }

  private static boolean primary(ContactRequest body) {
    return Boolean.TRUE.equals(body.primary());
  }

  /** The same answers for the API and the console's forms. */
  @org.springframework.stereotype.Component
  public static class ContactWriter {

    private final Contacts contacts;
    private final Validator validator;

    ContactWriter(Contacts contacts, Validator validator) {
      this.contacts = contacts;
      this.validator = validator;
    }

    /**
     * A contact from a form, checked by the rules of the API's body ({@code ContactRequest}): the
     * first refused field by name, with the detail the API gives ({@code <field> <what is wrong>}).
     */
    public void check(String name, String email, String role) {
      validator.validate(new ContactRequest(name, email, role, null)).stream()
          .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
          .findFirst()
          .ifPresent(
              refused -> {
                String field = refused.getPropertyPath().toString();
                throw ApiProblem.invalid(field, field + " " + refused.getMessage());
              });
    }

    public Contacts.Contact add(
        String customerId, String name, String email, String role, boolean p) {
      return answer(
          customerId,
          null,
          email,
          contacts.add(customerId, clean(name), email.strip(), blank(role), p));
    }

    public Contacts.Contact update(
        String customerId, long id, String name, String email, String role, boolean p) {
      return answer(
          customerId,
          id,
          email,
          contacts.update(customerId, id, clean(name), email.strip(), blank(role), p));
    }

    private static Contacts.Contact answer(
        String customerId, Long id, String email, Contacts.Result result) {
      return switch (result.outcome()) {
        case DONE -> result.contact();
        case NO_CUSTOMER -> throw ApiProblem.notFound("Customer", "no customer " + customerId);
        case NOT_FOUND ->
            throw ApiProblem.notFound(
                "Contact", "customer " + customerId + " has no contact " + id);
        case ERASED ->
            throw ApiProblem.conflict(
                "Customer erased",
                "the personal data of customer "
                    + customerId
                    + " was erased; no contacts are kept for it",
                null);
        case DUPLICATE_EMAIL ->
            throw new ApiProblem(
                HttpStatus.CONFLICT,
                "Contact exists",
                email + " is a contact of customer " + customerId + " already",
                "email",
                null);
      };
    }

    private static String clean(String name) {
      return name.strip();
    }

    private static String blank(String role) {
      return role == null || role.isBlank() ? null : role.strip();
    }
  }
}
