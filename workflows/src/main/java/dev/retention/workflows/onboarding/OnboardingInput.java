package dev.retention.workflows.onboarding;

import dev.retention.workflows.common.PlaybookContext;

/** Starts onboarding at sign-up (trial start). */
public record OnboardingInput(PlaybookContext context) {}
