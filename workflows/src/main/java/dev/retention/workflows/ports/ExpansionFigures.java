package dev.retention.workflows.ports;

import java.util.Map;

/**
 * The upsell in figures: current and next plan, their prices and limits, the customer's usage, the
 * ROI of moving up, and the first-year price with the expansion discount. {@code variables} holds
 * them ready for the email templates ({@code roi.*}).
 */
public record ExpansionFigures(
    String currentPlan, String nextPlan, Map<String, String> variables) {}
