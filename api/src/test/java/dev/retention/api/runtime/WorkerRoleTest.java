package dev.retention.api.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTestKeys;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.SharedTestPostgres;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import io.temporal.worker.tuning.PollerBehaviorAutoscaling;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * retention.role=worker: the workers run, and HTTP answers nothing but health. This context also
 * keeps the app's own embedded PostgreSQL (the other contexts share one per test JVM: {@link
 * SharedTestPostgres}), as {@code bin/run} starts it.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "retention.role=worker",
      "retention.embedded-postgres.data-dir=",
      SharedTestPostgres.PROPERTY + "=false",
      "retention.demo-data.enabled=false",
      "retention.codec.key-file=",
      "retention.security.bootstrap-admin-key=" + ApiTestKeys.ADMIN_KEY,
      "retention.security.password-strength=4",
      "retention.email.unsubscribe-secret=" + ApiTestKeys.UNSUBSCRIBE_SECRET
    })
class WorkerRoleTest {

  @LocalServerPort int port;
  @Autowired WorkerFactory workers;
  @Autowired DataSource dataSource;
  @Autowired ObjectProvider<EmbeddedPostgres> embeddedPostgres;

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

  /**
   * The app's embedded PostgreSQL leaves room for its pool (DatabasePoolTest) twice over: a second
   * instance of the app, or a psql beside it.
   */
  @Test
  void theEmbeddedPostgresLeavesRoomForThePoolTwice() {
    assertThat(embeddedPostgres.getIfAvailable())
        .as("the app's own embedded PostgreSQL")
        .isNotNull();
    int allowed =
        Integer.parseInt(
            JdbcClient.create(dataSource).sql("show max_connections").query(String.class).single());
    assertThat(allowed).isGreaterThanOrEqualTo(2 * DatabasePoolTest.POOL);
  }
}
