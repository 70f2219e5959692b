package dev.retention.api.playbooks.dryrun;

import dev.retention.api.input.FreeText;
import dev.retention.api.input.SingleLine;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Something that happens to the run during a dry-run, {@code at} an ISO-8601 offset from its start
 * ({@code P4D}, {@code PT5H}): the customer replies, a CSM records an outcome, a new health score,
 * an onboarding milestone, an upgrade.
 */
public record DryRunEvent(
    @Schema(description = "ISO-8601 offset from the run's start, e.g. P4D or PT5H", example = "P4D")
        @SingleLine(max = 40)
        String at,
    @Schema(
            description = "customer-responded, outcome, health, milestone or upgraded",
            example = "customer-responded")
        @SingleLine(max = 40)
        String type,
    @Schema(description = "type outcome: the outcome type, e.g. CALL_COMPLETED")
        @SingleLine(max = 40)
        String outcome,
    @Schema(description = "type outcome: the CSM's note") @FreeText String note,
    @Schema(description = "type health: the new score, 0 to 100") Integer score,
    @Schema(description = "type milestone: e.g. FIRST_QUERY") @SingleLine(max = 60) String name,
    @Schema(description = "type upgraded: the new plan") @SingleLine(max = 60) String plan) {}
