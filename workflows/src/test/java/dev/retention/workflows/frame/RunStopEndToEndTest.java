package dev.retention.workflows.frame;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The stop scenarios against a real Temporal server ({@code temporal server start-dev}, as {@code
 * .ci/run} starts one), at {@code TEMPORAL_ADDRESS}; the server must know the run search
 * attributes. Skipped without TEMPORAL_ADDRESS.
 */
@Timeout(180)
@EnabledIfEnvironmentVariable(named = "TEMPORAL_ADDRESS", matches = ".+")
class RunStopEndToEndTest extends RunStopScenarios {

  private static WorkflowServiceStubs service;
  private static WorkflowClient client;

  @BeforeAll
  static void connect() {
    service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(System.getenv("TEMPORAL_ADDRESS"))
                .build());
    String namespace = System.getenv().getOrDefault("TEMPORAL_NAMESPACE", "default");
    client =
        WorkflowClient.newInstance(
            service, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
  }

  @AfterAll
  static void disconnect() {
    service.shutdownNow();
  }

  @Override
  WorkflowClient client() {
    return client;
  }
}
