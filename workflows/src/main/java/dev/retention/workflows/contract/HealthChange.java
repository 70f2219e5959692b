package dev.retention.workflows.contract;

/** A new health score for the run's customer. */
public record HealthChange(int score, String band) {}
