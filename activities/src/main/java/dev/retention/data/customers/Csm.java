package dev.retention.data.customers;

/** A customer-success manager and the manager they escalate to. */
public record Csm(String id, String name, String email, String managerEmail) {}
