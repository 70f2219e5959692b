package dev.retention.api.customers;

import dev.retention.api.input.Ids;
import dev.retention.api.input.OneOf;
import dev.retention.api.input.SingleLine;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.problems.Paging;
import dev.retention.api.security.Access;
import dev.retention.data.console.ConsoleReads;
import dev.retention.data.crm.CrmTasks;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.email.Communication;
import dev.retention.data.email.Communications;
import dev.retention.data.ledger.TimelineItem;
import dev.retention.data.notes.CustomerNotes;
import dev.retention.data.scoring.HealthScoring;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "customers")
@RestController
class CustomerController {

  private final CustomerDirectory directory;
  private final Customers customers;
  private final HealthScoring scoring;
  private final CustomerNotes notes;
  private final ConsoleReads reads;
  private final Communications communications;
  private final CrmTasks tasks;
  private final Access access;

  CustomerController(
      CustomerDirectory directory,
      Customers customers,
      HealthScoring scoring,
      CustomerNotes notes,
      ConsoleReads reads,
      Communications communications,
      CrmTasks tasks,
      Access access) {
    this.access = access;
    this.directory = directory;
    this.customers = customers;
    this.scoring = scoring;
    this.notes = notes;
    this.reads = reads;
    this.communications = communications;
    this.tasks = tasks;
  }

  record Health(int score, String band, String trend, Instant scoredAt) {}

  record CustomerView(
      String id,
      String name,
      String email,
      String csmId,
      String plan,
      BigDecimal mrr,
      int planUsageLimit,
      String timezone,
      String locale,
      Health health,
      java.time.LocalDate renewalDate,
      BigDecimal arr) {}

  /** One customer in a search's page: its record's headline, latest health and running runs. */
  record CustomerLine(
      String id,
      String name,
      String csmId,
      String csmName,
      String plan,
      BigDecimal mrr,
      java.time.LocalDate renewalDate,
      BigDecimal arr,
      Integer score,
      String band,
      List<String> running,
      boolean atRiskUncovered) {}

  record CustomerPage(List<CustomerLine> items, int page, int size, long total) {}

  @Operation(
      operationId = "searchCustomers",
      summary = "Search and list customers",
      description =
          "A page of the customers the caller may see. q matches any part of the name, id or "
              + "email domain (case-insensitive); atRiskUncovered=true keeps the customers in "
              + "band AT_RISK or CRITICAL with no save playbook (at-risk, cancellation-save) "
              + "running. sort is NAME (default), RISK, HEALTH or MRR.")
  @GetMapping("/api/customers")
  CustomerPage search(
      @RequestParam(required = false) @SingleLine String q,
      @RequestParam(defaultValue = "false") boolean atRiskUncovered,
      @RequestParam(defaultValue = "NAME") @SingleLine(max = 16) String sort,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size) {
    Paging.check(page, size);
    ConsoleReads.Sort order =
        OneOf.parse("sort", sort, "sort", "sorts", ConsoleReads.Sort.values());
    ConsoleReads.CustomerPage found =
        reads.customers(
            new ConsoleReads.CustomerFilter(
                access.visibleCsmIds().orElse(null), null, null, null, order, q, atRiskUncovered),
            page,
            size);
    return new CustomerPage(
        found.items().stream()
            .map(
                c ->
                    new CustomerLine(
                        c.id(),
                        c.name(),
                        c.csmId(),
                        c.csmName(),
                        c.plan(),
                        c.mrr(),
                        c.renewalDate(),
                        c.arr(),
                        c.score(),
                        c.band(),
                        c.running(),
                        c.uncovered()))
            .toList(),
        page,
        size,
        found.total());
  }

  @Operation(
      operationId = "upsertCustomer",
      summary = "Create or replace a customer",
      description =
          "Creates the customer (201) or replaces its record (200): name, email, CSM, "
              + "plan, MRR, plan usage limit, IANA time zone and language. 404 when the csmId "
              + "is unknown. Needs customers:write (admins).")
  @PutMapping("/api/customers/{customerId}")
  @ApiResponse(responseCode = "200", description = "Changed", useReturnTypeSchema = true)
  @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
  ResponseEntity<CustomerView> put(
      @PathVariable String customerId, @Valid @RequestBody CustomerRequest body) {
    Ids.check("customerId", customerId);
    access.customer(customerId);
    try {
      ZoneId.of(body.timezone());
    } catch (DateTimeException e) {
      throw ApiProblem.invalid(
          "timezone",
          "timezone must be an IANA zone such as Europe/Amsterdam, was " + body.timezone());
    }
    if (body.renewalDate() != null
        && (body.renewalDate().getYear() < 2000 || body.renewalDate().getYear() > 2100)) {
      throw ApiProblem.invalid("renewalDate", "renewalDate must be in the years 2000 to 2100");
    }
    if (directory.findCsm(body.csmId()).isEmpty()) {
      throw ApiProblem.notFound(
          "CSM",
          "csmId " + body.csmId() + " is unknown; create it with PUT /api/csms/{csmId} first");
    }
    Customer customer =
        new Customer(
            customerId,
            body.name().strip(),
            body.email(),
            body.csmId(),
            body.plan(),
            body.mrr(),
            body.planUsageLimit(),
            body.timezone(),
            body.locale());
    boolean created = directory.upsertCustomer(customer);
    if (body.renewalDate() != null || body.arr() != null) {
      directory.setCommercials(
          java.util.Map.of(
              customerId, new CustomerDirectory.Commercials(body.renewalDate(), body.arr())));
    }
    return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK).body(view(customer));
  }

  @Operation(
      operationId = "getCustomer",
      summary = "Get a customer",
      description =
          "The customer's record with its latest health score (score, band, trend, "
              + "scoredAt). A CSM sees only their own customers.")
  @GetMapping("/api/customers/{customerId}")
  CustomerView get(@PathVariable String customerId) {
    return view(customer(customerId));
  }

  @Operation(
      operationId = "getCustomerTimeline",
      summary = "Get a customer's timeline",
      description =
          "Everything that happened to the customer, newest first: emails, tasks, "
              + "outcomes and health score changes, each with its playbook run where there is "
              + "one; and what people wrote, with the text verbatim in note and who wrote it "
              + "in author: notes typed with outcomes and on the customer (kind NOTE), calls "
              + "and meetings logged (CALL, MEETING), tasks completed with a note (TASK_DONE).")
  @GetMapping("/api/customers/{customerId}/timeline")
  List<TimelineItem> timeline(@PathVariable String customerId) {
    return notes.timeline(customer(customerId).id(), 500);
  }

  @Operation(
      operationId = "listCustomerCommunications",
      summary = "List the emails sent to a customer",
      description =
          "Every email the playbooks sent or tried to send the customer: run, step, "
              + "template, subject, recipient, delivery status, time and the provider's message "
              + "id.")
  @GetMapping("/api/customers/{customerId}/communications")
  List<Communication> communications(@PathVariable String customerId) {
    return communications.forCustomer(customer(customerId).id());
  }

  @Operation(
      operationId = "listCustomerTasks",
      summary = "List a customer's tasks",
      description = "The CRM tasks the playbooks created for this customer.")
  @GetMapping("/api/customers/{customerId}/tasks")
  List<CrmTasks.TaskRow> tasks(@PathVariable String customerId) {
    return tasks.forCustomer(customer(customerId).id());
  }

  private Customer customer(String customerId) {
    Ids.check("customerId", customerId);
    access.customer(customerId);
    return customers.get(customerId);
  }

  private CustomerView view(Customer c) {
    Health health =
        scoring
            .latest(c.id())
            .map(h -> new Health(h.score(), h.band().name(), h.trend(), h.scoredAt()))
            .orElse(null);
    CustomerDirectory.Commercials commercials = directory.commercials(c.id());
    return new CustomerView(
        c.id(),
        c.name(),
        c.email(),
        c.csmId(),
        c.plan(),
        c.mrr(),
        c.planUsageLimit(),
        c.timezone(),
        c.locale(),
        health,
        commercials.renewalDate(),
        commercials.arr());
  }
}
