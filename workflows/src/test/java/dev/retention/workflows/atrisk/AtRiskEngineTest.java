package dev.retention.workflows.atrisk;

/**
 * Every at-risk test again, with the runs on the playbook engine and the shipped definition
 * (playbooks/at-risk.yaml): the definition behaves exactly as the hand-written playbook.
 */
class AtRiskEngineTest extends AtRiskPlaybookTest {

  @Override
  boolean onEngine() {
    return true;
  }
}
