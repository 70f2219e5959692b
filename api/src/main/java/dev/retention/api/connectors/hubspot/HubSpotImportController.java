package dev.retention.api.connectors.hubspot;

import dev.retention.activities.connectors.hubspot.HubSpotFailure;
import dev.retention.activities.connectors.hubspot.HubSpotImport;
import dev.retention.api.problems.ApiProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Connecting HubSpot: properties, owners and companies (admins). */
@Tag(name = "connectors")
@RestController
class HubSpotImportController {

  private final ObjectProvider<HubSpotImport> imports;

  HubSpotImportController(ObjectProvider<HubSpotImport> imports) {
    this.imports = imports;
  }

  @Operation(
      operationId = "importHubSpot",
      summary = "Connect HubSpot: properties, owners, companies",
      description =
          "Creates the connector's properties in HubSpot where absent (retention_health_score,"
              + " _health_band, _health_trend, _running_playbook, _playbook_stage on companies,"
              + " _step_key on tasks and notes), matches HubSpot owners to CSMs by email and"
              + " HubSpot companies to customers (retention.hubspot.company-match: domain, or a"
              + " company property holding our customer id), keeps the mapping and queues each"
              + " mapped company's health. Safe to repeat. 409 when retention.crm.provider is not"
              + " hubspot; 502 with HubSpot's answer when HubSpot refuses or is down.")
  @ApiResponse(responseCode = "200", description = "Imported", useReturnTypeSchema = true)
  @ApiResponse(
      responseCode = "502",
      description = "HubSpot refused the token or is down: its answer, and hubspotStatus",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(ref = "#/components/schemas/Problem")))
  @PostMapping("/api/connectors/hubspot/import")
  HubSpotImport.Report importHubSpot() {
    HubSpotImport hubspot = imports.getIfAvailable();
    if (hubspot == null) {
      throw ApiProblem.conflict(
          "HubSpot is not connected",
          "retention.crm.provider is builtin: set RETENTION_CRM_PROVIDER=hubspot and HUBSPOT_TOKEN",
          Map.of());
    }
    try {
      return hubspot.run();
    } catch (HubSpotFailure e) {
      throw new ApiProblem(
          HttpStatus.BAD_GATEWAY,
          e.unauthorized() ? "HubSpot refused the token" : "HubSpot failed",
          e.describe(),
          null,
          Map.of("hubspotStatus", e.status()));
    }
  }
}
