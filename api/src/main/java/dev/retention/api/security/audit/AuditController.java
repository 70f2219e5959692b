package dev.retention.api.security.audit;

import dev.retention.api.input.Ids;
import dev.retention.api.input.SingleLine;
import dev.retention.api.input.TextRules;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.problems.Paging;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The audit trail for admins, newest first, filtered by customer, actor and time, paged. */
@Tag(name = "audit")
@RestController
class AuditController {

  private final AuditLog audit;

  AuditController(AuditLog audit) {
    this.audit = audit;
  }

  @Operation(
      operationId = "listAuditEntries",
      summary = "List the audit log",
      description =
          "Who did what, newest first: every write and every refusal, filtered by "
              + "customer, actor (key:... or person:...) and time. Admins only.")
  @GetMapping("/api/audit")
  AuditLog.AuditPage audit(
      @RequestParam(required = false) @SingleLine(max = TextRules.ID_MAX) String customerId,
      @RequestParam(required = false) @SingleLine(max = 80) String actor,
      @RequestParam(required = false) Instant from,
      @RequestParam(required = false) Instant to,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size) {
    if (customerId != null) {
      Ids.check("customerId", customerId);
    }
    if (actor != null && !actor.matches("((key|person):)?[A-Za-z0-9._-]{1,64}")) {
      throw ApiProblem.invalid(
          "actor", "actor is a key id or username, optionally prefixed key: or person:");
    }
    Paging.check(page, size);
    if (from != null && to != null && from.isAfter(to)) {
      throw ApiProblem.invalid("from", "from must not be after to");
    }
    return audit.find(customerId, actor, from, to, page, size);
  }
}
