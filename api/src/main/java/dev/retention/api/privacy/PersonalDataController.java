package dev.retention.api.privacy;

import dev.retention.api.input.Ids;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Access;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The right to erasure: a customer's personal data anonymised, their running playbooks ended with a
 * reason that says why, their runs' Temporal histories made unreadable (their data keys destroyed;
 * see {@link CustomerErasure}), their address kept only as a hash on the suppression list. Admins
 * only (see AccessRules); audited like every write.
 */
@Tag(name = "personal data")
@RestController
class PersonalDataController {

  private final CustomerErasure erasure;
  private final Access access;

  PersonalDataController(CustomerErasure erasure, Access access) {
    this.erasure = erasure;
    this.access = access;
  }

  record Erased(
      String customerId, Instant erasedAt, List<String> runsEnded, Map<String, Integer> rows) {}

  @Operation(
      operationId = "erasePersonalData",
      summary = "Erase a customer's personal data",
      description =
          "Ends the customer's running playbook runs and erases their personal data; the "
              + "answer lists the runs ended and the rows changed per table. Admins only.")
  @DeleteMapping("/api/customers/{customerId}/personal-data")
  Erased erase(@PathVariable String customerId) {
    Ids.check("customerId", customerId);
    access.customer(customerId);
    CustomerErasure.Result erased =
        erasure
            .erase(customerId)
            .orElseThrow(() -> ApiProblem.notFound("Customer", "no customer " + customerId));
    return new Erased(customerId, erased.erasedAt(), erased.runsEnded(), erased.rows());
  }
}
