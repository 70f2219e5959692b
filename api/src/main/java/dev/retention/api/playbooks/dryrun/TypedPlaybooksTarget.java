package dev.retention.api.playbooks.dryrun;

import dev.retention.api.playbooks.PlaybookStarts;
import dev.retention.workflows.atrisk.AtRiskInput;
import dev.retention.workflows.atrisk.AtRiskPlaybook;
import dev.retention.workflows.atrisk.AtRiskPlaybookImpl;
import dev.retention.workflows.cancellationsave.CancellationSaveInput;
import dev.retention.workflows.cancellationsave.CancellationSavePlaybook;
import dev.retention.workflows.cancellationsave.CancellationSavePlaybookImpl;
import dev.retention.workflows.common.RunInput;
import dev.retention.workflows.common.RunSearchAttributes;
import dev.retention.workflows.expansion.ExpansionInput;
import dev.retention.workflows.expansion.ExpansionPlaybook;
import dev.retention.workflows.expansion.ExpansionPlaybookImpl;
import dev.retention.workflows.npsfollowup.NpsFollowUpInput;
import dev.retention.workflows.npsfollowup.NpsFollowUpPlaybook;
import dev.retention.workflows.npsfollowup.NpsFollowUpPlaybookImpl;
import dev.retention.workflows.onboarding.OnboardingInput;
import dev.retention.workflows.onboarding.OnboardingPlaybook;
import dev.retention.workflows.onboarding.OnboardingPlaybookImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Today's target: the five typed playbook workflows, started with the input {@link PlaybookStarts}
 * builds for a run started by hand (from the customer's latest data, read only).
 */
@Component
public class TypedPlaybooksTarget implements DryRunTarget {

  private final PlaybookStarts starts;

  TypedPlaybooksTarget(PlaybookStarts starts) {
    this.starts = starts;
  }

  @Override
  public List<Class<?>> workflowTypes() {
    return List.of(
        AtRiskPlaybookImpl.class,
        ExpansionPlaybookImpl.class,
        OnboardingPlaybookImpl.class,
        NpsFollowUpPlaybookImpl.class,
        CancellationSavePlaybookImpl.class);
  }

  @Override
  public WorkflowStub start(WorkflowClient client, Run run) {
    RunInput input = starts.input(run.playbook(), run.customer(), run.reason(), run.startsAt());
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(run.workflowId())
            .setTaskQueue(run.taskQueue())
            .setTypedSearchAttributes(
                SearchAttributes.newBuilder()
                    .set(RunSearchAttributes.PLAYBOOK, run.playbook().id())
                    .set(RunSearchAttributes.CUSTOMER_ID, run.customer().id())
                    .set(RunSearchAttributes.CSM_ID, run.customer().csmId())
                    .build())
            .build();
    Object stub =
        switch (input) {
          case AtRiskInput in -> {
            AtRiskPlaybook typed = client.newWorkflowStub(AtRiskPlaybook.class, options);
            WorkflowClient.start(typed::run, in);
            yield typed;
          }
          case ExpansionInput in -> {
            ExpansionPlaybook typed = client.newWorkflowStub(ExpansionPlaybook.class, options);
            WorkflowClient.start(typed::run, in);
            yield typed;
          }
          case OnboardingInput in -> {
            OnboardingPlaybook typed = client.newWorkflowStub(OnboardingPlaybook.class, options);
            WorkflowClient.start(typed::run, in);
            yield typed;
          }
          case NpsFollowUpInput in -> {
            NpsFollowUpPlaybook typed = client.newWorkflowStub(NpsFollowUpPlaybook.class, options);
            WorkflowClient.start(typed::run, in);
            yield typed;
          }
          case CancellationSaveInput in -> {
            CancellationSavePlaybook typed =
                client.newWorkflowStub(CancellationSavePlaybook.class, options);
            WorkflowClient.start(typed::run, in);
            yield typed;
          }
          default -> throw new IllegalStateException("no workflow for " + input.getClass());
        };
    return WorkflowStub.fromTyped(stub);
  }
}
