package dev.retention.workflows.common;

/** The customer moved to a bigger plan. */
public record Upgraded(String plan) {}
