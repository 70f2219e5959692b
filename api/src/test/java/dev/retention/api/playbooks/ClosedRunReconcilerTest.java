package dev.retention.api.playbooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

@ApiTest
class ClosedRunReconcilerTest {

  static final Duration WAIT = Duration.ofSeconds(30);

  @LocalServerPort int port;
  @Autowired WorkflowClient client;
  @Autowired ClosedRunReconciler reconciler;
  HttpApi api;

  @BeforeEach
  void setUp() {
    api = new HttpApi(port);
  }

  @Test
  void runTerminatedOutside_readsTerminated_andTheReconcilerClosesItInTheList() {
    String customer = api.newCustomer("term");
    String workflowId = "at-risk-" + customer;
    String list = "/api/playbooks?customerId=" + customer;
    assertThat(
            api.post(
                    "/api/playbooks",
                    """
                    {"playbook":"at-risk","customerId":"%s"}"""
                        .formatted(customer))
                .status())
        .isEqualTo(202);
    api.await(list, WAIT, r -> r.body().size() == 1);

    client.newUntypedWorkflowStub(workflowId).terminate("ended by hand in the Temporal UI");

    Response run = api.get("/api/playbooks/" + workflowId);
    assertThat(run.text("status")).isEqualTo("TERMINATED");
    assertThat(run.text("closedAt")).isNotBlank();
    // Reading the run wrote nothing: the projection still holds it as running.
    assertThat(api.get(list).body().get(0).path("status").asText()).isEqualTo("RUNNING");

    reconciler.reconcile();

    Response listed = api.get(list);
    assertThat(listed.body().get(0).path("status").asText()).isEqualTo("TERMINATED");
    assertThat(listed.body().get(0).path("closedAt").asText()).isNotBlank();
  }
}
