package dev.retention.workflows.contract;

/** The customer moved to a bigger plan. */
public record Upgraded(String plan) {}
