package dev.retention.workflows.contract;

/** The backend reports that a customer reached an onboarding milestone. */
public record MilestoneReached(Milestone milestone) {}
