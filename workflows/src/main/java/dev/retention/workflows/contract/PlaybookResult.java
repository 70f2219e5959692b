package dev.retention.workflows.contract;

import java.util.List;

/** What a finished run returns: its outcome and the full step log. */
public record PlaybookResult(RunOutcome outcome, String stage, List<StepRecord> steps) {}
