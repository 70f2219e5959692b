package dev.retention.workflows.frame;

import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.CustomerResponse;
import dev.retention.workflows.contract.HealthChange;
import dev.retention.workflows.contract.MilestoneReached;
import dev.retention.workflows.contract.Supersede;
import dev.retention.workflows.contract.Upgraded;

/**
 * Something that happened to a run from outside (a CSM outcome, the customer's answer, a new health
 * score, another playbook taking over). Handlers only queue these; the run's main thread acts on
 * them in order, so all effects (activities) happen in one place.
 */
public sealed interface RunEvent {

  record Outcome(CsmOutcome outcome) implements RunEvent {}

  record Responded(CustomerResponse response) implements RunEvent {}

  record Health(HealthChange change) implements RunEvent {}

  record Superseded(Supersede request) implements RunEvent {}

  record Milestone(MilestoneReached milestone) implements RunEvent {}

  record Upgrade(Upgraded upgrade) implements RunEvent {}
}
