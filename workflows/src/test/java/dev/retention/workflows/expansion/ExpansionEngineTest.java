package dev.retention.workflows.expansion;

/**
 * Every expansion test again, with the runs on the playbook engine and the shipped definition
 * (playbooks/expansion.yaml): the definition behaves exactly as the hand-written playbook.
 */
class ExpansionEngineTest extends ExpansionPlaybookTest {

  @Override
  boolean onEngine() {
    return true;
  }
}
