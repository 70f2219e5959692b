package dev.retention.api.privacy;

import dev.retention.activities.privacy.PersonalData;
import dev.retention.api.input.Ids;
import dev.retention.api.playbooks.PlaybookClient;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Access;
import dev.retention.workflows.common.Supersede;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The right to erasure: a customer's personal data anonymised, their running playbooks ended with a
 * reason that says why, their address kept only as a hash on the suppression list. Admins only (see
 * AccessRules); audited like every write.
 */
@RestController
class PersonalDataController {

  static final String REASON = "personal data erased on request";

  private final PersonalData personalData;
  private final PlaybookClient runs;
  private final Access access;

  PersonalDataController(PersonalData personalData, PlaybookClient runs, Access access) {
    this.personalData = personalData;
    this.runs = runs;
    this.access = access;
  }

  record Erased(
      String customerId, Instant erasedAt, List<String> runsEnded, Map<String, Integer> rows) {}

  @DeleteMapping("/api/customers/{customerId}/personal-data")
  Erased erase(@PathVariable String customerId) {
    Ids.check("customerId", customerId);
    access.customer(customerId);
    // The data first (the suppression hash included), so a step running meanwhile can neither
    // read the old address nor email it; then the runs hear why they end.
    PersonalData.Erasure erasure =
        personalData
            .erase(customerId)
            .orElseThrow(() -> ApiProblem.notFound("Customer", "no customer " + customerId));
    List<String> ended =
        runs.signalRunning(customerId, null, run -> run.supersede(new Supersede(REASON)));
    return new Erased(customerId, erasure.erasedAt(), ended, erasure.rows());
  }
}
