package dev.retention.api.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTestKeys;
import dev.retention.api.support.HttpApi;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import io.temporal.worker.tuning.PollerBehaviorAutoscaling;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** retention.role=worker: the workers run, and HTTP answers nothing but health. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "retention.role=worker",
      "retention.embedded-postgres.data-dir=",
      "retention.demo-data.enabled=false",
      "retention.codec.key-file=",
      "retention.security.bootstrap-admin-key=" + ApiTestKeys.ADMIN_KEY,
      "retention.security.password-strength=4",
      "retention.email.unsubscribe-secret=" + ApiTestKeys.UNSUBSCRIBE_SECRET
    })
class WorkerRoleTest {

  @LocalServerPort int port;
  @Autowired WorkerFactory workers;

  @Value("${retention.task-queue}")
  String taskQueue;

  @Test
  void aWorkerServesHealthOnly_andItsWorkersRun() {
    HttpApi api = new HttpApi(port);
    assertThat(api.anonymous().get("/actuator/health").status()).isEqualTo(200);
    HttpApi.Response playbooks = api.get("/api/playbooks");
    assertThat(playbooks.status()).isEqualTo(404);
    assertThat(playbooks.text("detail")).contains("retention.role=worker");
    assertThat(api.post("/api/metrics/batch", "[]").status()).isEqualTo(404);
    assertThat(workers.isStarted()).isTrue();
  }

  /** Sized for a burst of starts (docs/operations.md, "Scale apart"), on virtual threads. */
  @Test
  void theWorkersPollersScaleWithTheWork_onVirtualThreads() {
    WorkerOptions options = workers.getWorker(taskQueue).getWorkerOptions();
    assertThat(options.getWorkflowTaskPollersBehavior())
        .isEqualTo(new PollerBehaviorAutoscaling(1, 20, 5));
    assertThat(options.getActivityTaskPollersBehavior())
        .isEqualTo(new PollerBehaviorAutoscaling(1, 20, 5));
    assertThat(options.isUsingVirtualThreadsOnWorkflowWorker()).isTrue();
    assertThat(options.isUsingVirtualThreadsOnActivityWorker()).isTrue();
    assertThat(options.isUsingVirtualThreadsOnLocalActivityWorker()).isTrue();
    assertThat(options.getMaxConcurrentLocalActivityExecutionSize()).isEqualTo(200);
  }
}
