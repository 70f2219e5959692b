package dev.retention.api.connections;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The connectors (CRM, chat, product events, calendar, webhook subscribers) and their state. */
@Tag(name = "connections")
@RestController
class ConnectionsController {

  private final ConnectionChecks checks;

  ConnectionsController(ConnectionChecks checks) {
    this.checks = checks;
  }

  @Operation(
      operationId = "listConnections",
      summary = "The connectors and their state",
      description =
          "Each connector: state (NOT_CONFIGURED, OK, DEGRADED, UNAUTHORIZED, DOWN), last"
              + " successful sync, last error in words and when, and what it does with the"
              + " current settings. Read from what the connectors saw; nothing is called. For"
              + " managers, admins and keys with the ops scope.")
  @GetMapping("/api/connections")
  List<ConnectionChecks.Shown> list() {
    return checks.all();
  }

  @Operation(
      operationId = "testConnection",
      summary = "Test a connection",
      description =
          "Calls the tool once with the configured credentials (a cheap authenticated read) and"
              + " answers its state: a wrong or expired token is UNAUTHORIZED, an outage or no"
              + " answer within 10 s is DOWN. Inbound-only connectors (Calendly, Segment) report"
              + " their settings and the last delivery. For admins and keys with the ops scope.")
  @ApiResponse(
      responseCode = "200",
      description = "The state after the test",
      useReturnTypeSchema = true)
  @PostMapping("/api/connections/{id}/test")
  ConnectionChecks.Shown test(
      @Parameter(description = "The connection's id, e.g. hubspot, slack, calendly") @PathVariable
          String id) {
    return checks.test(id);
  }
}
