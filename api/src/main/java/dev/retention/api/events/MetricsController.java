package dev.retention.api.events;

import dev.retention.api.customers.Customers;
import dev.retention.api.input.Ids;
import dev.retention.api.security.Access;
import dev.retention.data.customers.Customer;
import dev.retention.data.scoring.HealthScore;
import dev.retention.data.scoring.HealthScoring;
import dev.retention.data.scoring.ScoredHealth;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The backend reports a customer's usage: it is scored, and the playbooks hear the new health (an
 * event like those under {@code /api/events}, kept at the customer's path the contract gives it).
 */
@Tag(name = "metrics")
@RestController
class MetricsController {

  private final Customers customers;
  private final HealthScoring scoring;
  private final CustomerEvents events;
  private final Access access;

  MetricsController(
      Customers customers, HealthScoring scoring, CustomerEvents events, Access access) {
    this.customers = customers;
    this.scoring = scoring;
    this.events = events;
    this.access = access;
  }

  record MetricsView(
      int score,
      String band,
      String trend,
      HealthScore.Components components,
      Instant scoredAt,
      Integer previousScore,
      boolean dropAlert,
      List<String> workflowsInformed,
      @Schema(
              description =
                  "The health model version that computed the score (GET"
                      + " /api/health-model/versions), or whose bands a backend's own score was"
                      + " put in")
          Integer modelVersion) {}

  /** A score the backend computed itself. */
  record OwnHealthScore(
      @NotNull @Min(0) @Max(100) Integer score,
      @Schema(description = "0..1; left out, the customer's last known plan usage is kept")
          @DecimalMin("0")
          @DecimalMax("1")
          Double planUsage) {}

  @Operation(
      operationId = "recordMetrics",
      summary = "Report a customer's usage metrics",
      description =
          "This week's usage, engagement and support figures. Answers with the new health "
              + "score, band, trend and components, and the running playbook runs the score was "
              + "passed to.")
  @PostMapping("/api/customers/{customerId}/metrics")
  MetricsView metrics(@PathVariable String customerId, @Valid @RequestBody MetricsRequest body) {
    access.customer(Ids.check("customerId", customerId));
    Customer customer = customers.get(customerId);
    ScoredHealth health = scoring.record(customer.id(), body.toMetrics());
    return view(customer, health);
  }

  @Operation(
      operationId = "recordOwnHealthScore",
      summary = "Report a health score the backend computed itself",
      description =
          "Bring your own score: a 0-100 score computed by the backend instead of from metrics."
              + " It is put in the published health model's bands and then handled exactly like a"
              + " computed score: trend, the 30-day drop alert, the timeline, and the playbooks"
              + " (a score falling into AT_RISK or CRITICAL starts at-risk). components is null.")
  @PostMapping("/api/customers/{customerId}/health-score")
  MetricsView ownScore(@PathVariable String customerId, @Valid @RequestBody OwnHealthScore body) {
    access.customer(Ids.check("customerId", customerId));
    Customer customer = customers.get(customerId);
    return view(customer, scoring.recordOwn(customer.id(), body.score(), body.planUsage()));
  }

  private MetricsView view(Customer customer, ScoredHealth health) {
    List<String> informed = events.healthScored(customer, health).workflowIds();
    return new MetricsView(
        health.score(),
        health.band().name(),
        health.trend(),
        health.components(),
        health.scoredAt(),
        health.previousScore(),
        health.dropAlerted(),
        informed,
        health.modelVersion());
  }
}
