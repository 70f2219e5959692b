package dev.retention.api.support;

import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The {@link ApiTest} context's app works on the task queue {@link ContextTaskQueue} names. */
@ApiTest
class ContextTaskQueueApiTest {

  @LocalServerPort int port;
  @Autowired WorkerFactory workers;
  @Autowired WorkflowClient client;

  @Value("${retention.task-queue}")
  String taskQueue;

  @Test
  void theAppsWorkerAndClient_useTheContextsOwnQueue() {
    ContextTaskQueueTest.assertTheAppUsesItsContextsQueue(
        getClass(), port, workers, client, taskQueue);
  }
}
