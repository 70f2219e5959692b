package dev.retention.api.observability;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Is the Temporal service reachable and serving? (gRPC health check with a deadline) */
final class TemporalHealth implements HealthIndicator {

  private final WorkflowServiceStubs service;
  private final Duration deadline;

  TemporalHealth(WorkflowServiceStubs service, Duration deadline) {
    this.service = service;
    this.deadline = deadline;
  }

  @Override
  public Health health() {
    try {
      var response =
          HealthGrpc.newBlockingStub(service.getRawChannel())
              .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
              .check(
                  HealthCheckRequest.newBuilder()
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
