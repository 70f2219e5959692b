package dev.retention.api.playbooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.retention.workflows.common.NextStep;
import dev.retention.workflows.common.OutcomeType;
import dev.retention.workflows.common.StepRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A run as the API shows it; {@code steps} is left out of lists. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunView(
    String workflowId,
    String runId,
    String playbook,
    String customerId,
    String csmId,
    String status,
    String stage,
    String outcome,
    String outcomeReason,
    NextStep nextStep,
    String waitingFor,
    Boolean customerResponded,
    List<OutcomeType> allowedOutcomes,
    Instant startedAt,
    Instant closedAt,
    String dayLength,
    Map<String, String> facts,
    List<StepRecord> steps) {}
