package dev.retention.api.observability;

import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Is the Temporal service reachable and serving? (gRPC health check, 3 s deadline) */
@Component("temporal")
class TemporalHealthIndicator implements HealthIndicator {

  private final WorkflowServiceStubs service;

  TemporalHealthIndicator(WorkflowServiceStubs service) {
    this.service = service;
  }

  @Override
  public Health health() {
    try {
      var response =
          io.grpc.health.v1.HealthGrpc.newBlockingStub(service.getRawChannel())
              .withDeadlineAfter(
                  Duration.ofSeconds(3).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
              .check(
                  io.grpc.health.v1.HealthCheckRequest.newBuilder()
                      .setService("temporal.api.workflowservice.v1.WorkflowService")
                      .build());
      String status = response.getStatus().name();
      return "SERVING".equals(status)
          ? Health.up().withDetail("status", status).build()
          : Health.down().withDetail("status", status).build();
    } catch (RuntimeException e) {
      return Health.down().withDetail("error", e.getClass().getSimpleName()).build();
    }
  }
}
