package dev.retention.workflows.cancellationsave;

/**
 * Every cancellation-save test again, with the runs on the playbook engine and the shipped
 * definition (playbooks/cancellation-save.yaml): the definition behaves exactly as the hand-written
 * playbook.
 */
class CancellationSaveEngineTest extends CancellationSavePlaybookTest {

  @Override
  boolean onEngine() {
    return true;
  }
}
