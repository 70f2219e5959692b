package dev.retention.workflows.expansion;

import dev.retention.workflows.common.PlaybookContext;

/** Starts an expansion run: the health score and plan usage (0..1) that triggered it. */
public record ExpansionInput(PlaybookContext context, int healthScore, double planUsage) {}
