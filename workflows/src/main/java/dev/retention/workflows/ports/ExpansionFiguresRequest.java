package dev.retention.workflows.ports;

/** The customer and the plan usage (0..1) that triggered the expansion run. */
public record ExpansionFiguresRequest(String customerId, double planUsage) {}
