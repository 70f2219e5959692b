package dev.retention.workflows.onboarding;

import dev.retention.workflows.common.PlaybookContext;
import dev.retention.workflows.common.RunInput;

/** Starts onboarding at sign-up (trial start). */
public record OnboardingInput(PlaybookContext context) implements RunInput {

  @Override
  public String trigger() {
    return "sign-up";
  }
}
