package dev.retention.workflows.onboarding;

/**
 * Every onboarding test again, with the runs on the playbook engine and the shipped definition
 * (playbooks/onboarding.yaml): the definition behaves exactly as the hand-written playbook.
 */
class OnboardingEngineTest extends OnboardingPlaybookTest {

  @Override
  boolean onEngine() {
    return true;
  }
}
