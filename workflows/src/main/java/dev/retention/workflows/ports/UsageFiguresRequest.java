package dev.retention.workflows.ports;

/** Whose usage to read. */
public record UsageFiguresRequest(String customerId) {}
