package dev.retention.workflows.common;

/** Another playbook takes over (e.g. a cancellation request): the run ends {@code SUPERSEDED}. */
public record Supersede(String reason) {}
