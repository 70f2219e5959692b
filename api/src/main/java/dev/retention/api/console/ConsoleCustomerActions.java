package dev.retention.api.console;

import dev.retention.api.customers.Customers;
import dev.retention.api.events.CustomerEvents;
import dev.retention.api.playbooks.PlaybookClient;
import dev.retention.api.playbooks.PlaybookStarts;
import dev.retention.api.problems.ApiProblem;
import dev.retention.data.customers.Customer;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * What the customer page starts: a playbook by hand (as {@code POST /api/playbooks}), and "the
 * customer replied" (as the API's event). A refusal comes back on the customer page.
 */
@Controller
@Hidden
class ConsoleCustomerActions {

  private final Customers customers;
  private final PlaybookStarts starts;
  private final CustomerEvents events;
  private final MessageSource messages;
  private final ConsoleWords words;

  ConsoleCustomerActions(
      Customers customers,
      PlaybookStarts starts,
      CustomerEvents events,
      MessageSource messages,
      ConsoleWords words) {
    this.customers = customers;
    this.starts = starts;
    this.events = events;
    this.messages = messages;
    this.words = words;
  }

  @PostMapping("/console/customers/{customerId}/playbooks")
  String start(
      @PathVariable String customerId,
      @RequestParam String playbook,
      @RequestParam(required = false) String reason,
      RedirectAttributes redirect) {
    Customer customer = customers.owned(customerId);
    try {
      PlaybookClient.Started started = starts.byHand(playbook, customer.id(), blankToNull(reason));
      return "redirect:/console/runs/" + started.workflowId();
    } catch (ApiProblem problem) {
      // The API's rule for the reason (PlaybookStarts), said in the viewer's language; what was
      // chosen and typed stays in the form, to send again.
      redirect.addFlashAttribute(
          "error",
          "reason".equals(problem.field())
              ? messages.getMessage(
                  "customer.start.error.reason",
                  new Object[] {PlaybookStarts.REASON_MAX},
                  LocaleContextHolder.getLocale())
              : words.rejection(problem.getMessage()));
      Map<String, String> typed = new LinkedHashMap<>();
      typed.put("playbook", playbook);
      typed.put("reason", reason == null ? "" : reason);
      redirect.addFlashAttribute("startForm", typed);
      return "redirect:/console/customers/" + customer.id();
    }
  }

  @PostMapping("/console/customers/{customerId}/replied")
  String replied(@PathVariable String customerId, RedirectAttributes redirect) {
    Customer customer = customers.owned(customerId);
    List<String> informed = events.customerReplied(customer, "csm").workflowIds();
    redirect.addFlashAttribute(
        "notice",
        messages.getMessage(
            "customer.replied.done",
            new Object[] {informed.isEmpty() ? "–" : String.join(", ", informed)},
            LocaleContextHolder.getLocale()));
    return "redirect:/console/customers/" + customer.id();
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
