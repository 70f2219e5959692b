package dev.retention.api.console;

import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.RunView;
import dev.retention.workflows.contract.WaitingOn;
import java.util.List;

/** A run as a card: what it waits for and the outcomes it allows now; error when refused. */
public record RunCard(
    String workflowId,
    String playbook,
    String customerId,
    String customerName,
    String status,
    String stage,
    String outcome,
    String waitingFor,
    WaitingOn waitingOn,
    List<OutcomeType> allowedOutcomes,
    String nextStep,
    java.time.Instant nextStepAt,
    String error,
    String notice) {

  public boolean running() {
    return "RUNNING".equals(status);
  }

  /**
   * Whether the next step's time is a person's deadline: only then is a countdown past it late. The
   * time of an automated step (or the customer's) passing means it is being taken now.
   */
  public boolean deadlineOfPerson() {
    return waitingOn == WaitingOn.CSM;
  }

  static RunCard of(RunView v, String customerName, String error, String notice) {
    return new RunCard(
        v.workflowId(),
        v.playbook(),
        v.customerId(),
        customerName,
        v.status(),
        v.stage(),
        v.outcome(),
        v.waitingFor(),
        v.waitingOn(),
        v.allowedOutcomes() == null ? List.of() : v.allowedOutcomes(),
        v.nextStep() == null ? null : v.nextStep().step(),
        v.nextStep() == null ? null : v.nextStep().at(),
        error,
        notice);
  }
}
