package dev.retention.api.events;

import dev.retention.activities.customers.CustomerDirectory;
import dev.retention.api.customers.Ids;
import dev.retention.api.playbooks.PlaybookRuns;
import dev.retention.api.problems.ApiProblem;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Events from the backend; each answers 202 with the workflow ids it touched. */
@RestController
class EventController {

  private final CustomerDirectory directory;
  private final PlaybookRuns runs;

  EventController(CustomerDirectory directory, PlaybookRuns runs) {
    this.directory = directory;
    this.runs = runs;
  }

  record CustomerEvent(@NotBlank String customerId) {}

  record Touched(List<String> workflowIds) {}

  @PostMapping("/api/events/customer-replied")
  ResponseEntity<Touched> customerReplied(@Valid @RequestBody CustomerEvent body) {
    String customerId = known(body.customerId());
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .body(new Touched(runs.customerResponded(customerId, "backend")));
  }

  private String known(String customerId) {
    Ids.check("customerId", customerId);
    if (!directory.customerExists(customerId)) {
      throw ApiProblem.notFound("Customer", "no customer " + customerId);
    }
    return customerId;
  }
}
