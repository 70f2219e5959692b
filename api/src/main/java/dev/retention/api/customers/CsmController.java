package dev.retention.api.customers;

import dev.retention.api.input.Ids;
import dev.retention.data.customers.Csm;
import dev.retention.data.customers.CustomerDirectory;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "csms")
@RestController
class CsmController {

  private final CustomerDirectory directory;

  CsmController(CustomerDirectory directory) {
    this.directory = directory;
  }

  @Operation(
      operationId = "upsertCsm",
      summary = "Create or replace a CSM",
      description =
          "Creates the customer success manager (201) or replaces their record (200): "
              + "name, email and their manager's email (escalations go there). Needs "
              + "customers:write (admins).")
  @PutMapping("/api/csms/{csmId}")
  @ApiResponse(responseCode = "200", description = "Changed", useReturnTypeSchema = true)
  @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
  ResponseEntity<Csm> put(@PathVariable String csmId, @Valid @RequestBody CsmRequest body) {
    Ids.check("csmId", csmId);
    Csm csm = new Csm(csmId, body.name().strip(), body.email(), body.managerEmail());
    boolean created = directory.upsertCsm(csm);
    return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK).body(csm);
  }
}
