package dev.retention.api.playbooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.retention.data.ledger.RunProjection;
import dev.retention.workflows.contract.CustomerResponse;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A customer's event reaches only the runs the projection knows as running: no signal goes to the
 * playbooks the customer has no run of (issue 10: every event used to signal all five ids).
 */
class SignalRoutingTest {

  private final WorkflowClient temporal = mock(WorkflowClient.class);
  private final RunProjection projection = mock(RunProjection.class);
  private final PlaybookClient client =
      new PlaybookClient(temporal, null, null, projection, null, "queue");

  @Test
  void customerResponded_signalsOnlyTheRunningRuns() {
    running("c-1", Playbook.AT_RISK, Playbook.NPS_FOLLOW_UP);
    PlaybookWorkflow atRisk = stub("at-risk-c-1");
    PlaybookWorkflow nps = stub("nps-follow-up-c-1");

    List<String> informed = client.customerResponded("c-1", "email-reply");

    assertThat(informed).containsExactly("at-risk-c-1", "nps-follow-up-c-1");
    verify(atRisk).customerResponded(new CustomerResponse("email-reply"));
    verify(nps).customerResponded(new CustomerResponse("email-reply"));
    for (Playbook other :
        List.of(Playbook.EXPANSION, Playbook.ONBOARDING, Playbook.CANCELLATION_SAVE)) {
      verify(temporal, never()).newWorkflowStub(PlaybookWorkflow.class, other.workflowId("c-1"));
    }
  }

  @Test
  void aCustomerWithoutRuns_getsNoSignalAtAll() {
    running("c-2");
    assertThat(client.customerResponded("c-2", "email-reply")).isEmpty();
    verify(temporal, never()).newWorkflowStub(eq(PlaybookWorkflow.class), anyString());
  }

  @Test
  void aRunThatClosedAMomentAgo_isLeftOut() {
    running("c-3", Playbook.AT_RISK);
    PlaybookWorkflow closed = stub("at-risk-c-3");
    doThrow(new WorkflowNotFoundException(WorkflowExecution.getDefaultInstance(), "AtRisk", null))
        .when(closed)
        .customerResponded(any());
    assertThat(client.customerResponded("c-3", "email-reply")).isEmpty();
  }

  @Test
  void aNamedPlaybook_isSignalledWithoutAskingTheProjection() {
    PlaybookWorkflow onboarding = stub("onboarding-c-4");
    assertThat(
            client.signalRunning(
                "c-4",
                Playbook.ONBOARDING,
                run -> run.customerResponded(new CustomerResponse("x"))))
        .containsExactly("onboarding-c-4");
    verify(onboarding).customerResponded(new CustomerResponse("x"));
    verify(projection, never()).running(any());
  }

  private void running(String customerId, Playbook... playbooks) {
    List<RunProjection.Running> runs =
        java.util.Arrays.stream(playbooks)
            .map(p -> new RunProjection.Running(customerId, p.id(), p.workflowId(customerId)))
            .toList();
    when(projection.running(List.of(customerId)))
        .thenReturn(runs.isEmpty() ? Map.of() : Map.of(customerId, runs));
  }

  private PlaybookWorkflow stub(String workflowId) {
    PlaybookWorkflow run = mock(PlaybookWorkflow.class);
    when(temporal.newWorkflowStub(PlaybookWorkflow.class, workflowId)).thenReturn(run);
    return run;
  }
}
