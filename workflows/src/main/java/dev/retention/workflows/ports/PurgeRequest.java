package dev.retention.workflows.ports;

/** A purge run; the retention period itself is the app's setting at the time it runs. */
public record PurgeRequest(String trigger) {}
