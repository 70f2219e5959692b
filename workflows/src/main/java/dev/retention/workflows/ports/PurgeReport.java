package dev.retention.workflows.ports;

/** What a purge deleted: email bodies blanked and timeline entries removed before the cutoff. */
public record PurgeReport(String cutoff, int retentionDays, int emailBodies, int timelineEntries) {}
