package dev.retention.workflows.privacy;

import dev.retention.workflows.ports.PurgeReport;
import dev.retention.workflows.ports.PurgeRequest;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** One pass of the retention purge, started daily by the {@code retention-purge} Schedule. */
@WorkflowInterface
public interface RetentionPurge {

  String SCHEDULE_ID = "retention-purge";

  @WorkflowMethod
  PurgeReport purge(PurgeRequest request);
}
