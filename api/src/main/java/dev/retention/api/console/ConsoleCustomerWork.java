package dev.retention.api.console;

import dev.retention.api.customers.ContactController;
import dev.retention.api.customers.CustomerNotesController;
import dev.retention.api.customers.Customers;
import dev.retention.api.input.OneOf;
import dev.retention.api.problems.ApiProblem;
import dev.retention.data.customers.Contacts;
import dev.retention.data.customers.Customer;
import dev.retention.data.notes.CustomerNotes;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The customer page's forms: a note, a call or meeting logged, and the customer's contacts. They go
 * through the API's writers (same rules, same limits). With htmx the answer is the section again;
 * without, a redirect to the page. A refusal shows in the form with what was typed kept.
 */
@Controller
@Hidden
class ConsoleCustomerWork {

  static final int NOTES_SHOWN = 100;

  private final Customers customers;
  private final CustomerNotes notes;
  private final CustomerNotesController.NoteWriter noteWriter;
  private final Contacts contacts;
  private final ContactController.ContactWriter contactWriter;
  private final MessageSource messages;

  ConsoleCustomerWork(
      Customers customers,
      CustomerNotes notes,
      CustomerNotesController.NoteWriter noteWriter,
      Contacts contacts,
      ContactController.ContactWriter contactWriter,
      MessageSource messages) {
    this.customers = customers;
    this.notes = notes;
    this.noteWriter = noteWriter;
    this.contacts = contacts;
    this.contactWriter = contactWriter;
    this.messages = messages;
  }

  /** The customer's timeline with what people wrote in it. */
  List<dev.retention.data.ledger.TimelineItem> timeline(String customerId, int limit) {
    return notes.timeline(customerId, limit);
  }

  /** What the notes section shows, for the page and for the section alone. */
  void notesModel(Customer customer, Model model) {
    model.addAttribute("notes", notes.forCustomer(customer.id(), NOTES_SHOWN));
    model.addAttribute("taskNotes", notes.completedTasks(customer.id(), NOTES_SHOWN));
    model.addAttribute("contacts", contacts.forCustomer(customer.id()));
    if (!model.containsAttribute("noteForm")) {
      model.addAttribute("noteForm", Map.of("kind", "NOTE"));
    }
    if (!model.containsAttribute("contactForm")) {
      model.addAttribute("contactForm", Map.of());
    }
  }

  @PostMapping("/console/customers/{customerId}/notes")
  String note(
      @PathVariable String customerId,
      @RequestParam(defaultValue = "NOTE") String kind,
      @RequestParam(required = false) String text,
      @RequestParam(required = false) String occurredAt,
      @RequestParam(required = false) String withWhom,
      @RequestParam(required = false) String zone,
      @RequestHeader(name = "HX-Request", required = false) String htmx,
      HttpServletResponse response,
      RedirectAttributes redirect,
      Model model) {
    Customer customer = customers.owned(customerId);
    Map<String, String> typed = new LinkedHashMap<>();
    typed.put("kind", kind);
    typed.put("text", text == null ? "" : text);
    typed.put("occurredAt", occurredAt == null ? "" : occurredAt);
    typed.put("withWhom", withWhom == null ? "" : withWhom);
    String error = null;
    try {
      CustomerNotes.Kind parsed =
          OneOf.parse("kind", kind, "kind", "kinds", CustomerNotes.Kind.values());
      noteWriter.write(
          customer.id(),
          parsed,
          parsed == CustomerNotes.Kind.NOTE ? null : when(occurredAt, zone),
          parsed == CustomerNotes.Kind.NOTE ? null : withWhom,
          text);
    } catch (ApiProblem problem) {
      response.setStatus(problem.status().value());
      error = describe(problem);
    }
    String notice = error == null ? message("note.saved") : null;
    if (htmx == null) {
      redirect.addFlashAttribute(
          error == null ? "notice" : "noteError", error == null ? notice : error);
      if (error != null) {
        redirect.addFlashAttribute("noteForm", typed);
      }
      return "redirect:/console/customers/" + customer.id() + "#notes";
    }
    model.addAttribute("customer", customer);
    model.addAttribute("noteError", error);
    model.addAttribute("noteNotice", notice);
    if (error != null) {
      model.addAttribute("noteForm", typed);
    }
    notesModel(customer, model);
    return "console/customer :: notes";
  }

  @PostMapping("/console/customers/{customerId}/contacts")
  String addContact(
      @PathVariable String customerId,
      @RequestParam(required = false) String name,
      @RequestParam(required = false) String email,
      @RequestParam(required = false) String role,
      @RequestParam(defaultValue = "false") boolean primary,
      @RequestHeader(name = "HX-Request", required = false) String htmx,
      HttpServletResponse response,
      RedirectAttributes redirect,
      Model model) {
    Customer customer = customers.owned(customerId);
    Map<String, String> typed = new LinkedHashMap<>();
    typed.put("name", name == null ? "" : name);
    typed.put("email", email == null ? "" : email);
    typed.put("role", role == null ? "" : role);
    typed.put("primary", Boolean.toString(primary));
    String error = null;
    try {
      contactWriter.check(name, email, role);
      contactWriter.add(customer.id(), name, email, role, primary);
    } catch (ApiProblem problem) {
      response.setStatus(problem.status().value());
      error = describe(problem);
    }
    return contactsAnswer(customer, error, "contact.saved", typed, htmx, redirect, model);
  }

  @PostMapping("/console/customers/{customerId}/contacts/{contactId}")
  String changeContact(
      @PathVariable String customerId,
      @PathVariable long contactId,
      @RequestParam(defaultValue = "save") String action,
      @RequestParam(required = false) String name,
      @RequestParam(required = false) String email,
      @RequestParam(required = false) String role,
      @RequestParam(defaultValue = "false") boolean primary,
      @RequestHeader(name = "HX-Request", required = false) String htmx,
      HttpServletResponse response,
      RedirectAttributes redirect,
      Model model) {
    Customer customer = customers.owned(customerId);
    String error = null;
    String done = "contact.saved";
    try {
      if ("delete".equals(action)) {
        if (!contacts.delete(customer.id(), contactId)) {
          throw ApiProblem.notFound("Contact", "no contact " + contactId);
        }
        done = "contact.deleted";
      } else {
        contactWriter.check(name, email, role);
        contactWriter.update(customer.id(), contactId, name, email, role, primary);
      }
    } catch (ApiProblem problem) {
      response.setStatus(problem.status().value());
      error = describe(problem);
    }
    return contactsAnswer(customer, error, done, null, htmx, redirect, model);
  }

  private String contactsAnswer(
      Customer customer,
      String error,
      String doneKey,
      Map<String, String> typed,
      String htmx,
      RedirectAttributes redirect,
      Model model) {
    String notice = error == null ? message(doneKey) : null;
    if (htmx == null) {
      redirect.addFlashAttribute(
          error == null ? "notice" : "contactError", error == null ? notice : error);
      if (error != null && typed != null) {
        redirect.addFlashAttribute("contactForm", typed);
      }
      return "redirect:/console/customers/" + customer.id() + "#contacts";
    }
    model.addAttribute("customer", customer);
    model.addAttribute("contactError", error);
    model.addAttribute("contactNotice", notice);
    if (error != null && typed != null) {
      model.addAttribute("contactForm", typed);
    }
    notesModel(customer, model);
    return "console/customer :: contacts";
  }

  /** A datetime-local field, in the browser's zone (sent beside it), else UTC; blank is now. */
  private static Instant when(String local, String zone) {
    if (local == null || local.isBlank()) {
      return null;
    }
    ZoneId zoneId;
    try {
      zoneId = zone == null || zone.isBlank() ? ZoneId.of("UTC") : ZoneId.of(zone);
    } catch (java.time.DateTimeException e) {
      zoneId = ZoneId.of("UTC");
    }
    try {
      return LocalDateTime.parse(local).atZone(zoneId).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiProblem.invalid("occurredAt", "occurredAt must be a date and time");
    }
  }

  /**
   * A refusal in the viewer's language, by the field it names (the API's English detail when there
   * is no message for it).
   */
  private String describe(ApiProblem problem) {
    String key =
        problem.status() == org.springframework.http.HttpStatus.CONFLICT
            ? (problem.field() == null ? "form.erased" : "form.conflict." + problem.field())
            : "form.invalid." + problem.field() + textRule(problem);
    return messages.getMessage(
        key,
        new Object[] {dev.retention.api.input.TextRules.FREE_TEXT_MAX},
        problem.getMessage(),
        LocaleContextHolder.getLocale());
  }

  /**
   * Which of the note's rules ({@link CustomerNotesController.NoteWriter}) refused the text: it is
   * blank, holds a control character, or is too long (no suffix).
   */
  private static String textRule(ApiProblem problem) {
    if (!"text".equals(problem.field()) || problem.getMessage() == null) {
      return "";
    }
    if (problem.getMessage().startsWith("text is required")) {
      return ".blank";
    }
    return problem.getMessage().contains("control character") ? ".control" : "";
  }

  private String message(String key) {
    return messages.getMessage(key, null, key, LocaleContextHolder.getLocale());
  }
}
