package dev.retention.workflows.contract;

/** Another playbook takes over (e.g. a cancellation request): the run ends {@code SUPERSEDED}. */
public record Supersede(String reason) {}
