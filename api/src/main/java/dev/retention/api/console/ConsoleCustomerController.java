package dev.retention.api.console;

import dev.retention.api.customers.Customers;
import dev.retention.api.playbooks.PlaybookStarts;
import dev.retention.data.console.ConsoleReads;
import dev.retention.data.crm.CrmTasks;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.ledger.RunProjection;
import dev.retention.data.scoring.HealthScoring;
import io.swagger.v3.oas.annotations.Hidden;
import java.time.Clock;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * A customer's page: health and its history, timeline, commercials, notes and contacts, emails,
 * runs and tasks. The customer is the caller's to see ({@link Customers#owned}) before anything is
 * read; the page's forms are {@link ConsoleCustomerWork} and {@link ConsoleCustomerActions}.
 */
@Controller
@Hidden
class ConsoleCustomerController {

  private final Customers customers;
  private final ConsoleReads reads;
  private final HealthScoring scoring;
  private final RunProjection projection;
  private final CrmTasks tasks;
  private final CustomerDirectory directory;
  private final PlaybookStarts starts;
  private final ConsoleCustomerWork customerWork;
  private final ConsoleWords words;
  private final Clock clock;

  ConsoleCustomerController(
      Customers customers,
      ConsoleReads reads,
      HealthScoring scoring,
      RunProjection projection,
      CrmTasks tasks,
      CustomerDirectory directory,
      PlaybookStarts starts,
      ConsoleCustomerWork customerWork,
      ConsoleWords words,
      Clock clock) {
    this.customers = customers;
    this.reads = reads;
    this.scoring = scoring;
    this.projection = projection;
    this.tasks = tasks;
    this.directory = directory;
    this.starts = starts;
    this.customerWork = customerWork;
    this.words = words;
    this.clock = clock;
  }

  @GetMapping("/console/customers/{customerId}")
  String customer(@PathVariable String customerId, Model model) {
    Customer customer = customers.owned(customerId);
    var history = reads.healthHistory(customer.id(), 200);
    model.addAttribute("customer", customer);
    model.addAttribute("health", scoring.latest(customer.id()).orElse(null));
    model.addAttribute("history", history);
    model.addAttribute("healthChart", Charts.health(history, words.labels(), words));
    model.addAttribute("timeline", customerWork.timeline(customer.id(), 100));
    model.addAttribute("commercials", directory.commercials(customer.id()));
    customerWork.notesModel(customer, model);
    model.addAttribute("emails", reads.emails(customer.id(), 50));
    model.addAttribute("runs", projection.list(customer.id(), null, null, 50));
    model.addAttribute("tasks", tasks.forCustomer(customer.id()));
    model.addAttribute("playbooks", starts.startable());
    if (!model.containsAttribute("startForm")) {
      model.addAttribute("startForm", Map.of());
    }
    model.addAttribute("now", clock.instant());
    return "console/customer";
  }
}
