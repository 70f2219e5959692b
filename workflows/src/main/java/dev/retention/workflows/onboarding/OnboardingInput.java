package dev.retention.workflows.onboarding;

import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.RunInput;

/** Starts onboarding at sign-up (trial start). */
public record OnboardingInput(PlaybookContext context) implements RunInput {

  @Override
  public String trigger() {
    return "sign-up";
  }

  @Override
  public String firstStage() {
    return OnboardingPlaybookImpl.Stage.ONBOARDING.name();
  }
}
