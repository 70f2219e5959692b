package dev.retention.workflows.contract;

/** The customer answered: from an inbound reply, the backend, or a CSM. */
public record CustomerResponse(String source) {}
