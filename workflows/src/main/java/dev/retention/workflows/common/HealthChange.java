package dev.retention.workflows.common;

/** A new health score for the run's customer. */
public record HealthChange(int score, String band) {}
