package dev.retention.workflows.contract;

/** An outcome recorded on a run by a CSM (or the backend), with an optional note. */
public record CsmOutcome(OutcomeType type, String note, String csmId) {}
