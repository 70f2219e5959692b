package dev.retention.workflows.npsfollowup;

/**
 * Every nps-follow-up test again, with the runs on the playbook engine and the shipped definition
 * (playbooks/nps-follow-up.yaml): the definition behaves exactly as the hand-written playbook.
 */
class NpsFollowUpEngineTest extends NpsFollowUpPlaybookTest {

  @Override
  boolean onEngine() {
    return true;
  }
}
