package dev.retention.api.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTestKeys;
import dev.retention.api.support.HttpApi;
import io.temporal.worker.WorkerFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
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
      "retention.email.unsubscribe-secret=" + ApiTestKeys.UNSUBSCRIBE_SECRET
    })
class WorkerRoleTest {

  @LocalServerPort int port;
  @Autowired WorkerFactory workers;

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
}
