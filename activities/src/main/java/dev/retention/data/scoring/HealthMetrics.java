package dev.retention.data.scoring;

/** The metrics the backend reports for a customer; validated by the API before they get here. */
public record HealthMetrics(
    int queriesPerWeek,
    int featuresUsed,
    int loginsPerWeek,
    double emailOpenRate,
    int openTickets,
    Sentiment sentiment,
    double planUsage) {}
